import { GpuType, ModelSpec } from '../../../src/planning/catalog';
import { InferencePrecision } from '../../../src/planning/inference';
import { weightBytes } from '../../../src/planning/inference/memory';
import { decodeStep, Layout, prefill } from '../../../src/planning/inference/speed';

/**
 * vLLM's own nightly performance benchmark, latency tests (`benchmarks/benchmark_latency.py`: batch 8, 32 input and 128
 * output tokens, BF16; Llama 3.1 8B at TP1, Llama 3 70B at TP4, Mixtral 8x7B at TP2), mean end-to-end latency in ms:
 * buildkite.com/vllm/performance-benchmark builds 9513 and 9515 (H200; the two agree within 0.3%), 9555 (8×H100) and 9523
 * (A100-SXM4-80GB). The speed constants were chosen against TensorRT-LLM's H200 table (speed.test.ts), so this is an
 * out-of-sample check on three GPUs, and the first on MoE decode (which experts a batch touches).
 * Llama 3 70B has the shapes of the catalog's llama-3.1-70b (only RoPE scaling and context differ).
 */
const VLLM_NIGHTLY: Array<[string, string, number, number]> = [
  ['a100-sxm-80gb', 'llama-3.1-8b', 1, 1579.27], ['a100-sxm-80gb', 'mixtral-8x7b', 2, 3643.84], ['a100-sxm-80gb', 'llama-3.1-70b', 4, 3990.59],
  ['h100-sxm-80gb', 'llama-3.1-8b', 1, 997.542], ['h100-sxm-80gb', 'mixtral-8x7b', 2, 2326.97], ['h100-sxm-80gb', 'llama-3.1-70b', 4, 2444.47],
  ['h200-141gb', 'llama-3.1-8b', 1, 833.421], ['h200-141gb', 'mixtral-8x7b', 2, 1917.44], ['h200-141gb', 'llama-3.1-70b', 4, 2077.53],
];

/** benchmark_latency's request: 8 prompts of 32 tokens prefilled together, then 127 decode steps as the context grows. */
function predictedLatencyMs(gpuId: string, model: ModelSpec, tp: number): number {
  const l: Layout = {
    model, gpu: GpuType.of(gpuId), precision: InferencePrecision.BF16, kvBytesPerElement: 2, tp, pp: 1,
    weightsBytesPerGpu: weightBytes(model, InferencePrecision.BF16, tp, 1).perGpuBytes, interNodeBytesPerSecondPerGpu: 50e9, maxNumBatchedTokens: 8192,
  };
  let seconds = prefill(l, 32, 8).seconds;
  for (let generated = 1; generated < 128; generated++) seconds += decodeStep(l, 8, 32 + generated).seconds;
  return seconds * 1e3;
}

const ratio = ([gpu, model, tp, measured]: [string, string, number, number]): number => predictedLatencyMs(gpu, ModelSpec.of(model), tp) / measured;
const isKnownLimit = ([gpu, , tp]: [string, string, number, number]): boolean => tp === 4 || gpu === 'h200-141gb';

describe('batch-8 latency against vLLM\'s nightly benchmark (A100, H100, H200)', () => {
  test.each(VLLM_NIGHTLY.filter((r) => !isKnownLimit(r)))('%s %s tp=%d: within 10%% of the measured %d ms', (...row) => {
    expect(Math.abs(ratio(row) - 1)).toBeLessThanOrEqual(0.10);
  });

  /**
   * KNOWN LIMIT: the planner is faster than this (2024) vLLM build at TP4 on every GPU (−16% to −25%) and on the H200
   * (−12% and −13% at TP1/TP2): against TensorRT-LLM on the same H200 it is 2–6% slow at batch 1 (speed.test.ts), so the
   * gap is the engine's (H200 bandwidth not yet reached; per-layer time at TP4 beyond the all-reduce, which current vLLM
   * runs in ~10 µs for 0.5 MB on 4 H100s, vllm-project/vllm PR #24532). Pinned so that a recalibration shows up here.
   */
  test.each(VLLM_NIGHTLY.filter(isKnownLimit))('known limit: %s %s tp=%d is predicted faster than the measured %d ms (pinned)', (...row) => {
    const pinned: Record<string, number> = {
      'a100-sxm-80gb/4': 0.796, 'h100-sxm-80gb/4': 0.843, 'h200-141gb/1': 0.880, 'h200-141gb/2': 0.870, 'h200-141gb/4': 0.748,
    };
    expect(Math.abs(ratio(row) - pinned[`${row[0]}/${row[2]}`])).toBeLessThanOrEqual(0.02);
  });

  test('the gap is one-sided: every prediction is faster than this 2024 vLLM build, none slower (so SLO replica counts lean optimistic on it)', () => {
    for (const row of VLLM_NIGHTLY) expect(ratio(row)).toBeLessThan(1);
  });

  test('MoE decode reads only the experts the batch touches (1 − (1 − 2/8)^8 = 90% at batch 8): Mixtral is within 3% on A100 and H100, where reading every expert would be over 5% slow', () => {
    const mixtral = VLLM_NIGHTLY.filter(([gpu, model]) => model === 'mixtral-8x7b' && gpu !== 'h200-141gb');
    const everyExpert = ModelSpec.custom({ ...ModelSpec.of('mixtral-8x7b').toJson(), id: 'mixtral-every-expert', activeExperts: 8 });
    for (const row of mixtral) {
      expect(Math.abs(ratio(row) - 1)).toBeLessThanOrEqual(0.03);
      expect(predictedLatencyMs(row[0], everyExpert, row[2]) / row[3]).toBeGreaterThan(1.05);
    }
  });
});
