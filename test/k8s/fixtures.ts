import { Chart, Testing } from 'cdk8s';
import { GpuResourcePool, GpuResourcePoolProps } from '../../src/k8s';
import { GpuType, ModelSpec, NodeShape } from '../../src/planning/catalog';
import { InferencePlan, InferencePlanner } from '../../src/planning/inference';
import { TrainingPlan, TrainingPlanner } from '../../src/planning/training';

/** A fresh chart in a test app. */
export function testChart(): Chart {
  return new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
}

/** A p5.48xlarge pool with two tenants (research 60%, serving 40%). */
export function testPool(chart: Chart, overrides: Partial<GpuResourcePoolProps> = {}): GpuResourcePool {
  return new GpuResourcePool(chart, 'h100', {
    nodeShape: NodeShape.P5_48XLARGE,
    maxNodes: 8,
    tenants: [{ name: 'research', share: 0.6 }, { name: 'serving', share: 0.4 }],
    ...overrides,
  });
}

let training: TrainingPlan | undefined;
/** Llama 3.1 8B on 16 H100s, 8k sequences, 4M-token batches. */
export function trainingPlan(gpus = 16): TrainingPlan {
  if (gpus === 16 && training) return training;
  const plan = TrainingPlanner.plan({
    model: ModelSpec.of('llama-3.1-8b'), gpu: GpuType.H100_SXM_80GB, nodeShape: NodeShape.P5_48XLARGE, gpus,
    sequenceLength: 8192, globalBatchTokens: 4 * 1024 * 1024, tokens: 20e9,
  });
  if (gpus === 16) training = plan;
  return plan;
}

/** Llama 3.1 8B (or `modelId`) serving 20 req/s with a 1 s TTFT and 50 ms TPOT. */
export function inferencePlan(modelId = 'llama-3.1-8b', peakRequestsPerSecond = 20): InferencePlan {
  return InferencePlanner.plan({
    model: ModelSpec.of(modelId), gpu: GpuType.H100_SXM_80GB, nodeShape: NodeShape.P5_48XLARGE,
    traffic: { promptTokens: 1024, outputTokens: 256, peakRequestsPerSecond },
    slo: { ttftP95Seconds: 1, tpotP95Seconds: 0.05, availability: 0.999 },
  });
}

/** Objects of a kind in synthesized output. */
export function ofKind(objects: any[], kind: string): any[] {
  return objects.filter((o) => o.kind === kind);
}
