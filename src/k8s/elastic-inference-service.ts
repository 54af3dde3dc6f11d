import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ConstructValidationError } from '../errors';
import { PolicyChecks } from '../policy';
import { GpuResourcePool, WorkloadPriority } from './gpu-resource-pool';
import { ScaledObject } from './imports/keda.sh-keda.sh';
import { LeaderWorkerSet } from './imports/leaderworkerset.x-k8s.io-leaderworkerset.x-k8s.io';
import { ServiceMonitor } from './imports/monitoring.coreos.com-monitoring.coreos.com';
import { InferenceEngine } from './inference-engine';
import { MonitoringStack } from './monitoring-stack';
import { container, omitUndefined, RESTRICTED_POD_SECURITY, shmVolume, tolerationFor } from './private/containers';
import { commonLabels, parseSecretRef, requireDnsLabel, requireWholeNumber } from './private/names';
import { quantityOfBytes } from './private/quantities';
import { TENANT_WORKLOAD_SERVICE_ACCOUNT } from './tenancy';
import { ScalingSchedule } from '../planning/forecast';
import { InferencePlan, InferencePrecision, KvCacheDtype } from '../planning/inference';
import { PlacementTopology } from '../planning/placement/types';

/** A pre-scaling window: at least `replicas` replicas between two cron times (UTC). */
export interface PrescaleWindow {
  /** Cron (5 fields, UTC) when the window opens. */
  readonly start: string;
  /** Cron (5 fields, UTC) when the window closes. */
  readonly end: string;
  /** Replicas to hold during the window. */
  readonly replicas: number;
}

/** Props of an {@link ElasticInferenceService}. */
export interface ElasticInferenceServiceProps {
  /** The pool it runs on. */
  readonly pool: GpuResourcePool;
  /** Tenant namespace. */
  readonly tenant: string;
  /** The capacity plan (`InferencePlanner.plan(...)`); its GPU type must be the pool's. */
  readonly plan: InferencePlan;
  /**
   * Model to serve: a Hugging Face repo id (e.g. `meta-llama/Llama-3.1-8B-Instruct`) or a path on the cache volume.
   * For an `int4` or `int8` plan it must be a checkpoint quantized that way (AWQ/GPTQ, W8A8); an `fp8` plan quantizes
   * a 16-bit checkpoint at load (`--quantization fp8`).
   */
  readonly modelRef: string;
  /**
   * Engine.
   * @default InferenceEngine.vllm()
   */
  readonly engine?: InferenceEngine;
  /**
   * Secret holding a Hugging Face token, as `secret-name/key` (passed as HF_TOKEN by reference).
   * @default - no token (public models)
   */
  readonly huggingFaceTokenSecret?: string;
  /**
   * StorageClass of the shared (ReadWriteMany) model cache.
   * @default 'aidc-model-cache'
   */
  readonly modelCacheStorageClass?: string;
  /**
   * Prometheus that KEDA queries.
   * @default 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090'
   */
  readonly prometheusAddress?: string;
  /**
   * Label the Prometheus operator selects monitors by (`release: <name>` for kube-prometheus-stack).
   * @default { release: 'kube-prometheus-stack' }
   */
  readonly monitorSelectorLabels?: { [key: string]: string };
  /**
   * Pre-scaling windows from the demand forecast (KEDA cron triggers next to the reactive ones).
   * @default - reactive scaling only
   */
  readonly prescaleWindows?: PrescaleWindow[];
  /**
   * Pre-scaling schedule forecast from traffic history (`ScalingSchedule.fromHistory`): its windows
   * become KEDA cron triggers, after any `prescaleWindows`.
   * @default - none
   */
  readonly prescaleSchedule?: ScalingSchedule;
  /**
   * Monitoring to register with (SLO burn-rate alerts, dashboards).
   * @default - not monitored by a MonitoringStack (the ServiceMonitor is still emitted)
   */
  readonly monitoring?: MonitoringStack;
  /**
   * Seconds a replica keeps serving in-flight requests after it is told to stop.
   * @default 120
   */
  readonly drainSeconds?: number;
}

const CACHE_DIR = '/models';
/** Model cache = weights + 25% for tokenizer/config files and the download's temporary copy of a shard. */
const MODEL_CACHE_FACTOR = 1.25;

/**
 * A model server that scales with traffic, sized by an {@link InferencePlan}: a Deployment (one node
 * per replica) or a LeaderWorkerSet (multi-node replicas), Service, planned engine arguments, probes
 * for multi-minute loads, model cache, PodDisruptionBudget, zone spread, graceful drain, a KEDA
 * ScaledObject on the engine's queue and KV-cache metrics (bounds from the plan, cron pre-scaling
 * from the forecast) and a ServiceMonitor.
 */
export class ElasticInferenceService extends Construct {
  /** Service (and workload) name. */
  public readonly serviceName: string;
  /** Nodes (pods) per replica. */
  public readonly podsPerReplica: number;
  /** Concurrent requests per replica the autoscaler targets (Little's law at the plan's capacity). */
  public readonly targetConcurrencyPerReplica: number;

  constructor(scope: Construct, id: string, props: ElasticInferenceServiceProps) {
    super(scope, id);
    const path = this.node.path;
    // The library's rule pack runs over the whole chart at synthesis (errors fail `synth`).
    PolicyChecks.of(Chart.of(this));
    this.serviceName = requireDnsLabel(path, 'id', id, 40);
    const { pool, plan } = props;
    pool.localQueueName(props.tenant);
    const engine = props.engine ?? InferenceEngine.vllm();
    if (plan.gpuId !== pool.nodeShape.gpuType.id) {
      throw new ConstructValidationError(path, 'plan', `the plan is for ${plan.gpuId} but pool '${pool.poolName}' has ${pool.nodeShape.gpuType.id}; plan with gpu ${pool.nodeShape.gpuType.id}`);
    }
    const drain = props.drainSeconds ?? 120;
    requireWholeNumber(path, 'drainSeconds', drain, 0, 3600);
    if (!props.modelRef) throw new ConstructValidationError(path, 'modelRef', 'must name the model to serve');

    this.podsPerReplica = plan.nodesPerReplica;
    const gpusPerPod = plan.gpusPerReplica / this.podsPerReplica;
    if (gpusPerPod > pool.gpusPerNode) {
      throw new ConstructValidationError(path, 'plan', `a replica needs ${gpusPerPod} GPUs per node but ${pool.nodeShape.id} has ${pool.gpusPerNode}; plan with nodeShape ${pool.nodeShape.id} (--node-shape) so that the planner fits the replica to this pool's nodes`);
    }
    // Requests in flight per replica at the plan's SLO capacity (Little's law, from the plan).
    this.targetConcurrencyPerReplica = Math.max(1, Math.floor(plan.concurrencyPerReplica));
    const cpu = pool.cpuCoresForGpus(gpusPerPod);
    const memory = pool.memoryBytesForGpus(gpusPerPod);
    pool.addWorkload({
      name: this.serviceName, tenant: props.tenant, podCount: this.podsPerReplica, gpusPerPod,
      cpuCoresPerPod: cpu, memoryBytesPerPod: memory, storageBytes: plan.memory.weightsBytes * MODEL_CACHE_FACTOR, gang: this.podsPerReplica > 1,
      topology: PlacementTopology.NONE, spreadAcrossZones: true,
      minReplicas: plan.replicas.min, maxReplicas: plan.replicas.max,
    });

    const ns = props.tenant;
    const selector = { 'app.kubernetes.io/name': this.serviceName };
    const labels = { ...commonLabels('inference', this.serviceName), ...selector, 'aidc.io/pool': pool.poolName };
    const cacheClaim = `${this.serviceName}-model-cache`;
    new ApiObject(this, 'model-cache', {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: { name: cacheClaim, namespace: ns, labels },
      spec: {
        accessModes: ['ReadWriteMany'],
        storageClassName: props.modelCacheStorageClass ?? 'aidc-model-cache',
        resources: { requests: { storage: quantityOfBytes(plan.memory.weightsBytes * MODEL_CACHE_FACTOR) } },
      },
    } as any);

    const multiNode = this.podsPerReplica > 1;
    const serve = engine.serveCommand({
      model: props.modelRef, servedModelName: this.serviceName,
      tensorParallelSize: plan.tensorParallel, pipelineParallelSize: plan.pipelineParallel,
      maxModelLen: plan.maxModelLen, gpuMemoryUtilization: plan.gpuMemoryUtilization, maxNumSeqs: plan.maxNumSeqs,
      maxNumBatchedTokens: plan.maxNumBatchedTokens,
      quantization: plan.precision === InferencePrecision.FP8 ? 'fp8' : undefined,
      kvCacheDtype: plan.kvCacheDtype === KvCacheDtype.FP8 ? 'fp8' : undefined,
      downloadDir: CACHE_DIR, multiNode,
    });
    const http = { httpGet: { path: engine.healthPath, port: engine.port } };
    // Loads take minutes: allow three times the planned load time (at least 10 minutes) before restarting.
    const startupBudget = Math.max(600, Math.ceil(3 * plan.modelLoadSeconds));
    const probes = {
      startupProbe: { ...http, periodSeconds: 10, failureThreshold: Math.ceil(startupBudget / 10), timeoutSeconds: 5 },
      readinessProbe: { ...http, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 5 },
      livenessProbe: { ...http, periodSeconds: 15, failureThreshold: 4, timeoutSeconds: 10 },
    };
    const secretEnv = props.huggingFaceTokenSecret ? { HF_TOKEN: this.secretRef(props.huggingFaceTokenSecret) } : undefined;
    const baseContainer = {
      image: engine.image, cpuCores: cpu, memoryBytes: memory,
      extendedResources: { [pool.sharing.resourceName]: gpusPerPod },
      env: { HF_HOME: CACHE_DIR, VLLM_NO_USAGE_STATS: '1', HOME: '/tmp' },
      secretEnv,
      volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }, { name: 'model-cache', mountPath: CACHE_DIR }],
    };
    // Stop taking traffic first (endpoints update), then let in-flight requests finish.
    const lifecycle = { preStop: { exec: { command: ['sh', '-c', 'sleep 15'] } } };
    // A replica whose tensor-parallel group spans trays of a rack-scale NVLink domain (GB200 NVL72) runs at NVLink speed only
    // if its pods share one domain: each LWS group is held inside one (`matchLabelKeys` on the group key, as llm-d does
    // for NVL72 cliques). Kubernetes ≥ 1.31 (on by default there); older API servers drop the field, and the term would
    // then hold every replica in one domain.
    const domainLevel = pool.nvlinkDomainTopologyLevel;
    const groupInOneDomain = multiNode && domainLevel !== undefined && this.podsPerReplica <= pool.nodesPerNvlinkDomain;
    const affinity = groupInOneDomain ? {
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{
          labelSelector: { matchLabels: selector }, matchLabelKeys: ['leaderworkerset.sigs.k8s.io/group-key'], topologyKey: domainLevel,
        }],
      },
    } : undefined;
    const podSpec = (containers: any[]): any => omitUndefined({
      affinity,
      priorityClassName: pool.priorityClassName(WorkloadPriority.SERVING),
      serviceAccountName: TENANT_WORKLOAD_SERVICE_ACCOUNT,
      automountServiceAccountToken: false,
      securityContext: { ...RESTRICTED_POD_SECURITY },
      nodeSelector: pool.nodeSelector,
      tolerations: [tolerationFor(pool.nodeTaint as any)],
      terminationGracePeriodSeconds: drain + 15,
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } }],
      containers,
      volumes: [shmVolume(Math.min(memory / 4, 16 * 2 ** 30)), { name: 'model-cache', persistentVolumeClaim: { claimName: cacheClaim } }],
    });
    const ports = [{ name: 'http', containerPort: engine.port }];

    let target: { apiVersion: string; kind: string };
    if (!multiNode) {
      target = { apiVersion: 'apps/v1', kind: 'Deployment' };
      new ApiObject(this, 'deployment', {
        ...target,
        metadata: { name: this.serviceName, namespace: ns, labels },
        spec: {
          replicas: plan.replicas.min,
          selector: { matchLabels: selector },
          // Never drop below the planned capacity while rolling: surge one replica, keep all available.
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: {
            metadata: { labels },
            spec: podSpec([container({ name: 'engine', command: serve, ports, lifecycle, ...probes, ...baseContainer })]),
          },
        },
      } as any);
    } else {
      target = { apiVersion: `${LeaderWorkerSet.GVK.apiVersion}`, kind: LeaderWorkerSet.GVK.kind };
      // Ray across the group (LWS docs, "Deploy Distributed Inference Service with vLLM"): the leader
      // starts the head and serves, workers join the head at LWS_LEADER_ADDRESS.
      const leaderCmd = ['sh', '-c', `ray start --head --port=6379 && ${serve.join(' ')}`];
      const workerCmd = ['sh', '-c', 'ray start --address=$(LWS_LEADER_ADDRESS):6379 --block'];
      new ApiObject(this, 'leader-worker-set', {
        ...target,
        metadata: { name: this.serviceName, namespace: ns, labels },
        spec: {
          replicas: plan.replicas.min,
          startupPolicy: 'LeaderCreated',
          leaderWorkerTemplate: {
            size: this.podsPerReplica,
            restartPolicy: 'RecreateGroupOnPodRestart',
            leaderTemplate: { metadata: { labels }, spec: podSpec([container({ name: 'engine', command: leaderCmd, ports, lifecycle, ...probes, ...baseContainer })]) },
            workerTemplate: { metadata: { labels }, spec: podSpec([container({ name: 'engine', command: workerCmd, ...baseContainer })]) },
          },
        },
      } as any);
    }

    new ApiObject(this, 'service', {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: this.serviceName, namespace: ns, labels },
      spec: {
        selector: multiNode ? { ...selector, 'leaderworkerset.sigs.k8s.io/worker-index': '0' } : selector,
        ports: [{ name: 'http', port: engine.port, targetPort: 'http', protocol: 'TCP' }],
      },
    } as any);
    new ApiObject(this, 'pdb', {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget',
      metadata: { name: this.serviceName, namespace: ns, labels },
      // One replica at a time may be drained: the plan's max replicas carry headroom for it, and a
      // single-replica service is not blocked from node maintenance forever (as minAvailable: 1 would).
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    } as any);
    new ServiceMonitor(this, 'service-monitor', {
      metadata: { name: this.serviceName, namespace: ns, labels: { ...labels, ...(props.monitorSelectorLabels ?? { release: 'kube-prometheus-stack' }) } },
      spec: {
        selector: { matchLabels: selector },
        endpoints: [{ port: 'http', path: engine.metricsPath, interval: '15s' }],
      },
    });

    if (props.monitoring) this.registerMonitoring(props.monitoring, plan, ns, selector);
    const series = `namespace="${ns}",model_name="${this.serviceName}"`;
    const windows: PrescaleWindow[] = [
      ...(props.prescaleWindows ?? []),
      ...(props.prescaleSchedule?.cronTriggers() ?? []).map((t) => ({ start: t.start, end: t.end, replicas: Number(t.desiredReplicas) })),
    ];
    windows.forEach((w, i) => {
      if (!Number.isInteger(w.replicas) || w.replicas < 1 || w.replicas > plan.replicas.max) {
        throw new ConstructValidationError(path, `prescaleWindows[${i}].replicas`, `${w.replicas} must be a whole number between 1 and the plan's max replicas ${plan.replicas.max}`);
      }
      for (const [field, cron] of [['start', w.start], ['end', w.end]] as const) {
        if (!/^(\S+\s+){4}\S+$/.test(cron.trim())) throw new ConstructValidationError(path, `prescaleWindows[${i}].${field}`, `'${cron}' is not a 5-field cron`);
      }
    });
    const address = props.prometheusAddress ?? 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090';
    new ScaledObject(this, 'scaler', {
      metadata: { name: this.serviceName, namespace: ns, labels },
      spec: {
        scaleTargetRef: { apiVersion: target.apiVersion, kind: target.kind, name: this.serviceName },
        minReplicaCount: plan.replicas.min,
        maxReplicaCount: plan.replicas.max,
        // Poll at the Prometheus scrape cadence of the ServiceMonitor (15 s); faster polls see no new data.
        pollingInterval: 15,
        // A replica takes minutes to load: do not give capacity back for 10 minutes.
        cooldownPeriod: 600,
        advanced: {
          horizontalPodAutoscalerConfig: {
            behavior: {
              scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }] },
              scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 60 }] },
            },
          },
        },
        triggers: [
          {
            type: 'prometheus', name: 'in-flight-requests',
            metadata: {
              serverAddress: address,
              query: `sum(${engine.runningRequestsMetric}{${series}}) + sum(${engine.waitingRequestsMetric}{${series}})`,
              threshold: String(this.targetConcurrencyPerReplica),
            },
          },
          {
            type: 'prometheus', name: 'kv-cache-usage',
            metadata: {
              serverAddress: address,
              query: `avg(${engine.kvCacheUsageMetric}{${series}})`,
              // Scale before preemption starts: KV cache 85% full on average.
              threshold: '0.85',
            },
            metricType: 'Value' as any,
          },
          ...windows.map((w, i) => ({
            type: 'cron', name: `prescale-${i}`,
            metadata: { timezone: 'Etc/UTC', start: w.start, end: w.end, desiredReplicas: String(w.replicas) },
          })),
        ] as any,
      },
    });
  }

  /** Registers SLO alerts: the TTFT objective rounds down to a bucket bound of vLLM's TTFT histogram. */
  private registerMonitoring(monitoring: MonitoringStack, plan: InferencePlan, namespace: string, selectorLabels: { [key: string]: string }): void {
    const slo = plan.ttftSloSeconds;
    if (slo === undefined) return;
    const buckets = MonitoringStack.VLLM_TTFT_BUCKETS_SECONDS.filter((b) => b <= slo);
    if (buckets.length === 0) {
      throw new ConstructValidationError(this.node.path, 'plan.ttftSloSeconds', `${slo} s is below vLLM's smallest TTFT bucket (${MonitoringStack.VLLM_TTFT_BUCKETS_SECONDS[0]} s); it cannot be measured`);
    }
    monitoring.addInferenceService({
      name: this.serviceName, namespace, selectorLabels,
      ttftSloSeconds: buckets[buckets.length - 1], ttftObjective: 0.95,
      availabilityTarget: plan.availability, podMonitor: false,
    });
  }

  private secretRef(ref: string): { secret: string; key: string } {
    return parseSecretRef(this.node.path, 'huggingFaceTokenSecret', ref);
  }
}
