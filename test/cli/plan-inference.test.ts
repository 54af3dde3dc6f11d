import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../src/cli/main';

describe('aidc plan inference', () => {
  test('--json prints the DESIGN.md fields', () => {
    const r = runCli(['plan', 'inference', '--model', 'llama-3.1-70b', '--gpu', 'h100-sxm-80gb', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of ['fits', 'gpusPerReplica', 'kvCacheBytesPerToken', 'kvCacheTokens', 'maxConcurrentSequences']) expect(j).toHaveProperty(k);
    expect(Object.keys(j.memory)).toEqual(expect.arrayContaining(['weightsBytes', 'kvCacheBytes']));
    expect(Object.keys(j.throughput)).toEqual(['prefillTokensPerSecond', 'decodeTokensPerSecond']);
    expect(Object.keys(j.latency)).toEqual(['ttftSeconds', 'tpotSeconds']);
    expect(Object.keys(j.replicas)).toEqual(expect.arrayContaining(['min', 'max']));
    expect(j.kvCacheBytesPerToken).toBe(327680);
  });

  test('--batch and --context-tokens fix the decode operating point', () => {
    const r = runCli(['plan', 'inference', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', '--batch', '16', '--context-tokens', '4096', '--json']);
    const j = JSON.parse(r.stdout);
    expect(j.evaluation).toEqual({ batch: 16, contextTokens: 4096, promptTokens: 2048 });
    expect(j.throughput.decodeTokensPerSecond).toBeCloseTo(16 / j.latency.tpotSeconds, 6);
  });

  test('traffic and SLO flags size replicas', () => {
    const r = runCli(['plan', 'inference', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', '--precision', 'fp8', '--prompt-tokens', '1000',
      '--output-tokens', '200', '--peak-rps', '40', '--ttft-p95-ms', '1500', '--tpot-p95-ms', '60', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.replicas.max).toBeGreaterThanOrEqual(j.replicas.min);
    expect(j.latency.tpotSeconds).toBeLessThanOrEqual(0.06);
  });

  test('--kv-cache-dtype fp8 halves the KV bytes per token and --max-num-batched-tokens reaches the engine arguments', () => {
    const j = (extra: string[]): any => JSON.parse(runCli(['plan', 'inference', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', ...extra, '--json']).stdout);
    const fp8 = j(['--kv-cache-dtype', 'fp8', '--max-num-batched-tokens', '2048']);
    expect(fp8.kvCacheBytesPerToken).toBe(j([]).kvCacheBytesPerToken / 2);
    expect(fp8.engineArgs).toEqual(expect.arrayContaining(['--kv-cache-dtype=fp8', '--max-num-batched-tokens=2048']));
  });

  test('without --json it prints a table and the explanation', () => {
    const r = runCli(['plan', 'inference', '--model', 'mistral-7b', '--gpu', 'l4-24gb', '--precision', 'int4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/kv cache/);
    expect(r.stdout).toMatch(/kvCacheTokens = /);
  });

  test.each([
    [['--model', 'llama-3.1-7b', '--gpu', 'h100-sxm-80gb'], /did you mean/],
    [['--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', '--tp', '3'], /tensorParallel=3/],
    [['--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', '--gpu-memory-utilization', '1.5'], /gpuMemoryUtilization/],
    [['--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', '--max-model-len', '999999'], /maxModelLen/],
    [['--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', '--precision', 'fp4'], /precision/],
    [['--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', '--peak-rps', '3'], /go together/],
    [['--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', '--tp', 'abc'], /--tp/],
    [['--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', '--kv-cache-dtype', 'fp9'], /kvCacheDtype=fp9: must be one of bf16, fp8/],
    [['--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', '--max-num-batched-tokens', '0'], /--max-num-batched-tokens=0/],
  ])('%j exits non-zero with one stderr line', (flags, message) => {
    const r = runCli(['plan', 'inference', ...flags]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  describe('--request-sizes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aidc-sizes-'));
    const write = (name: string, text: string): string => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return file;
    };
    const slo = ['--peak-rps', '60', '--ttft-p95-ms', '500', '--tpot-p95-ms', '50'];
    const run = (file: string, extra: string[] = []): ReturnType<typeof runCli> =>
      runCli(['plan', 'inference', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', ...slo, '--request-sizes', file, ...extra, '--json']);
    // 85% chat (300 in / 200 out), 15% documents (6000 in / 60 out), in the Azure trace's columns.
    const azure = write('azure.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\n'
      + Array.from({ length: 20 }, (_, i) => (i % 20 < 17 ? '2023-11-16 18:15:46,300,200' : '2023-11-16 18:15:47,6000,60')).join('\n') + '\n');

    test('reads an Azure-trace CSV, takes the means from it and sizes more replicas than the means alone', () => {
      const mixed = run(azure);
      expect(mixed.code).toBe(0);
      const j = JSON.parse(mixed.stdout);
      expect(j.evaluation.promptTokens).toBe(1155);
      const plain = JSON.parse(runCli(['plan', 'inference', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', ...slo, '--prompt-tokens', '1155', '--output-tokens', '179', '--json']).stdout);
      expect(j.requestsPerSecondPerReplica).toBeLessThan(plain.requestsPerSecondPerReplica);
      expect(j.replicas.max).toBeGreaterThan(plain.replicas.max);
    });

    test('prompt_tokens/output_tokens headers work too, and the readable output names the classes', () => {
      const r = runCli(['plan', 'inference', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', ...slo, '--request-sizes', write('plain.csv', 'prompt_tokens,output_tokens\n100,10\n5000,50\n')]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/requestClasses = 2 classes/);
    });

    test.each([
      ['bad.csv', 'ContextTokens,GeneratedTokens\n300,200\n300,x\n', [], /bad.csv line 3 generatedtokens=x: must be a whole number of tokens/],
      ['noheader.csv', 'a,b\n1,2\n', [], /noheader.csv header=a,b: needs a prompt-token column/],
      ['empty.csv', 'prompt,output\n', [], /empty.csv=no requests/],
      ['means.csv', 'prompt,output\n100,10\n300,10\n', ['--prompt-tokens', '150'], /traffic.promptTokens=150: must be the request mix's mean, 200/],
    ])('%s exits non-zero with one stderr line', (name, text, extra, message) => {
      const r = run(write(name, text), extra);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });

    test('needs the peak rate and SLO flags, and a readable file', () => {
      const r = runCli(['plan', 'inference', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', '--request-sizes', azure]);
      expect(r.stderr).toMatch(/with --request-sizes: also give --peak-rps --ttft-p95-ms --tpot-p95-ms/);
      expect(run(path.join(dir, 'missing.csv')).stderr).toMatch(/--request-sizes=.*missing.csv: cannot read the request log/);
    });
  });

  describe('--request-log', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aidc-log-'));
    // 600 requests of 1,000 in / 200 out at 2 req/s on average, each ten seconds' 20 arriving within its first second.
    const rows = Array.from({ length: 600 }, (_, i) => `${(10 * Math.floor(i / 20) + (i % 20) / 20).toFixed(3)},1000,200`);
    const file = path.join(dir, 'log.csv');
    fs.writeFileSync(file, ['arrival_seconds,prompt_tokens,output_tokens', ...rows].join('\n') + '\n');
    const run = (extra: string[]): ReturnType<typeof runCli> =>
      runCli(['plan', 'inference', '--model', 'llama-3.1-70b', '--gpu', 'h100-sxm-80gb', '--tp', '4', '--ttft-p95-ms', '400', '--tpot-p95-ms', '60', ...extra]);

    test('takes the peak from the busiest minute and sizes replicas by replaying the log', () => {
      const r = run(['--request-log', file]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/replicasForRequestLog = \d+ replicas/);
      expect(r.stdout).toMatch(/busiest minute 2\.\d+ req\/s/);
      const j = JSON.parse(run(['--request-log', file, '--json']).stdout);
      expect(j.requestClasses).toBe(1);
    });

    test('with --request-sizes too, or without the SLO flags, it exits non-zero with one stderr line', () => {
      for (const [extra, message] of [
        [['--request-log', file, '--request-sizes', file], /give --request-sizes or --request-log, not both/],
        [['--request-log', file, '--tpot-p95-ms', '60'], /--tpot-p95-ms given twice/],
      ] as const) {
        const r = run([...extra]);
        expect(r.code).not.toBe(0);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(message);
      }
      const noSlo = runCli(['plan', 'inference', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', '--request-log', file]);
      expect(noSlo.stderr).toMatch(/with --request-log: also give --ttft-p95-ms --tpot-p95-ms/);
    });
  });
});
