import { ClusterState, PodReq, Rng } from './cluster';
import { Policy } from './policies';

/** Where one pod went. */
export interface Placed {
  readonly node: number;
  readonly gpus: number[];
}

/** Optional restriction of the candidate nodes (by node index). */
export type NodeFilter = (node: number) => boolean;

/**
 * Places one pod online (no moves, no retries): scores one representative node per class of
 * identical nodes, takes the best score and breaks ties as the policy says. Returns undefined
 * when no node fits.
 */
export function placePod(st: ClusterState, p: PodReq, policy: Policy, rng: Rng, filter?: NodeFilter): Placed | undefined {
  let bestScore = -Infinity;
  let bestTie = Infinity;
  let bestClass = -1;
  let bestShare = -1;
  let tiedWeight = 0;
  let bestMembers: readonly number[] = [];
  const live = st.liveClasses;
  for (let li = 0; li < live.length; li++) {
    const c = live[li];
    let members = st.classMembers[c];
    if (!st.fits(members[0], p)) continue;
    if (filter) {
      members = members.filter(filter);
      if (members.length === 0) continue;
    }
    const rep = members[0];
    const score = policy.score(st, rep, p);
    if (score < bestScore) continue;
    if (policy.randomTies) {
      if (score > bestScore) {
        bestScore = score; bestClass = c; bestMembers = members; bestShare = policy.shareLeft; tiedWeight = members.length;
      } else {
        // reservoir sampling weighted by class size = uniform over tied nodes (kube-scheduler selectHost)
        tiedWeight += members.length;
        if (rng.next() * tiedWeight < members.length) { bestClass = c; bestMembers = members; bestShare = policy.shareLeft; }
      }
    } else {
      const tie = policy.tieBreak(st, rep, p);
      if (score > bestScore || tie < bestTie || (tie === bestTie && firstRank(st, members) < firstRank(st, bestMembers))) {
        bestScore = score; bestTie = tie; bestClass = c; bestMembers = members; bestShare = policy.shareLeft;
      }
    }
  }
  if (bestClass < 0) return undefined;
  const members = bestMembers;
  const node = policy.randomTies ? members[rng.int(members.length)] : firstNode(st, members);
  const gpus = st.commit(node, p, bestShare);
  return { node, gpus };
}

/** The member that comes first in the cluster's tie-break order. */
function firstNode(st: ClusterState, a: readonly number[]): number {
  let m = a[0];
  for (let k = 1; k < a.length; k++) if (st.rank[a[k]] < st.rank[m]) m = a[k];
  return m;
}

function firstRank(st: ClusterState, a: readonly number[]): number {
  return st.rank[firstNode(st, a)];
}
