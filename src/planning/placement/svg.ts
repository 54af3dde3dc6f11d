import { PoolPlan } from './pool-planner';
import { PoolNodeAssignment } from './types';

/** Colours per workload (ColorBrewer "Set2" + "Dark2", colour-blind friendly; colorbrewer2.org). */
const PALETTE = ['#66c2a5', '#fc8d62', '#8da0cb', '#e78ac3', '#a6d854', '#ffd92f', '#e5c494', '#b3b3b3',
  '#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666'];

/** Escapes text for XML content and attribute values. */
function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * Draws a planned pool as SVG: one box per node, one column per GPU filled by the fraction each pod
 * requests (one colour per workload), so stranded GPU capacity shows as white space.
 */
export class PlacementPicture {
  /** SVG for a pool plan (the nodes at maximum replicas). */
  public static svg(plan: PoolPlan): string {
    return PlacementPicture.svgOf(plan.assignment, plan.gpusPerNode, `${plan.nodeShapeId}: ${plan.maxNodes} nodes at max (${plan.assignment.length} packed)`);
  }

  /** SVG for any node assignment. */
  public static svgOf(nodes: PoolNodeAssignment[], gpusPerNode: number, title: string): string {
    const workloads = [...new Set(nodes.flatMap((n) => n.pods.map((p) => p.split('/')[0])))].sort();
    const colour = (pod: string): string => PALETTE[workloads.indexOf(pod.split('/')[0]) % PALETTE.length];
    const cols = Math.max(1, Math.min(4, nodes.length));
    const gpuW = 18; const gpuH = 60; const pad = 10;
    const boxW = Math.max(120, gpusPerNode * (gpuW + 4) + 2 * pad);
    const boxH = gpuH + 50;
    const legendH = 20 * workloads.length + 10;
    const rows = Math.ceil(nodes.length / cols);
    const width = cols * (boxW + pad) + pad;
    const height = 40 + rows * (boxH + pad) + legendH;
    const out: string[] = [];
    out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
    out.push(`<title>${xmlEscape(title)}</title>`);
    out.push(`<text x="${pad}" y="22" font-size="14" font-weight="bold">${xmlEscape(title)}</text>`);
    nodes.forEach((n, k) => {
      const x = pad + (k % cols) * (boxW + pad);
      const y = 40 + Math.floor(k / cols) * (boxH + pad);
      out.push(`<g transform="translate(${x},${y})">`);
      out.push(`<rect width="${boxW}" height="${boxH}" fill="#fafafa" stroke="#444"/>`);
      out.push(`<text x="${pad}" y="14">${xmlEscape(`${n.name} (${n.zone})`)}</text>`);
      n.gpus.forEach((g, gi) => {
        const gx = pad + gi * (gpuW + 4);
        out.push(`<rect x="${gx}" y="22" width="${gpuW}" height="${gpuH}" fill="#fff" stroke="#999"><title>${xmlEscape(`GPU ${g.index}: ${Math.round(g.usedFraction * 100)}% ${g.pods.join(', ')}`)}</title></rect>`);
        const share = g.pods.length ? g.usedFraction / g.pods.length : 0;
        g.pods.forEach((p, pi) => {
          const h = share * gpuH;
          out.push(`<rect x="${gx}" y="${(22 + gpuH - (pi + 1) * h).toFixed(1)}" width="${gpuW}" height="${h.toFixed(1)}" fill="${colour(p)}" stroke="#333" stroke-width="0.5"><title>${xmlEscape(p)}</title></rect>`);
        });
      });
      out.push(`<text x="${pad}" y="${22 + gpuH + 16}">${xmlEscape(`${n.pods.length} pods, ${Math.round(n.cpuMilliUsed / 1000)} vCPU`)}</text>`);
      out.push('</g>');
    });
    const ly = 40 + rows * (boxH + pad);
    workloads.forEach((w, k) => {
      out.push(`<rect x="${pad}" y="${ly + 20 * k}" width="12" height="12" fill="${PALETTE[k % PALETTE.length]}"/>`);
      out.push(`<text x="${pad + 18}" y="${ly + 20 * k + 10}">${xmlEscape(w)}</text>`);
    });
    out.push('</svg>');
    return out.join('\n') + '\n';
  }
}
