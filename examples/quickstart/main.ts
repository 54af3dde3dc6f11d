// The README quickstart, type-checked with the tests (keep the two in sync).
import { App, Chart } from 'cdk8s';
import { AiTrainingCluster, ElasticInferenceService, GpuResourcePool, MonitoringStack, planning } from '../../src';

const app = new App();
const chart = new Chart(app, 'platform');
const monitoring = new MonitoringStack(chart, 'monitoring', {});
const pool = new GpuResourcePool(chart, 'h100', {
  nodeShape: planning.NodeShape.P5_48XLARGE,
  maxNodes: 16,
  tenants: [{ name: 'research', share: 0.6 }, { name: 'serving', share: 0.4 }],
  monitoring,
});

const gpu = planning.GpuType.H100_SXM_80GB;
const model = planning.ModelSpec.of('llama-3.1-8b');
new AiTrainingCluster(chart, 'llama-8b-sft', {
  pool, tenant: 'research', monitoring,
  image: 'ghcr.io/acme/trainer:1.4.0', script: ['train.py'],
  plan: planning.TrainingPlanner.plan({
    model, gpu, gpus: 16, sequenceLength: 8192, globalBatchTokens: 4 * 2 ** 20, tokens: 20e9,
  }),
});
new ElasticInferenceService(chart, 'chat', {
  pool, tenant: 'serving', monitoring, modelRef: 'meta-llama/Llama-3.1-8B-Instruct',
  plan: planning.InferencePlanner.plan({
    model, gpu,
    traffic: { promptTokens: 1024, outputTokens: 256, peakRequestsPerSecond: 20 },
    slo: { ttftP95Seconds: 1, tpotP95Seconds: 0.05, availability: 0.999 },
  }),
});
app.synth();
