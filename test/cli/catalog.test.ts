import { runCli } from '../../src/cli/main';
import { GpuType, ModelSpec, NodeShape } from '../../src/planning/catalog';

describe('aidc catalog', () => {
  test.each([
    ['gpus', GpuType.all().length, 'BF16 TFLOP/s'],
    ['models', ModelSpec.all().length, 'KV KiB/token bf16'],
    ['node-shapes', NodeShape.all().length, 'USD/h'],
  ])('aidc catalog %s prints a table with one row per entry (%d) and a readable header', (kind, rows, header) => {
    const r = runCli(['catalog', kind]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toContain(header);
    expect(lines[1]).toMatch(/^-+/);
    // header, rule, rows, blank line, footer
    expect(lines.length).toBe(rows + 4);
    expect(lines.slice(0, rows + 2).join('\n')).not.toMatch(/NaN|undefined|Infinity/);
  });

  test('the GPU table shows dense peaks and PCIe-only domains in human units', () => {
    const out = runCli(['catalog', 'gpus']).stdout;
    const h100 = out.split('\n').find((l) => l.startsWith('h100-sxm-80gb '))!;
    expect(h100.split(/\s{2,}/).slice(0, 8)).toEqual(['h100-sxm-80gb', '85.5', '3.35', '989', '1979', '8', '900', '700']);
    expect(out.split('\n').find((l) => l.startsWith('l4-24gb '))).toContain('1 (PCIe)');
  });

  test('the model table shows total and active parameters', () => {
    const out = runCli(['catalog', 'models']).stdout;
    const mixtral = out.split('\n').find((l) => l.startsWith('mixtral-8x7b '))!;
    expect(mixtral).toMatch(/46\.70B\s+12\.88B/);
    expect(mixtral).toContain('8 (2 active)');
    expect(out.split('\n').find((l) => l.startsWith('mistral-7b '))).toContain('GQA (window 4096)');
    expect(out.split('\n').find((l) => l.startsWith('deepseek-v3.2 '))).toContain('MLA (sparse top-2048)');
  });

  test('node shapes are listed with numeric ordering of sizes', () => {
    const ids = runCli(['catalog', 'node-shapes']).stdout.split('\n').slice(2).map((l) => l.split(' ')[0]).filter((x) => x.startsWith('g5.'));
    expect(ids).toEqual(['g5.2xlarge', 'g5.4xlarge', 'g5.8xlarge', 'g5.12xlarge', 'g5.16xlarge', 'g5.24xlarge', 'g5.48xlarge', 'g5.xlarge']);
  });

  test.each(['gpus', 'models', 'node-shapes'])('aidc catalog %s --json prints one JSON object keyed by the kind', (kind) => {
    const r = runCli(['catalog', kind, '--json']);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout);
    expect(Object.keys(parsed)).toEqual([kind]);
    for (const entry of parsed[kind]) {
      expect(typeof entry.id).toBe('string');
      expect(entry.source).toBeTruthy();
    }
  });

  test('the JSON carries base units and derived counts', () => {
    const gpus = JSON.parse(runCli(['catalog', 'gpus', '--json']).stdout).gpus;
    expect(gpus.find((g: any) => g.id === 'h200-141gb')).toMatchObject({ memoryBytes: 143771 * 2 ** 20, hbmBandwidthBytesPerSecond: 4.8e12, tflopsBf16: 989 });
    const models = JSON.parse(runCli(['catalog', 'models', '--json']).stdout).models;
    expect(models.find((m: any) => m.id === 'llama-3.1-8b')).toMatchObject({ parameterCount: 8_030_261_248, kvCacheBytesPerTokenBf16: 131_072 });
    const shapes = JSON.parse(runCli(['catalog', 'node-shapes', '--json']).stdout)['node-shapes'];
    expect(shapes.find((s: any) => s.id === 'p5e.48xlarge')).toMatchObject({ gpu: 'h200-141gb', gpuCount: 8, onDemandUsdPerHour: null });
  });

  test('--help prints the usage', () => {
    const r = runCli(['catalog', 'gpus', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('aidc catalog gpus [--json]');
  });

  test.each([
    [['catalog', 'gpus', '--bogus'], /unknown flag --bogus/],
    [['catalog', 'gpus', 'extra'], /unexpected argument 'extra'/],
    [['catalog', 'gpu'], /unknown command 'catalog gpu'/],
  ])('%p exits non-zero with one stderr line', (argv, message) => {
    const r = runCli(argv);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
