/**
 * A node taint, the same one the pool's Kueue ResourceFlavor lists under `nodeTaints`
 * and its workloads tolerate.
 */
export interface TfTaint {
  /** Taint key, e.g. `nvidia.com/gpu` or `aidc.dev/pool`. */
  readonly key: string;
  /**
   * Taint value.
   * @default '' (no value)
   */
  readonly value?: string;
  /** `NoSchedule`, `PreferNoSchedule` or `NoExecute`. */
  readonly effect: string;
}
