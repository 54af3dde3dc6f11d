import { PlanningError } from '../errors';

/** How a pool's GPUs are shared between pods. */
export enum GpuSharingMode {
  /** One pod per GPU (the device plugin default). */
  EXCLUSIVE = 'exclusive',
  /** Time-slicing: each GPU is advertised `replicas` times; no memory isolation. */
  TIME_SLICING = 'time-slicing',
  /** Multi-Instance GPU: each GPU is partitioned into identical MIG slices. */
  MIG = 'mig',
}

/**
 * GPU sharing of a pool, rendered as the NVIDIA device-plugin configuration the GPU
 * operator reads (ClusterPolicy `devicePlugin.config`; format of
 * NVIDIA/k8s-device-plugin README "Shared Access to GPUs" and gpu-operator docs
 * "Time-Slicing GPUs in Kubernetes" / "GPU Operator with MIG").
 *
 * Value class: `GpuSharing.exclusive()`, `GpuSharing.timeSlicing(4)`, `GpuSharing.mig('1g.10gb')`.
 */
export class GpuSharing {
  /** One pod per GPU. */
  public static exclusive(): GpuSharing {
    return new GpuSharing(GpuSharingMode.EXCLUSIVE, 1, '');
  }

  /** Each GPU advertised `replicas` times (2–64). */
  public static timeSlicing(replicas: number): GpuSharing {
    if (!Number.isInteger(replicas) || replicas < 2 || replicas > 64) {
      throw new PlanningError('sharing.replicas', String(replicas), 'time-slicing needs a whole number of replicas between 2 and 64');
    }
    return new GpuSharing(GpuSharingMode.TIME_SLICING, replicas, '');
  }

  /** Every GPU partitioned into identical MIG slices of `profile` (e.g. `1g.10gb`, `3g.40gb`). */
  public static mig(profile: string): GpuSharing {
    const m = /^([1-7])g\.(\d+)gb$/.exec(profile);
    if (!m) throw new PlanningError('sharing.profile', profile, "MIG profiles look like '1g.10gb' or '3g.40gb' (see GpuType.migProfiles)");
    const slicesPerGpu = Math.floor(7 / Number(m[1]));
    return new GpuSharing(GpuSharingMode.MIG, slicesPerGpu, profile);
  }

  /** Sharing mode. */
  public readonly mode: GpuSharingMode;
  /** Schedulable units per physical GPU (1 exclusive, replicas for time-slicing, slices for MIG). */
  public readonly unitsPerGpu: number;
  /** MIG profile ('' unless MIG). */
  public readonly migProfile: string;

  private constructor(mode: GpuSharingMode, unitsPerGpu: number, migProfile: string) {
    this.mode = mode;
    this.unitsPerGpu = unitsPerGpu;
    this.migProfile = migProfile;
  }

  /** The extended resource pods request: `nvidia.com/gpu`, or `nvidia.com/mig-<profile>` (mixed strategy). */
  public get resourceName(): string {
    return this.mode === GpuSharingMode.MIG ? `nvidia.com/mig-${this.migProfile}` : 'nvidia.com/gpu';
  }

  /** The name of this configuration inside the device-plugin ConfigMap (node label `nvidia.com/device-plugin.config`). */
  public get configName(): string {
    switch (this.mode) {
      case GpuSharingMode.TIME_SLICING: return `time-sliced-${this.unitsPerGpu}`;
      case GpuSharingMode.MIG: return `mig-${this.migProfile}`;
      default: return 'exclusive';
    }
  }

  /** Node labels the GPU operator acts on (device-plugin config selection, MIG layout for mig-manager). */
  public nodeLabels(): { [key: string]: string } {
    const labels: { [key: string]: string } = { 'nvidia.com/device-plugin.config': this.configName };
    if (this.mode === GpuSharingMode.MIG) labels['nvidia.com/mig.config'] = `all-${this.migProfile}`;
    return labels;
  }

  /** The device-plugin config document (k8s-device-plugin config file format, version v1). */
  public devicePluginConfig(): any {
    const config: any = { version: 'v1', flags: { migStrategy: this.mode === GpuSharingMode.MIG ? 'mixed' : 'none' } };
    if (this.mode === GpuSharingMode.TIME_SLICING) {
      config.sharing = {
        timeSlicing: {
          renameByDefault: false,
          failRequestsGreaterThanOne: true,
          resources: [{ name: 'nvidia.com/gpu', replicas: this.unitsPerGpu }],
        },
      };
    }
    return config;
  }
}
