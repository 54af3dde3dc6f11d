/**
 * The `hf` (eager PyTorch) profile against single-GPU training steps measured on one H100 80GB.
 *
 * How the numbers were measured (fixture `fixtures/h100-hf-training.json`, script bench/gpu/measure_training.py):
 * randomly initialised Hugging Face `LlamaForCausalLM` models with the catalog shapes of llama-3.2-1b, llama-3.2-3b,
 * llama-3.1-8b and llama-2-7b; fp32-amp (fp32 weights, bf16 autocast) and bf16-pure; with and without gradient
 * checkpointing; 1–4 sequences of 1k–24k tokens; 1, 2 or 4 micro-batches per step; fused AdamW; 4 steps per case,
 * each case in its own process. Seven more runs wrap the same models in PyTorch FSDP2 (`fully_shard`, one-rank NCCL
 * group) for the `fsdp` profile: memory, and step time with FSDP2's copies around its collectives (derived from its
 * source, not fitted; see `fsdpCopyBytesPerParameter`).
 * Peak = torch.cuda.max_memory_allocated over the 4 steps + device memory outside PyTorch (CUDA context).
 * Step time = median of steps 2–4. Out-of-memory cases record where they failed. The grid was run twice: with
 * PyTorch's default caching allocator and with `expandable_segments:True` (what AiTrainingCluster sets).
 */
import * as fs from 'fs';
import * as path from 'path';
import { GpuType, ModelSpec } from '../../../src/planning/catalog';
import { TrainingPlanner } from '../../../src/planning/training';
import { eagerLayerUnits, EAGER_LOGITS_BYTES } from '../../../src/planning/training/activations';
import { CUDA_CONTEXT_BYTES, NCCL_COMMUNICATOR_BYTES } from '../../../src/planning/training/memory';
import { modelShape } from '../../../src/planning/training/model-math';
import { RecomputeMode, TrainingFramework, TrainingPrecision } from '../../../src/planning/training/precision';
import { fsdpCopyBytesPerParameter } from '../../../src/planning/training/step-time';

interface Run {
  readonly model: string; readonly precision: string; readonly recompute: string; readonly b: number; readonly s: number; readonly ga?: number; readonly framework?: 'fsdp';
  readonly allocator: 'default' | 'expandable_segments'; readonly outcome: 'fit' | 'out-of-memory';
  readonly params?: number; readonly peakAllocatedBytes?: number; readonly peakReservedBytes?: number; readonly driverBytes?: number;
  readonly savedForBackwardBytes?: number; readonly stepSeconds?: number; readonly phase?: string; readonly error?: string;
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'h100-hf-training.json'), 'utf8')) as { runs: Run[] };
const fsdpRuns = fixture.runs.filter((r) => r.framework === 'fsdp');
const runs = fixture.runs.filter((r) => r.framework === undefined);
const fits = runs.filter((r) => r.outcome === 'fit');
const expandable = runs.filter((r) => r.allocator === 'expandable_segments');
const GIB = 2 ** 30;
const h100 = GpuType.of('h100-sxm-80gb');
const label = (r: Run): string => `${r.model} ${r.precision} recompute=${r.recompute} b=${r.b} s=${r.s}${r.ga ? ` ga=${r.ga}` : ''} (${r.allocator})`;

function plan(r: Run, memoryReserveFraction?: number) {
  return TrainingPlanner.plan({
    model: ModelSpec.of(r.model), gpu: h100, gpus: 1, sequenceLength: r.s, globalBatchTokens: r.b * r.s * (r.ga ?? 1), microBatch: r.b,
    framework: TrainingFramework.HF, zeroStage: 0, precision: r.precision as TrainingPrecision, recompute: r.recompute as RecomputeMode,
    memoryReserveFraction,
  });
}

const measuredPeak = (r: Run): number => (r.peakAllocatedBytes as number) + (r.driverBytes as number);

describe('H100 calibration of the hf profile', () => {
  test('the fixture covers four models, both precisions, both recompute settings, fits and out-of-memory runs', () => {
    expect(new Set(runs.map((r) => r.model)).size).toBe(4);
    expect(new Set(runs.map((r) => r.precision))).toEqual(new Set(['bf16-pure', 'fp32-amp']));
    expect(new Set(runs.map((r) => r.recompute))).toEqual(new Set(['none', 'full']));
    expect(fits.length).toBeGreaterThanOrEqual(60);
    expect(runs.length - fits.length).toBeGreaterThanOrEqual(20);
  });

  test.each([...new Set(fits.map((r) => r.model))])('the measured %s has exactly the catalog parameter count', (id) => {
    const measured = fits.find((r) => r.model === id)?.params;
    expect(modelShape(ModelSpec.of(id)).totalParams).toBe(measured);
  });

  test('predicted peak memory is within 10% of the measured peak in every run that fitted', () => {
    const errors = fits.map((r) => ({ r, err: plan(r, 0).memory.peakBytesPerGpu / measuredPeak(r) - 1 }));
    const worst = errors.reduce((a, b) => (Math.abs(b.err) > Math.abs(a.err) ? b : a));
    console.log(`hf memory on H100: ${fits.length} runs, error ${(Math.min(...errors.map((e) => e.err)) * 100).toFixed(1)}% to ${(Math.max(...errors.map((e) => e.err)) * 100).toFixed(1)}%`);
    expect(errors.filter((e) => Math.abs(e.err) > 0.10).map((e) => `${label(e.r)}: ${(e.err * 100).toFixed(1)}%`)).toEqual([]);
    expect(Math.abs(worst.err)).toBeLessThan(0.06);
  });

  test('with expandable segments, the default single-GPU reserve gets fit or out-of-memory right in every run', () => {
    const wrong = expandable.filter((r) => {
      let fitsPredicted: boolean;
      try { plan(r); fitsPredicted = true; } catch (e) { fitsPredicted = false; }
      return fitsPredicted !== (r.outcome === 'fit');
    });
    expect(expandable.length).toBeGreaterThanOrEqual(50);
    expect(wrong.map(label)).toEqual([]);
  });

  test('runs the planner rejects ran out of memory under the default allocator too; the one it accepts that failed lost it to fragmentation', () => {
    const def = runs.filter((r) => r.allocator === 'default');
    const accepted = (r: Run): boolean => { try { plan(r); return true; } catch { return false; } };
    expect(def.filter((r) => !accepted(r) && r.outcome === 'fit').map(label)).toEqual([]);
    const surprises = def.filter((r) => accepted(r) && r.outcome !== 'fit');
    expect(surprises.map(label)).toEqual(['llama-3.2-1b fp32-amp recompute=full b=4 s=8192 (default)']);
    // "… 50.30 GiB is allocated by PyTorch, and 17.27 GiB is reserved by PyTorch but unallocated": the same case
    // fits with expandable segments.
    const stranded = Number(/([\d.]+) GiB is reserved by PyTorch but unallocated/.exec(surprises[0].error ?? '')?.[1]);
    expect(stranded).toBeGreaterThan(15);
    expect(expandable.find((r) => label(r).replace('expandable_segments', 'default') === label(surprises[0]))?.outcome).toBe('fit');
  });

  test('layer activations saved by the forward pass match the eager per-layer units within 6% (bf16-pure, no checkpointing)', () => {
    const cases = fits.filter((r) => r.precision === 'bf16-pure' && r.recompute === 'none' && !r.ga);
    expect(cases.length).toBeGreaterThanOrEqual(8);
    const off = cases.filter((r) => {
      const sh = modelShape(ModelSpec.of(r.model));
      const tokens = r.b * r.s;
      const predicted = sh.layers * eagerLayerUnits(sh) * tokens * sh.hidden + EAGER_LOGITS_BYTES.kept * tokens * sh.vocab;
      return Math.abs(predicted / (r.savedForBackwardBytes as number) - 1) > 0.06;
    });
    expect(off.map(label)).toEqual([]);
  });

  test('with gradient accumulation the gradients stay through later micro-batches: 8 runs predicted before they were measured', () => {
    const acc = runs.filter((r) => r.ga);
    expect(acc.length).toBe(8);
    for (const r of acc) {
      if (r.outcome === 'fit') expect(Math.abs(plan(r, 0).memory.peakBytesPerGpu / measuredPeak(r) - 1)).toBeLessThan(0.02);
      else expect(() => plan(r)).toThrow(/activations need/);
    }
    // Llama 3.1 8B at 4,096 tokens fits in one micro-batch and not in two.
    const one = runs.find((r) => r.model === 'llama-3.1-8b' && r.recompute === 'none' && r.s === 4096 && r.b === 1 && !r.ga && r.allocator === 'expandable_segments');
    const two = acc.find((r) => r.model === 'llama-3.1-8b' && r.recompute === 'none' && r.s === 4096);
    expect([one?.outcome, two?.outcome]).toEqual(['fit', 'out-of-memory']);
  });

  test('fsdp profile (FSDP2, one-rank NCCL group): peak memory within 3% of measured in all 7 runs, NCCL communicator included', () => {
    expect(fsdpRuns.length).toBe(7);
    const off = fsdpRuns.filter((r) => {
      const p = TrainingPlanner.plan({
        model: ModelSpec.of(r.model), gpu: h100, gpus: 1, sequenceLength: r.s, globalBatchTokens: r.b * r.s, microBatch: r.b,
        framework: TrainingFramework.FSDP, precision: r.precision as TrainingPrecision, recompute: r.recompute as RecomputeMode,
      });
      return Math.abs(p.memory.peakBytesPerGpu / measuredPeak(r) - 1) > 0.03;
    });
    expect(off.map(label)).toEqual([]);
    for (const r of fsdpRuns) expect(Math.abs((r.driverBytes as number) / (CUDA_CONTEXT_BYTES + NCCL_COMMUNICATOR_BYTES) - 1)).toBeLessThan(0.01);
  });

  test('fsdp step time: FSDP2\'s copies explain the measured gap to the same steps without FSDP (24 bytes/parameter derived, 21.9–25.7 measured)', () => {
    const hfOf = (r: Run): Run | undefined => runs.find((h) => h.allocator === 'expandable_segments' && h.outcome === 'fit' && !h.ga
      && h.model === r.model && h.precision === r.precision && h.recompute === r.recompute && h.b === r.b && h.s === r.s);
    const pairs = fsdpRuns.filter((r) => hfOf(r)).map((r) => ({ r, gap: (r.stepSeconds as number) - (hfOf(r)?.stepSeconds as number) }));
    expect(pairs.length).toBe(3);
    for (const { r, gap } of pairs) {
      const bytesPerParam = gap * h100.hbmBandwidthBytesPerSecond / (r.params as number);
      expect(Math.abs(bytesPerParam / fsdpCopyBytesPerParameter(1, 2, 2, 2) - 1)).toBeLessThan(0.1);
    }
  });

  test('fsdp step time is within 12% of measured in every FSDP2 run but the one run with its allocator near the device limit, which is slower', () => {
    const errs = fsdpRuns.map((r) => {
      const p = TrainingPlanner.plan({
        model: ModelSpec.of(r.model), gpu: h100, gpus: 1, sequenceLength: r.s, globalBatchTokens: r.b * r.s, microBatch: r.b,
        framework: TrainingFramework.FSDP, precision: r.precision as TrainingPrecision, recompute: r.recompute as RecomputeMode, memoryReserveFraction: 0,
      });
      return { r, err: p.throughput.stepSeconds / (r.stepSeconds as number) - 1, nearLimit: (r.peakReservedBytes as number) > h100.memoryBytes - 3 * GIB };
    });
    expect(errs.filter((e) => !e.nearLimit && Math.abs(e.err) > 0.12).map((e) => `${label(e.r)}: ${(e.err * 100).toFixed(1)}%`)).toEqual([]);
    // Llama 3.1 8B bf16 at 2,048 tokens reserved 77.3 of 79.6 GiB: the step ran 22% slower than predicted.
    const near = errs.filter((e) => e.nearLimit);
    expect(near.length).toBe(1);
    expect(near[0].err).toBeLessThan(-0.15);
  });

  test('the CUDA context outside PyTorch is the measured 0.75 GiB (±1%)', () => {
    for (const r of fits) expect(Math.abs((r.driverBytes as number) / CUDA_CONTEXT_BYTES - 1)).toBeLessThan(0.01);
  });

  test('predicted step time is within 20% of the measured median in every expandable-segments run', () => {
    const cases = expandable.filter((r) => r.outcome === 'fit');
    const errs = cases.map((r) => ({ r, err: plan(r, 0).throughput.stepSeconds / (r.stepSeconds as number) - 1 }));
    const sorted = errs.map((e) => e.err).sort((a, b) => a - b);
    console.log(`hf step time on H100: ${cases.length} runs, error ${(sorted[0] * 100).toFixed(1)}% to ${(sorted[sorted.length - 1] * 100).toFixed(1)}%, median ${(sorted[Math.floor(sorted.length / 2)] * 100).toFixed(1)}%`);
    expect(errs.filter((e) => Math.abs(e.err) > 0.2).map((e) => `${label(e.r)}: ${(e.err * 100).toFixed(1)}%`)).toEqual([]);
  });

  test('the largest fitting runs reach 99% of what CUDA exposes, so the fitted reserve is small', () => {
    const largest = Math.max(...expandable.filter((r) => r.outcome === 'fit').map(measuredPeak));
    expect(largest / GIB).toBeGreaterThan(78.5);
    expect(largest).toBeLessThan(h100.memoryBytes);
  });
});
