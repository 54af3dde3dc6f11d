/**
 * The `hf` profile out of sample: single-GPU training steps measured on one H200 141GB, a card the profile was not
 * fitted on (its constants come from the H100 runs of h100-calibration.test.ts).
 *
 * How the numbers were measured (fixture `fixtures/h200-hf-training.json`, script bench/gpu/measure_training.py
 * `--cases h200`, PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True): randomly initialised Hugging Face
 * `LlamaForCausalLM` models with the catalog shapes of llama-3.2-1b, llama-3.2-3b, llama-3.1-8b and llama-2-7b,
 * fp32-amp and bf16-pure, with and without gradient checkpointing, one sequence of 2k–40k tokens, fused AdamW, 4 steps
 * per case, each case in its own process. Peak = torch.cuda.max_memory_allocated over the 4 steps + device memory outside
 * PyTorch; step time = median of steps 2–4. The 17 cases were chosen as pairs around the card's limit (predicted peak
 * 117–140 GiB of the 140.4 GiB the catalog gives the H200, and the next longer sequence predicted not to fit), and the
 * planner's predictions were written into the fixture (`predictedBeforeMeasuring`) before the device ran them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { GpuType, ModelSpec } from '../../../src/planning/catalog';
import { TrainingPlanner } from '../../../src/planning/training';
import { RecomputeMode, TrainingFramework, TrainingPrecision } from '../../../src/planning/training/precision';

interface Run {
  readonly model: string; readonly precision: string; readonly recompute: string; readonly b: number; readonly s: number;
  readonly outcome: 'fit' | 'out-of-memory'; readonly params?: number; readonly peakAllocatedBytes?: number; readonly peakReservedBytes?: number;
  readonly driverBytes?: number; readonly stepSeconds?: number; readonly phase?: string;
  readonly predictedBeforeMeasuring: { readonly fits: boolean; readonly peakGiB?: number; readonly stepSeconds?: number };
}

const runs = (JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'h200-hf-training.json'), 'utf8')) as { runs: Run[] }).runs;
const fits = runs.filter((r) => r.outcome === 'fit');
const GIB = 2 ** 30;
const h200 = GpuType.of('h200-141gb');
const label = (r: Run): string => `${r.model} ${r.precision} recompute=${r.recompute} b=${r.b} s=${r.s}`;
const measuredPeak = (r: Run): number => (r.peakAllocatedBytes as number) + (r.driverBytes as number);

function plan(r: Run, memoryReserveFraction?: number) {
  return TrainingPlanner.plan({
    model: ModelSpec.of(r.model), gpu: h200, gpus: 1, sequenceLength: r.s, globalBatchTokens: r.b * r.s, microBatch: r.b,
    framework: TrainingFramework.HF, zeroStage: 0, precision: r.precision as TrainingPrecision, recompute: r.recompute as RecomputeMode,
    memoryReserveFraction,
  });
}

const accepted = (r: Run): boolean => { try { plan(r); return true; } catch { return false; } };

describe('H200 out-of-sample check of the hf profile', () => {
  test('the fixture has 10 runs that fitted and 7 that ran out of memory, over four models and both precisions', () => {
    expect([fits.length, runs.length - fits.length]).toEqual([10, 7]);
    expect(new Set(runs.map((r) => r.model)).size).toBe(4);
    expect(new Set(runs.map((r) => r.precision))).toEqual(new Set(['bf16-pure', 'fp32-amp']));
  });

  test('the predictions written before the run got fit or out-of-memory right in all 17 cases', () => {
    expect(runs.filter((r) => r.predictedBeforeMeasuring.fits !== (r.outcome === 'fit')).map(label)).toEqual([]);
  });

  test('the planner today gets fit or out-of-memory right in all 17 cases, with its default single-GPU reserve', () => {
    expect(runs.filter((r) => accepted(r) !== (r.outcome === 'fit')).map(label)).toEqual([]);
  });

  test('predicted peak memory is within 5% of measured in every run that fitted (measured: −3.0% to +1.0%)', () => {
    const errors = fits.map((r) => ({ r, err: plan(r, 0).memory.peakBytesPerGpu / measuredPeak(r) - 1 }));
    console.log(`hf memory on H200: ${errors.map((e) => `${(e.err * 100).toFixed(1)}%`).join(', ')}`);
    expect(errors.filter((e) => Math.abs(e.err) > 0.05).map((e) => `${label(e.r)}: ${(e.err * 100).toFixed(1)}%`)).toEqual([]);
  });

  test('Llama 3.1 8B in fp32-amp (16 bytes of model state per parameter) fits on the H200 with short sequences, as planned', () => {
    const eightB = runs.filter((r) => r.model === 'llama-3.1-8b' && r.precision === 'fp32-amp');
    expect(eightB.map((r) => `${r.recompute} ${r.s}: ${r.outcome}`)).toEqual([
      'full 4096: fit', 'none 2048: fit', 'full 16384: fit', 'none 4096: out-of-memory', 'none 8192: out-of-memory',
    ]);
  });

  test('predicted step time is within 20% of measured in every run that fitted (−15% to +3%, median −5%); all these runs fill the card', () => {
    const errors = fits.map((r) => ({ r, err: plan(r, 0).throughput.stepSeconds / (r.stepSeconds as number) - 1 }));
    console.log(`hf step time on H200: ${errors.map((e) => `${(e.err * 100).toFixed(1)}%`).join(', ')}`);
    expect(errors.filter((e) => Math.abs(e.err) > 0.2).map((e) => `${label(e.r)}: ${(e.err * 100).toFixed(1)}%`)).toEqual([]);
    // The H100 fit's median error is −5%; here every run reserved over 83% of the card, and the slowest against plan
    // (Llama 3.2 1B at 32k tokens, −15%) left 8 GiB reserved but unallocated (the fsdp runs on H100 near the limit ran
    // 22% slow, h100-calibration.test.ts).
    for (const r of fits) expect((r.peakReservedBytes as number) / h200.memoryBytes).toBeGreaterThan(0.83);
    expect(Math.max(...errors.map((e) => e.err))).toBeLessThan(0.05);
  });

  test('the largest fitting run used 99% of what the catalog gives the card', () => {
    const largest = Math.max(...fits.map((r) => (r.peakReservedBytes as number) + (r.driverBytes as number)));
    expect(largest / h200.memoryBytes).toBeGreaterThan(0.99);
    expect(largest).toBeLessThan(h200.memoryBytes);
    expect(largest / GIB).toBeGreaterThan(139);
  });
});
