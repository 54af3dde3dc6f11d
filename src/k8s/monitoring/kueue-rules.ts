/**
 * Queue backlog versus quota rules over Kueue's controller metrics
 * (kubernetes-sigs/kueue pkg/metrics/metrics.go): `kueue_pending_workloads{cluster_queue,status}`
 * (status `active` or `inadmissible`), `kueue_cluster_queue_nominal_quota` and
 * `kueue_cluster_queue_resource_usage` `{cohort,cluster_queue,flavor,resource}`. The last two are
 * "optional cluster queue metrics": Kueue reports them only with
 * `metrics.enableClusterQueueResources: true` in its Configuration (kueue chart
 * `managerConfig.controllerManagerConfigYaml`).
 */
import { AlertRule, matchers, promDuration, RecordRule, RuleGroup, runbookUrl, RunbookConfig } from './rule-model';

/** One GPU pool's Kueue queues. */
export interface KueueRuleConfig {
  /** Pool name, added as the `pool` label; undefined for the cluster-wide group. */
  readonly pool?: string;
  /** ClusterQueues of the pool; undefined selects every ClusterQueue. */
  readonly clusterQueueNames?: ReadonlyArray<string>;
  /** Extended resource name Kueue accounts GPUs under. */
  readonly gpuResourceName: string;
  /** How long pending workloads may wait before alerting, seconds. */
  readonly backlogAfterSeconds: number;
}

function cq(k: KueueRuleConfig): Array<[string, '=~', string]> {
  return k.clusterQueueNames ? [['cluster_queue', '=~', k.clusterQueueNames.join('|')]] : [];
}

/** GPU quota utilisation per ClusterQueue (usage ÷ nominal quota), for the dashboards. */
export function kueueRecords(gpuResourceName: string): RecordRule[] {
  const res = matchers(['resource', '=', gpuResourceName]);
  return [{
    record: 'cluster_queue:kueue_gpu_quota_usage:ratio',
    expr: `sum by (cluster_queue) (kueue_cluster_queue_resource_usage${res}) / sum by (cluster_queue) (kueue_cluster_queue_nominal_quota${res})`,
  }];
}

/** The backlog rule group of one pool (or of every ClusterQueue). */
export function kueueRuleGroup(cfg: RunbookConfig, k: KueueRuleConfig): RuleGroup {
  const wait = promDuration(k.backlogAfterSeconds);
  const res: [string, '=', string] = ['resource', '=', k.gpuResourceName];
  const pendingActive = `sum by (cluster_queue) (kueue_pending_workloads${matchers(...cq(k), ['status', '=', 'active'])}) > 0`;
  const pendingAny = `sum by (cluster_queue) (kueue_pending_workloads${matchers(...cq(k))}) > 0`;
  const usage = `sum by (cluster_queue) (kueue_cluster_queue_resource_usage${matchers(...cq(k), res)})`;
  const quota = `sum by (cluster_queue) (kueue_cluster_queue_nominal_quota${matchers(...cq(k), res)})`;
  const poolLabel: { [key: string]: string } = k.pool ? { pool: k.pool } : {};
  const where = k.pool ? ` of pool ${k.pool}` : '';
  const rules: AlertRule[] = [
    {
      alert: 'KueueBacklogAtQuota',
      expr: `(${pendingActive}) and on (cluster_queue) (${usage} >= ${quota})`,
      for: wait,
      labels: { severity: 'warning', ...poolLabel },
      annotations: {
        summary: 'Workloads wait because their ClusterQueue has used its GPU quota',
        description: `ClusterQueue {{ $labels.cluster_queue }}${where} has {{ $value }} pending workloads and has used all its nominal GPU quota for ${wait}; raise its share or grow the pool.`,
        runbook_url: runbookUrl(cfg, 'KueueBacklogAtQuota'),
      },
    },
    {
      alert: 'KueuePendingBelowQuota',
      expr: `(${pendingAny}) and on (cluster_queue) (${usage} < ${quota})`,
      for: wait,
      labels: { severity: 'warning', ...poolLabel },
      annotations: {
        summary: 'Workloads wait although their ClusterQueue has free GPU quota',
        description: `ClusterQueue {{ $labels.cluster_queue }}${where} has {{ $value }} pending workloads for ${wait} while below its nominal GPU quota: the gang does not fit the free nodes, a flavor or taint does not match, or an admission check is stuck.`,
        runbook_url: runbookUrl(cfg, 'KueuePendingBelowQuota'),
      },
    },
  ];
  return { name: k.pool ? `aidc.kueue.${k.pool}` : 'aidc.kueue', rules };
}

/** Every Kueue rule group: the recording rules plus one backlog group per pool (or one cluster-wide). */
export function kueueRuleGroups(cfg: RunbookConfig, pools: ReadonlyArray<KueueRuleConfig>, defaults: KueueRuleConfig): RuleGroup[] {
  const resources = [...new Set((pools.length ? pools : [defaults]).map((p) => p.gpuResourceName))].sort();
  return [
    { name: 'aidc.kueue.records', rules: resources.flatMap((r) => kueueRecords(r)) },
    ...(pools.length ? pools : [defaults]).map((p) => kueueRuleGroup(cfg, p)),
  ];
}
