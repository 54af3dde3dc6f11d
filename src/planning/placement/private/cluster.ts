/**
 * Mutable cluster state for the placement engines: typed arrays per node and per GPU, plus
 * equivalence classes of nodes whose free resources and labels are identical, so a scheduler
 * scores each distinct node state once per pod instead of every node (the 1,213-node Alibaba
 * cluster starts with 12 distinct node shapes).
 *
 * Units: CPU in millicores, memory in bytes, GPU in milli-GPU (1000 = one whole GPU), as in the
 * FGD simulator (hkust-adsl/kubernetes-scheduler-simulator, pkg/type/resource.go).
 */

/** One GPU = 1000 milli-GPU (pkg/type/open-gpu-share/utils/const.go `MILLI`). */
export const MILLI = 1000;

/** A node as the engines see it. */
export interface NodeInit {
  readonly name: string;
  readonly cpuMilli: number;
  readonly memoryBytes: number;
  readonly gpuCount: number;
  /** GPU model id ('' for CPU-only nodes). */
  readonly gpuModel: string;
  /** NVLink domain label (nodes with the same label share one NVLink domain); unset = no domain information. */
  readonly nvlinkDomain?: string;
  readonly rack?: string;
  readonly zone?: string;
}

/** One pod request, pre-digested for fast feasibility checks. */
export interface PodReq {
  readonly cpuMilli: number;
  readonly memoryBytes: number;
  /** GPUs requested (0 = CPU-only). A fractional pod has gpuCount 1 and gpuMilli < 1000. */
  readonly gpuCount: number;
  /** milli-GPU per requested GPU (1000 for whole GPUs, 0 for CPU-only). */
  readonly gpuMilli: number;
  /** Bit i set = GPU model i allowed; -1 = any model. */
  readonly modelMask: number;
}

/** Label interning: string → small integer. */
export class Interner {
  private readonly ids = new Map<string, number>();
  public readonly names: string[] = [];
  public id(name: string): number {
    let v = this.ids.get(name);
    if (v === undefined) {
      v = this.names.length;
      this.ids.set(name, v);
      this.names.push(name);
    }
    return v;
  }
  public lookup(name: string): number | undefined {
    return this.ids.get(name);
  }
}

/** The mutable state of a set of nodes. */
export class ClusterState {
  public readonly n: number;
  public readonly names: string[];
  public readonly cpuCap: Float64Array;
  public readonly memCap: Float64Array;
  public readonly cpuLeft: Float64Array;
  public readonly memLeft: Float64Array;
  public readonly gpuCount: Int32Array;
  public readonly gpuStart: Int32Array;
  /** milli-GPU free on each GPU, flat; node i owns [gpuStart[i], gpuStart[i] + gpuCount[i]). */
  public readonly gpuLeft: Int32Array;
  public readonly gpuTotalLeft: Int32Array;
  public readonly gpuFullFree: Int32Array;
  public readonly gpuMaxLeft: Int32Array;
  public readonly model: Int32Array;
  public readonly domain: Int32Array;
  public readonly rack: Int32Array;
  public readonly zone: Int32Array;
  public readonly models: Interner;
  public readonly labels = new Interner();
  public readonly totalGpus: number;
  /** Tie-break order of the nodes (lower first); identity unless a run sets a seeded permutation. */
  public readonly rank: Int32Array;
  /** Equivalence classes: members per class; classOf/posInClass per node. */
  public readonly classMembers: number[][] = [];
  private readonly classSig: string[] = [];
  private readonly classBySig = new Map<string, number>();
  public readonly classOf: Int32Array;
  private readonly posInClass: Int32Array;
  /** Classes that have at least one member (dense list for iteration). */
  public readonly liveClasses: number[] = [];
  private readonly livePos: number[] = [];

  constructor(nodes: readonly NodeInit[], models: Interner = new Interner()) {
    const n = nodes.length;
    this.n = n;
    this.models = models;
    this.names = nodes.map((x) => x.name);
    this.cpuCap = new Float64Array(n);
    this.memCap = new Float64Array(n);
    this.cpuLeft = new Float64Array(n);
    this.memLeft = new Float64Array(n);
    this.gpuCount = new Int32Array(n);
    this.gpuStart = new Int32Array(n);
    this.gpuTotalLeft = new Int32Array(n);
    this.gpuFullFree = new Int32Array(n);
    this.gpuMaxLeft = new Int32Array(n);
    this.model = new Int32Array(n);
    this.domain = new Int32Array(n);
    this.rack = new Int32Array(n);
    this.zone = new Int32Array(n);
    this.classOf = new Int32Array(n);
    this.rank = new Int32Array(n);
    for (let i = 0; i < n; i++) this.rank[i] = i;
    this.posInClass = new Int32Array(n);
    let g = 0;
    for (let i = 0; i < n; i++) {
      const x = nodes[i];
      this.cpuCap[i] = this.cpuLeft[i] = x.cpuMilli;
      this.memCap[i] = this.memLeft[i] = x.memoryBytes;
      this.gpuCount[i] = x.gpuCount;
      this.gpuStart[i] = g;
      g += x.gpuCount;
      this.model[i] = x.gpuCount > 0 ? models.id(x.gpuModel) : -1;
      this.domain[i] = this.labels.id('d:' + (x.nvlinkDomain ?? ''));
      this.rack[i] = this.labels.id('r:' + (x.rack ?? ''));
      this.zone[i] = this.labels.id('z:' + (x.zone ?? ''));
    }
    this.totalGpus = g;
    this.gpuLeft = new Int32Array(g).fill(MILLI);
    for (let i = 0; i < n; i++) {
      this.refreshSummary(i);
      this.joinClass(i);
    }
  }

  /** Whether node i can host pod p right now (CPU, memory, GPU model, GPU capacity). */
  public fits(i: number, p: PodReq): boolean {
    if (this.cpuLeft[i] < p.cpuMilli || this.memLeft[i] < p.memoryBytes) return false;
    if (p.gpuCount === 0) return true;
    const m = this.model[i];
    if (m < 0 || (p.modelMask !== -1 && ((p.modelMask >>> m) & 1) === 0)) return false;
    if (p.gpuMilli < MILLI) return this.gpuMaxLeft[i] >= p.gpuMilli;
    return this.gpuFullFree[i] >= p.gpuCount;
  }

  /** Whether the GPU model of node i is allowed for pod p (CPU-only pods: always). */
  public accessible(i: number, p: PodReq): boolean {
    if (p.gpuCount === 0) return true;
    const m = this.model[i];
    return m >= 0 && (p.modelMask === -1 || ((p.modelMask >>> m) & 1) === 1);
  }

  /**
   * Places pod p on node i. For a fractional pod `shareLeft` selects the GPU: the first GPU whose
   * free milli equals `shareLeft` (policies score by value, so any GPU with that value is equivalent);
   * whole-GPU pods take the first fully free GPUs by index (pkg/type/resource.go AllocateExclusiveGpuId).
   * Returns the GPU indices used (relative to the node).
   */
  public commit(i: number, p: PodReq, shareLeft = -1): number[] {
    this.cpuLeft[i] -= p.cpuMilli;
    this.memLeft[i] -= p.memoryBytes;
    const used: number[] = [];
    if (p.gpuCount > 0) {
      const s = this.gpuStart[i];
      const c = this.gpuCount[i];
      if (p.gpuMilli < MILLI) {
        let pick = -1;
        for (let k = 0; k < c; k++) {
          const v = this.gpuLeft[s + k];
          if (v < p.gpuMilli) continue;
          if (shareLeft >= 0) {
            if (v === shareLeft) { pick = k; break; }
          } else if (pick < 0 || v < this.gpuLeft[s + pick]) {
            pick = k; // best fit (smallest sufficient) when no choice given
          }
        }
        if (pick < 0) throw new Error('internal: no GPU for fractional pod');
        this.gpuLeft[s + pick] -= p.gpuMilli;
        used.push(pick);
      } else {
        for (let k = 0; k < c && used.length < p.gpuCount; k++) {
          if (this.gpuLeft[s + k] === MILLI) {
            this.gpuLeft[s + k] = 0;
            used.push(k);
          }
        }
        if (used.length < p.gpuCount) throw new Error('internal: not enough free GPUs');
      }
    }
    this.touch(i);
    return used;
  }

  /** Undoes `commit` (used to roll back a gang that could not be placed whole). */
  public release(i: number, p: PodReq, gpus: readonly number[]): void {
    this.cpuLeft[i] += p.cpuMilli;
    this.memLeft[i] += p.memoryBytes;
    const s = this.gpuStart[i];
    for (const k of gpus) this.gpuLeft[s + k] += p.gpuCount > 0 && p.gpuMilli < MILLI ? p.gpuMilli : MILLI;
    this.touch(i);
  }

  /** Allocated milli-GPU over the whole cluster. */
  public allocatedGpuMilli(): number {
    let free = 0;
    for (let i = 0; i < this.n; i++) free += this.gpuTotalLeft[i];
    return this.totalGpus * MILLI - free;
  }

  /** Sorted (ascending) free milli of node i's GPUs, written into `out`; returns the count. */
  public sortedLefts(i: number, out: Int32Array): number {
    const s = this.gpuStart[i];
    const c = this.gpuCount[i];
    for (let k = 0; k < c; k++) {
      const v = this.gpuLeft[s + k];
      let j = k - 1;
      while (j >= 0 && out[j] > v) { out[j + 1] = out[j]; j--; }
      out[j + 1] = v;
    }
    return c;
  }

  private touch(i: number): void {
    this.refreshSummary(i);
    this.leaveClass(i);
    this.joinClass(i);
  }

  private refreshSummary(i: number): void {
    const s = this.gpuStart[i];
    const c = this.gpuCount[i];
    let total = 0; let full = 0; let max = 0;
    for (let k = 0; k < c; k++) {
      const v = this.gpuLeft[s + k];
      total += v;
      if (v === MILLI) full++;
      if (v > max) max = v;
    }
    this.gpuTotalLeft[i] = total;
    this.gpuFullFree[i] = full;
    this.gpuMaxLeft[i] = max;
  }

  private signature(i: number): string {
    const tmp = new Int32Array(this.gpuCount[i]);
    this.sortedLefts(i, tmp);
    return `${this.model[i]}|${this.domain[i]}|${this.rack[i]}|${this.zone[i]}|${this.cpuCap[i]}|${this.memCap[i]}|${this.cpuLeft[i]}|${this.memLeft[i]}|${tmp.join(',')}`;
  }

  private joinClass(i: number): void {
    const sig = this.signature(i);
    let c = this.classBySig.get(sig);
    if (c === undefined) {
      c = this.classMembers.length;
      this.classMembers.push([]);
      this.classSig.push(sig);
      this.classBySig.set(sig, c);
      this.livePos.push(-1);
    }
    const members = this.classMembers[c];
    if (members.length === 0) {
      this.livePos[c] = this.liveClasses.length;
      this.liveClasses.push(c);
    }
    this.classOf[i] = c;
    this.posInClass[i] = members.length;
    members.push(i);
  }

  private leaveClass(i: number): void {
    const c = this.classOf[i];
    const members = this.classMembers[c];
    const pos = this.posInClass[i];
    const last = members.pop()!;
    if (last !== i) {
      members[pos] = last;
      this.posInClass[last] = pos;
    }
    if (members.length === 0) {
      const lp = this.livePos[c];
      const lastLive = this.liveClasses.pop()!;
      if (lastLive !== c) {
        this.liveClasses[lp] = lastLive;
        this.livePos[lastLive] = lp;
      }
      this.livePos[c] = -1;
    }
  }
}

/** Small, fast, seedable PRNG (mulberry32) so every run is reproducible. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = (seed >>> 0) || 0x9e3779b9;
  }
  /** Uniform in [0, 1). */
  public next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [0, n). */
  public int(n: number): number {
    return Math.floor(this.next() * n);
  }
}
