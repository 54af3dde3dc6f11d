import { GpuType, ModelSpec, NodeShape } from '../../planning/catalog';
import { CliCommand, CliResult, ParsedArgs } from '../cli-types';
import { renderTable } from '../render';

function catalogCommand(kind: string, summary: string, rows: () => Record<string, unknown>[], columns: string[]): CliCommand {
  return {
    path: ['catalog', kind],
    summary,
    usage: `aidc catalog ${kind} [--json]\n\n${summary}.`,
    valueFlags: [],
    switchFlags: ['json'],
    run(args: ParsedArgs): CliResult {
      const data = rows();
      if (args.switches.has('json')) {
        return { code: 0, stdout: JSON.stringify({ [kind]: data }, null, 2) + '\n', stderr: '' };
      }
      return { code: 0, stdout: renderTable(columns, data.map((r) => columns.map((c) => String(r[c] ?? '')))), stderr: '' };
    },
  };
}

/** `aidc catalog gpus|models|node-shapes`. */
export const CATALOG_COMMANDS: CliCommand[] = [
  catalogCommand('gpus', 'GPU types with memory, bandwidth and peak TFLOP/s', () => GpuType.all().map((g) => ({
    id: g.id, name: g.name, memoryBytes: g.memoryBytes, hbmBandwidthBytesPerSecond: g.hbmBandwidthBytesPerSecond,
    tflopsBf16: g.tflopsBf16, tflopsFp8: g.tflopsFp8, nvlinkDomainSize: g.nvlinkDomainSize,
    nvlinkBandwidthBytesPerSecond: g.nvlinkBandwidthBytesPerSecond, tdpWatts: g.tdpWatts, source: g.source,
  })), ['id', 'memoryBytes', 'tflopsBf16', 'tflopsFp8', 'nvlinkDomainSize', 'tdpWatts']),
  catalogCommand('models', 'Model architectures', () => ModelSpec.all().map((m) => ({
    id: m.id, name: m.name, layers: m.layers, hiddenSize: m.hiddenSize, attentionHeads: m.attentionHeads, kvHeads: m.kvHeads,
    ffnHiddenSize: m.ffnHiddenSize, vocabSize: m.vocabSize, attentionKind: m.attentionKind, experts: m.experts,
    activeExperts: m.activeExperts, maxPositionEmbeddings: m.maxPositionEmbeddings, source: m.source,
  })), ['id', 'layers', 'hiddenSize', 'attentionHeads', 'kvHeads', 'attentionKind', 'experts']),
  catalogCommand('node-shapes', 'Node shapes (cloud instance types) with GPUs and prices', () => NodeShape.all().map((s) => ({
    id: s.id, provider: s.provider, gpu: s.gpuType.id, gpuCount: s.gpuCount, vcpu: s.vcpu, memoryBytes: s.memoryBytes,
    localNvmeBytes: s.localNvmeBytes, networkBandwidthBitsPerSecond: s.networkBandwidthBitsPerSecond,
    onDemandUsdPerHour: s.onDemandUsdPerHour ?? null, priceAsOf: s.priceAsOf ?? null, source: s.source,
  })), ['id', 'provider', 'gpu', 'gpuCount', 'vcpu', 'onDemandUsdPerHour']),
];
