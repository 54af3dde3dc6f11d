import * as fc from 'fast-check';
import { runCli } from '../../src/cli/main';

/**
 * `aidc plan` over random command lines: flags from its usage with values that are valid, out of range, malformed or
 * missing. Either it exits 0 with one JSON object free of NaN, Infinity and undefined, or it exits non-zero with one line
 * on stderr that names the command and nothing on stdout (DESIGN.md, "The aidc command").
 */
const value = fc.oneof(
  fc.constantFrom('0', '1', '2', '3', '4', '7', '8', '16', '64', '1024', '4096', '131072', '1e9', '1e12', '0.5', '0.9', '-1', '1.5', 'NaN', 'Infinity', '1e400', 'abc', ''),
  fc.integer({ min: -10, max: 1 << 20 }).map(String),
);

const trainingFlags = fc.uniqueArray(fc.constantFrom(
  '--gpus', '--seq-len', '--global-batch-tokens', '--tokens', '--micro-batch', '--precision', '--recompute', '--zero', '--framework',
  '--tp', '--pp', '--cp', '--vp', '--ep', '--etp', '--optimizer', '--deadline-hours', '--mtp-layers', '--bf16-grads', '--expert-overlap',
), { maxLength: 5 });
/** Flags that take no value. */
const switches = new Set(['--bf16-grads', '--expert-overlap']);
const inferenceFlags = fc.uniqueArray(fc.constantFrom(
  '--tp', '--precision', '--max-model-len', '--gpu-memory-utilization', '--prompt-tokens', '--output-tokens', '--peak-rps', '--ttft-p95-ms',
  '--tpot-p95-ms', '--batch', '--context-tokens',
), { maxLength: 5 });
const enumValue: Record<string, string[]> = {
  '--precision': ['bf16', 'fp8', 'fp32-amp', 'bf16-pure', 'int4', 'int8', 'fp4'], '--recompute': ['none', 'selective', 'full', 'some'],
  '--framework': ['megatron', 'fsdp', 'hf', 'jax'], '--optimizer': ['adamw', 'adamw-bf16-moments', 'adam-8bit', 'sgd', 'lion'],
};

function commandLine(base: string[], flags: string[], values: string[], enumPick: number[]): string[] {
  const argv = [...base];
  flags.forEach((flag, i) => {
    const choices = enumValue[flag];
    if (switches.has(flag)) argv.push(flag);
    else argv.push(flag, choices ? choices[enumPick[i] % choices.length] : values[i]);
  });
  return [...argv, '--json'];
}

function expectOneJsonObjectOrOneErrorLine(argv: string[]): boolean {
  const r = runCli(argv);
  if (r.code === 0) {
    expect(r.stdout).not.toMatch(/NaN|Infinity|undefined/);
    expect(typeof JSON.parse(r.stdout)).toBe('object');
    return true;
  }
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^aidc plan (training|inference): /);
  return false;
}

describe('aidc plan over random command lines (fast-check)', () => {
  test('training: one JSON object, or one line on stderr and a non-zero exit', () => {
    const base = ['plan', 'training', '--model', 'llama-3.2-1b', '--gpu', 'h100-sxm-80gb', '--gpus', '8', '--seq-len', '2048', '--global-batch-tokens', '131072'];
    let ok = 0;
    fc.assert(fc.property(trainingFlags, fc.array(value, { minLength: 5, maxLength: 5 }), fc.array(fc.nat(), { minLength: 5, maxLength: 5 }), (flags, values, picks) => {
      if (expectOneJsonObjectOrOneErrorLine(commandLine(base, flags, values, picks))) ok++;
    }), { numRuns: 150 });
    expect(ok).toBeGreaterThan(5);
  });

  test('inference: one JSON object, or one line on stderr and a non-zero exit', () => {
    const base = ['plan', 'inference', '--model', 'llama-3.1-8b', '--gpu', 'l40s-48gb'];
    let ok = 0;
    fc.assert(fc.property(inferenceFlags, fc.array(value, { minLength: 5, maxLength: 5 }), fc.array(fc.nat(), { minLength: 5, maxLength: 5 }), (flags, values, picks) => {
      if (expectOneJsonObjectOrOneErrorLine(commandLine(base, flags, values, picks))) ok++;
    }), { numRuns: 150 });
    expect(ok).toBeGreaterThan(5);
  });
});
