import { runCli } from '../../src/cli/main';

const BASE = ['plan', 'training', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', '--gpus', '8', '--seq-len', '4096', '--global-batch-tokens', '262144'];

describe('aidc plan training', () => {
  test('--json prints one JSON object with the documented fields', () => {
    const r = runCli([...BASE, '--json', '--tokens', '1e10', '--node-shape', 'p5.48xlarge']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['fits', 'parallelism', 'memory', 'throughput', 'gpus', 'nodes', 'timeToTrainSeconds', 'costUsd']));
    expect(j.fits).toBe(true);
    expect(j.costUsd).toBeGreaterThan(0);
  });

  test('without --json it prints tables and the explanation', () => {
    const r = runCli(BASE);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('memory per GPU');
    expect(r.stdout).toContain('step time');
  });

  test.each([
    [['--precision', 'bf16'], 'bf16-mixed'], [['--precision', 'fp8'], 'fp8-mixed'], [['--precision', 'fp32-amp'], 'fp32-amp'], [['--precision', 'bf16-pure'], 'bf16-pure'],
  ])('%p selects %s', (flags, name) => {
    const r = runCli([...BASE, ...flags]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(name);
  });

  test('fixed --tp --pp --cp are respected', () => {
    const j = JSON.parse(runCli([...BASE, '--tp', '2', '--pp', '2', '--cp', '1', '--json']).stdout);
    expect([j.parallelism.tp, j.parallelism.pp, j.parallelism.cp, j.parallelism.dp]).toEqual([2, 2, 1, 2]);
  });

  test('--ep and --etp fix the expert layout of an MoE model; an EP that does not divide its experts is one line on stderr', () => {
    const moe = ['plan', 'training', '--model', 'mixtral-8x7b', '--gpu', 'h100-sxm-80gb', '--gpus', '64', '--seq-len', '4096', '--global-batch-tokens', '4194304'];
    const j = JSON.parse(runCli([...moe, '--tp', '2', '--ep', '8', '--etp', '1', '--json']).stdout);
    expect([j.parallelism.tp, j.parallelism.ep, j.parallelism.etp]).toEqual([2, 8, 1]);
    const crossNode = (d: string): number => JSON.parse(runCli([...moe, '--tp', '1', '--pp', '1', '--ep', '8', '--etp', '2', '--expert-dispatcher', d, '--json']).stdout).throughput.stepSeconds;
    expect(crossNode('deepep')).toBeLessThan(crossNode('alltoall'));
    const overlapped = JSON.parse(runCli([...moe, '--tp', '1', '--pp', '1', '--ep', '8', '--etp', '2', '--expert-overlap', '--json']).stdout).throughput.stepSeconds;
    expect(overlapped).toBeLessThan(crossNode('alltoall'));
    expect(runCli([...moe, '--expert-dispatcher', 'nccl']).stderr).toMatch(/--expert-dispatcher=nccl: must be one of alltoall, deepep/);
    const bad = runCli([...moe, '--ep', '3']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/expertParallel=3.*must divide the 8 routed experts/);
    const apart = runCli([...moe, '--tp', '1', '--pp', '8', '--cp', '1', '--ep', '8', '--etp', '4']);
    expect(apart.stderr).toMatch(/expertTensorParallel=4: no layout of 64 GPUs has etp × ep = 32 dividing tp × cp × dp/);
  });

  test('--mtp-layers 0 trains DeepSeek-V3 without its multi-token-prediction module: fewer FLOPs and parameters; -1 is one line on stderr', () => {
    const dsv3 = ['plan', 'training', '--model', 'deepseek-v3', '--gpu', 'h200-141gb', '--gpus', '1024', '--seq-len', '4096', '--global-batch-tokens', '33554432',
      '--tp', '2', '--pp', '8', '--ep', '64', '--json'];
    const withMtp = JSON.parse(runCli(dsv3).stdout);
    expect(runCli(dsv3.filter((a) => a !== '--json')).stdout).toMatch(/pipeline split \(embedding-and-loss\): 7, 8, 8, 8, 8, 8, 8, 6 layers per rank \+ 1 multi-token-prediction module on the last rank/);
    const without = JSON.parse(runCli([...dsv3, '--mtp-layers', '0']).stdout);
    const flops = (j: any): number => j.throughput.tflopsPerGpu * j.throughput.stepSeconds;
    expect(flops(without)).toBeLessThan(flops(withMtp) / 1.03);
    expect(without.checkpointBytes).toBeLessThan(withMtp.checkpointBytes);
    const bad = runCli([...dsv3, '--mtp-layers', '-1']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/mtpLayers=-1: must be a whole number of at least 0/);
  });

  test('--recompute-modules takes a comma-separated list; one that is not modelled is one line on stderr', () => {
    const moe = ['plan', 'training', '--model', 'mixtral-8x7b', '--gpu', 'h100-sxm-80gb', '--gpus', '64', '--seq-len', '4096', '--global-batch-tokens', '4194304',
      '--tp', '2', '--pp', '1', '--cp', '1', '--ep', '8'];
    const plain = JSON.parse(runCli([...moe, '--json']).stdout);
    const modules = JSON.parse(runCli([...moe, '--recompute-modules', 'core_attn,layernorm,moe', '--json']).stdout);
    expect(modules.memory.activationsBytes).toBeLessThan(plain.memory.activationsBytes);
    const bad = runCli([...moe, '--recompute-modules', 'layernorm,moe_act']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/recomputeModules=moe_act: .*not modelled/);
  });

  test('on GB200 NVL72 a node is a 4-GPU tray (nodes = GPUs / 4) and a fixed --tp may cross trays; beyond the 72-GPU rack it is one line on stderr', () => {
    const gb = ['plan', 'training', '--model', 'llama-3.1-70b', '--gpu', 'gb200-186gb', '--gpus', '64', '--seq-len', '8192', '--global-batch-tokens', '1048576', '--precision', 'fp8'];
    const j = JSON.parse(runCli([...gb, '--tp', '8', '--json']).stdout);
    expect([j.nodes, j.parallelism.tp]).toEqual([16, 8]);
    const wide = runCli(['plan', 'training', '--model', 'deepseek-v3', '--gpu', 'gb200-186gb', '--gpus', '256', '--seq-len', '4096', '--global-batch-tokens', '16777216', '--tp', '128']);
    expect(wide.code).not.toBe(0);
    expect(wide.stderr.trim().split('\n')).toHaveLength(1);
    expect(wide.stderr).toMatch(/tensorParallel=128: must stay inside one NVLink domain \(72 GPUs/);
  });

  test('--bf16-grads halves the gradient bytes (Megatron-Core grad_reduce_in_fp32 off); --optimizer adamw-bf16-moments shrinks the optimizer states; --bf16-grads with hf is one line on stderr', () => {
    const fixed = [...BASE, '--tp', '1', '--pp', '1', '--json'];
    const plain = JSON.parse(runCli(fixed).stdout);
    const bf16 = JSON.parse(runCli([...fixed, '--bf16-grads']).stdout);
    expect(bf16.memory.gradientsBytes / plain.memory.gradientsBytes).toBeCloseTo(0.5, 9);
    const moments = JSON.parse(runCli([...fixed, '--optimizer', 'adamw-bf16-moments']).stdout);
    expect(moments.memory.optimizerBytes / plain.memory.optimizerBytes).toBeCloseTo(8 / 12, 9);
    const bad = runCli([...BASE, '--framework', 'hf', '--bf16-grads']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/fp32GradientBuffer=false: is Megatron-Core's grad_reduce_in_fp32/);
  });

  test('--deadline-hours with --tokens finds a GPU count', () => {
    const r = runCli(['plan', 'training', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', '--deadline-hours', '240', '--tokens', '1e11', '--seq-len', '8192', '--global-batch-tokens', '4194304', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).timeToTrainSeconds).toBeLessThanOrEqual(240 * 3600);
  });

  test.each([
    [['--model', 'llama-3.1-8c'], /did you mean 'llama-3.1-8b'/],
    [['--tp', '3'], /tensorParallel=3/],
    [['--gpus', '0'], /--gpus=0/],
    [['--precision', 'fp4'], /--precision=fp4/],
    [['--zero', '5'], /--zero=5/],
    [['--global-batch-tokens', '1000'], /globalBatchTokens=1000.*multiple of sequenceLength/],
    [['--model', 'llama-3.1-405b'], /weights\+gradients\+optimizer need/],
  ])('bad input %p exits non-zero with one line on stderr', (flags, message) => {
    const args = [...BASE];
    for (let i = 0; i < flags.length; i += 2) {
      const at = args.indexOf(flags[i]);
      if (at >= 0) args[at + 1] = flags[i + 1]; else args.push(flags[i], flags[i + 1]);
    }
    const r = runCli(args);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  test('missing --gpus and --deadline-hours is a usage error', () => {
    const r = runCli(['plan', 'training', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm-80gb', '--seq-len', '4096', '--global-batch-tokens', '262144']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--gpus N or --deadline-hours/);
  });
});
