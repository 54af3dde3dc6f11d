/**
 * Renders bytes as the largest exact binary Kubernetes quantity (Ki/Mi/Gi/Ti), rounding
 * up to whole MiB when not exact, so requests never come out smaller than asked.
 */
export function quantityOfBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) throw new Error(`quantityOfBytes: invalid byte count ${bytes}`);
  const mib = Math.ceil(bytes / 2 ** 20);
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
