import { GpuType, ModelSpec, NodeShape } from '../../planning/catalog';
import { CliCommand, CliResult, ParsedArgs, UsageError } from '../cli-types';
import { renderTable } from '../render';

/** One table column: header text and how to render a row's cell for humans. */
interface Column<T> {
  readonly header: string;
  readonly cell: (row: T) => string;
}

function catalogCommand<T>(
  kind: string, summary: string, items: () => T[], json: (item: T) => Record<string, unknown>, columns: Column<T>[], footer: string,
): CliCommand {
  return {
    path: ['catalog', kind],
    summary,
    usage: `aidc catalog ${kind} [--json]\n\n${summary}.\n\n--json  print {"${kind}": [...]} with every field in base units (bytes, bytes/s, bits/s, FLOP) and its source\n`,
    valueFlags: [],
    switchFlags: ['json'],
    run(args: ParsedArgs): CliResult {
      if (args.positionals.length > 0) {
        throw new UsageError(`unexpected argument '${args.positionals[0]}' (aidc catalog ${kind} takes only --json)`);
      }
      const all = items();
      if (args.switches.has('json')) {
        return { code: 0, stdout: JSON.stringify({ [kind]: all.map(json) }, null, 2) + '\n', stderr: '' };
      }
      const table = renderTable(columns.map((c) => c.header), all.map((item) => columns.map((c) => c.cell(item))));
      return { code: 0, stdout: `${table}\n${footer}\n`, stderr: '' };
    },
  };
}

/** Formats `value / scale` with at most `digits` decimals, dropping trailing zeros. */
function scaled(value: number, scale: number, digits = 1): string {
  return String(Number((value / scale).toFixed(digits)));
}

/** Parameter counts as 8.03B / 671.0B / 124.4M. */
function params(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(n >= 100e9 ? 1 : 2)}B`;
  return `${(n / 1e6).toFixed(1)}M`;
}

function experts(m: ModelSpec): string {
  if (!m.isMoe) return '-';
  const every = m.moeLayerInterval > 1 ? `, every ${m.moeLayerInterval} layers` : '';
  return `${m.experts} (${m.activeExperts} active${m.sharedExperts ? ` + ${m.sharedExperts} shared` : ''}${every})`;
}

const GPU_COLUMNS: Column<GpuType>[] = [
  { header: 'id', cell: (g) => g.id },
  { header: 'memory GB', cell: (g) => scaled(g.memoryBytes, 1e9) },
  { header: 'HBM TB/s', cell: (g) => scaled(g.hbmBandwidthBytesPerSecond, 1e12, 3) },
  { header: 'BF16 TFLOP/s', cell: (g) => String(g.tflopsBf16) },
  { header: 'FP8 TFLOP/s', cell: (g) => (g.tflopsFp8 > 0 ? String(g.tflopsFp8) : '-') },
  { header: 'NVLink domain', cell: (g) => (g.nvlinkDomainSize > 1 ? String(g.nvlinkDomainSize) : '1 (PCIe)') },
  { header: 'link GB/s', cell: (g) => scaled(g.nvlinkBandwidthBytesPerSecond, 1e9) },
  { header: 'TDP W', cell: (g) => String(g.tdpWatts) },
  { header: 'MIG', cell: (g) => (g.migProfiles.length > 0 ? g.migProfiles.join(',') : '-') },
];

/** The attention kind and what limits the keys a query sees: a sliding window, chunks, or a sparse top-k. */
function attention(m: ModelSpec): string {
  const on = (layers: number): string => (layers < m.layers ? ` on ${layers} of ${m.layers} layers` : '');
  if (m.slidingWindow > 0) return `${m.attentionKind} (window ${m.slidingWindow}${on(m.slidingWindowLayers)})`;
  if (m.attentionChunkSize > 0) return `${m.attentionKind} (chunks of ${m.attentionChunkSize}${on(m.chunkedAttentionLayers)})`;
  if (m.sparseAttentionTopK > 0) return `${m.attentionKind} (sparse top-${m.sparseAttentionTopK})`;
  return m.attentionKind;
}

const MODEL_COLUMNS: Column<ModelSpec>[] = [
  { header: 'id', cell: (m) => m.id },
  { header: 'params', cell: (m) => params(m.parameterCount()) },
  { header: 'active', cell: (m) => params(m.activeParameterCount()) },
  { header: 'layers', cell: (m) => String(m.layers) },
  { header: 'hidden', cell: (m) => String(m.hiddenSize) },
  { header: 'heads/kv', cell: (m) => `${m.attentionHeads}/${m.kvHeads}` },
  { header: 'attention', cell: attention },
  { header: 'ffn', cell: (m) => `${m.isMoe ? m.moeFfnHiddenSize : m.ffnHiddenSize} ${m.ffnKind}` },
  { header: 'experts', cell: experts },
  { header: 'vocab', cell: (m) => String(m.vocabSize) + (m.tiedEmbeddings ? ' (tied)' : '') },
  { header: 'context', cell: (m) => String(m.maxPositionEmbeddings) },
  { header: 'KV KiB/token bf16', cell: (m) => scaled(m.kvCacheBytesPerToken(2), 1024, 2) },
];

const SHAPE_COLUMNS: Column<NodeShape>[] = [
  { header: 'id', cell: (s) => s.id },
  { header: 'provider', cell: (s) => s.provider },
  { header: 'GPUs', cell: (s) => `${s.gpuCount} x ${s.gpuType.id}` },
  { header: 'vCPU', cell: (s) => String(s.vcpu) },
  { header: 'memory GiB', cell: (s) => scaled(s.memoryBytes, 2 ** 30, 0) },
  { header: 'NVMe TB', cell: (s) => (s.localNvmeBytes > 0 ? scaled(s.localNvmeBytes, 1e12, 2) : '-') },
  { header: 'network Gbps', cell: (s) => scaled(s.networkBandwidthBitsPerSecond, 1e9, 0) },
  { header: 'USD/h', cell: (s) => (s.onDemandUsdPerHour !== undefined ? s.onDemandUsdPerHour.toFixed(2) : '-') },
  { header: 'price as of', cell: (s) => s.priceAsOf ?? '-' },
];

/** `aidc catalog gpus|models|node-shapes`. */
export const CATALOG_COMMANDS: CliCommand[] = [
  catalogCommand('gpus', 'GPU types with memory, bandwidth and peak TFLOP/s', () => GpuType.all(), (g) => ({
    id: g.id, name: g.name, vendor: g.vendor, memoryBytes: g.memoryBytes, hbmBandwidthBytesPerSecond: g.hbmBandwidthBytesPerSecond,
    tflopsBf16: g.tflopsBf16, tflopsFp8: g.tflopsFp8, topsInt8: g.topsInt8, nvlinkDomainSize: g.nvlinkDomainSize,
    nvlinkBandwidthBytesPerSecond: g.nvlinkBandwidthBytesPerSecond, tdpWatts: g.tdpWatts, migProfiles: g.migProfiles, source: g.source,
  }), GPU_COLUMNS, 'TFLOP/s are dense (no sparsity); link GB/s is NVLink/Infinity Fabric per GPU, or PCIe when the domain is 1. Sources: --json.'),
  catalogCommand('models', 'Model architectures', () => ModelSpec.all(), (m) => m.toJson(), MODEL_COLUMNS,
    'params include embeddings; active = per token for MoE; ffn is the expert size for MoE. Sources: --json.'),
  catalogCommand('node-shapes', 'Node shapes (cloud instance types) with GPUs and prices', () => NodeShape.all(), (s) => ({
    id: s.id, provider: s.provider, gpu: s.gpuType.id, gpuCount: s.gpuCount, vcpu: s.vcpu, memoryBytes: s.memoryBytes,
    localNvmeBytes: s.localNvmeBytes, networkBandwidthBitsPerSecond: s.networkBandwidthBitsPerSecond,
    onDemandUsdPerHour: s.onDemandUsdPerHour ?? null, priceAsOf: s.priceAsOf ?? null, source: s.source,
  }), SHAPE_COLUMNS, 'USD/h is the on-demand price where published (- = not set). Sources: --json.'),
];
