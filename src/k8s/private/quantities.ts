/**
 * Renders bytes as a binary Kubernetes quantity, rounding up so requests never come out smaller
 * than asked: to whole GiB from 1 GiB up (readable quotas and volume sizes), else to whole MiB;
 * `Ti` when exact.
 */
export function quantityOfBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) throw new Error(`quantityOfBytes: invalid byte count ${bytes}`);
  const mib = bytes >= 2 ** 30 ? Math.ceil(bytes / 2 ** 30) * 1024 : Math.ceil(bytes / 2 ** 20);
  if (mib % (1024 * 1024) === 0 && mib > 0) return `${mib / (1024 * 1024)}Ti`;
  if (mib % 1024 === 0 && mib > 0) return `${mib / 1024}Gi`;
  return `${mib}Mi`;
}

/** Renders CPU cores as millicores (`1500m`) or whole cores (`2`). */
export function quantityOfCpu(cores: number): string {
  if (!Number.isFinite(cores) || cores <= 0) throw new Error(`quantityOfCpu: invalid core count ${cores}`);
  const milli = Math.ceil(cores * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}
