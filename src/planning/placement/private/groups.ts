import { ClusterState, PodReq, Rng } from './cluster';
import { NodeFilter, placePod, Placed } from './online';
import { Policy } from './policies';

/** Topology constraint of a gang, as in the public PlacementTopology enum. */
export type GroupTopology = 'NONE' | 'NODE' | 'NVLINK_DOMAIN' | 'RACK';

/** k pods that are placed all together or not at all. */
export interface PodGroup {
  readonly pods: readonly PodReq[];
  /** All-or-nothing (a gang); when false the pods are independent replicas. */
  readonly gang: boolean;
  readonly topology: GroupTopology;
}

/**
 * Places a group of pods. A gang is all-or-nothing: any failure rolls back the pods already placed.
 * NODE puts every pod on one node; NVLINK_DOMAIN / RACK keep every pod inside one NVLink domain /
 * rack (the label groups of the cluster). Candidate nodes or groups are tried in the policy's order
 * (best score first); `extra` further restricts nodes (e.g. zone spread). Returns the placements in
 * pod order, or undefined when the group (or, for non-gangs, any pod) could not be placed; non-gang
 * groups keep the pods that did fit.
 */
export function placeGroup(st: ClusterState, g: PodGroup, policy: Policy, rng: Rng, extra?: NodeFilter): Placed[] | undefined {
  if (!g.gang) {
    const out: Placed[] = [];
    let ok = true;
    for (const p of g.pods) {
      const r = placePod(st, p, policy, rng, extra);
      if (r) out.push(r); else ok = false;
    }
    return ok ? out : undefined;
  }
  if (g.topology === 'NONE') return tryAll(st, g.pods, policy, rng, extra);
  if (g.topology === 'NODE') {
    const tried = new Set<number>();
    for (;;) {
      // the best node for the first pod that has not been tried yet
      const first = placePod(st, g.pods[0], policy, rng, (i) => !tried.has(i) && (!extra || extra(i)));
      if (!first) return undefined;
      st.release(first.node, g.pods[0], first.gpus);
      tried.add(first.node);
      const node = first.node;
      const r = tryAll(st, g.pods, policy, rng, (i) => i === node);
      if (r) return r;
    }
  }
  const label = g.topology === 'RACK' ? st.rack : st.domain;
  const groups = new Map<number, number[]>();
  for (let i = 0; i < st.n; i++) {
    if (extra && !extra(i)) continue;
    const l = label[i];
    const list = groups.get(l);
    if (list) list.push(i); else groups.set(l, [i]);
  }
  // busiest groups first (fewest free GPUs), so gangs fill partly used domains before opening new ones
  const order = [...groups.entries()].map(([l, nodes]) => ({
    l, nodes, free: nodes.reduce((s, i) => s + st.gpuTotalLeft[i], 0), first: Math.min(...nodes.map((i) => st.rank[i])),
  })).sort((a, b) => a.free - b.free || a.first - b.first);
  const need = g.pods.reduce((s, p) => s + p.gpuMilli * p.gpuCount, 0);
  for (const grp of order) {
    if (grp.free < need) continue;
    const r = tryAll(st, g.pods, policy, rng, (i) => label[i] === grp.l && (!extra || extra(i)));
    if (r) return r;
  }
  return undefined;
}

function tryAll(st: ClusterState, pods: readonly PodReq[], policy: Policy, rng: Rng, filter?: NodeFilter): Placed[] | undefined {
  const done: Placed[] = [];
  for (const p of pods) {
    const r = placePod(st, p, policy, rng, filter);
    if (!r) {
      for (let k = done.length - 1; k >= 0; k--) st.release(done[k].node, pods[k], done[k].gpus);
      return undefined;
    }
    done.push(r);
  }
  return done;
}
