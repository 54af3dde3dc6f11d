import { GpuType, NodeShape } from '../catalog';

/** GPUs per node a plan assumes when the caller gives no node shape, and why (internal). */
export interface DefaultNode {
  readonly gpusPerNode: number;
  readonly reason: string;
}

/**
 * GPUs per node without a node shape. An NVLink GPU: its NVLink domain (8 on HGX boards), unless the domain spans nodes
 * (GB200 NVL72: 72 GPUs on 18 trays of 4), when a node is the largest catalog shape carrying the GPU. A PCIe-only GPU (domain 1):
 * the most that any catalog node shape carries (g6e.48xlarge holds 8 L40S, g5.48xlarge 8 A10G, g2-standard-96 8 L4), since
 * its users run tensor parallelism over PCIe inside one server ("tensor parallelism within a node, pipeline parallelism
 * across nodes", vLLM docs, serving/distributed_serving) rather than one GPU per node; a GPU no catalog shape carries keeps
 * its domain. Ties among shapes are broken by catalog order (`NodeShape.all()`), so the choice is deterministic.
 */
export function defaultNodeFor(gpu: GpuType): DefaultNode {
  const domain = Math.max(1, gpu.nvlinkDomainSize);
  const shapes = NodeShape.all().filter((s) => s.gpuType.id === gpu.id);
  const largest = shapes.reduce<NodeShape | undefined>((best, s) => (best === undefined || s.gpuCount > best.gpuCount ? s : best), undefined);
  if (domain > 1) {
    // A rack-scale domain (GB200 NVL72: 72 GPUs, 4 per compute tray) spans nodes: a node is what the catalog shapes carry.
    if (largest !== undefined && largest.gpuCount < domain) {
      return { gpusPerNode: largest.gpuCount, reason: `the largest catalog node shape with ${gpu.id} (${largest.id}; its ${domain}-GPU NVLink domain spans ${Math.ceil(domain / largest.gpuCount)} such nodes)` };
    }
    return { gpusPerNode: domain, reason: `the ${gpu.id} NVLink domain` };
  }
  if (largest === undefined || largest.gpuCount <= 1) return { gpusPerNode: 1, reason: `${gpu.id} has no NVLink and no catalog node shape with more than one` };
  return { gpusPerNode: largest.gpuCount, reason: `the largest catalog node shape with ${gpu.id} (${largest.id}; GPUs talk over PCIe)` };
}
