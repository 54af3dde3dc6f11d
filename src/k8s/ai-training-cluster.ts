import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ConstructValidationError } from '../errors';
import { PolicyChecks } from '../policy';
import { GpuResourcePool, WorkloadPriority } from './gpu-resource-pool';
import { GpuSharingMode } from './gpu-sharing';
import { JobSet } from './imports/jobset.x-k8s.io-jobset.x-k8s.io';
import { MonitoringStack } from './monitoring-stack';
import { container, RESTRICTED_POD_SECURITY, shmVolume, tolerationFor } from './private/containers';
import { commonLabels, parseSecretRef, requireDnsLabel, requirePinnedImage, requireWholeNumber } from './private/names';
import { quantityOfBytes } from './private/quantities';
import { TENANT_WORKLOAD_SERVICE_ACCOUNT } from './tenancy';
import { PlacementTopology } from '../planning/placement/types';
import { TrainingPlan } from '../planning/training';

/** Props of an {@link AiTrainingCluster}. */
export interface AiTrainingClusterProps {
  /** The pool the job runs on. */
  readonly pool: GpuResourcePool;
  /** Tenant namespace (a tenant of the pool). */
  readonly tenant: string;
  /** The capacity plan (`TrainingPlanner.plan(...)`); its GPU type must be the pool's. */
  readonly plan: TrainingPlan;
  /** Container image with the training code, pinned by tag or digest. */
  readonly image: string;
  /** The training entry point launched by torchrun on every node, e.g. `['train.py', '--config', 'llama.yaml']`. */
  readonly script: string[];
  /**
   * Checkpoints kept on the checkpoint volume (sizes it).
   * @default 2
   */
  readonly checkpointsKept?: number;
  /**
   * StorageClass of the checkpoint volume: must be ReadWriteMany and reclaimPolicy Retain.
   * @default 'aidc-checkpoints'
   */
  readonly checkpointStorageClass?: string;
  /**
   * Restarts of the whole gang (from the last checkpoint) before the job fails.
   * @default 3
   */
  readonly maxRestarts?: number;
  /**
   * Exit codes that mean a bug, not a fault: the job fails at once instead of restarting.
   * @default [1, 2] (Python exceptions and argument errors)
   */
  readonly nonRetriableExitCodes?: number[];
  /**
   * Scheduling priority.
   * @default WorkloadPriority.TRAINING
   */
  readonly priority?: WorkloadPriority;
  /**
   * Monitoring to register with (stall and restart-loop alerts, dashboard).
   * @default - not monitored
   */
  readonly monitoring?: MonitoringStack;
  /**
   * Plain environment variables for the trainer.
   * @default - none
   */
  readonly env?: { [key: string]: string };
  /**
   * Environment variables taken from Secrets (never inlined): env name → `secret/key`, e.g. `{ HF_TOKEN: 'hf-token/token' }`.
   * @default - none
   */
  readonly secretEnv?: { [key: string]: string };
}

/** Port of the torch distributed (c10d) store on node rank 0. */
const RENDEZVOUS_PORT = 29500;
const CHECKPOINT_DIR = '/checkpoints';

/**
 * A distributed training or fine-tuning job sized by a {@link TrainingPlan}: a JobSet gang of
 * indexed torchrun workers queued by Kueue on the pool, with NCCL settings, /dev/shm, a retained
 * checkpoint volume, restart-from-checkpoint failure policy and the plan's parallel layout.
 *
 * The layout reaches the trainer as environment variables, for any launcher to turn into its flags:
 * `AIDC_TENSOR_PARALLEL`, `AIDC_PIPELINE_PARALLEL`, `AIDC_VIRTUAL_PIPELINE_STAGES`, `AIDC_PIPELINE_SPLIT` (`even`,
 * `embedding-and-loss` = Megatron-Core `--account-for-embedding-in-pipeline-split --account-for-loss-in-pipeline-split`,
 * or `uneven`), `AIDC_PIPELINE_STAGE_LAYERS` (layers per rank, comma-separated), `AIDC_CONTEXT_PARALLEL`,
 * `AIDC_EXPERT_PARALLEL` and `AIDC_EXPERT_TENSOR_PARALLEL` (Megatron-Core `--expert-model-parallel-size`,
 * `--expert-tensor-parallel-size`; 1 for dense models), `AIDC_MTP_LAYERS` (Megatron-Core `--mtp-num-layers`, on the last
 * rank; 0 = none), `AIDC_RECOMPUTE` (`none`, `selective` or `full`) and `AIDC_RECOMPUTE_MODULES` (Megatron-Core
 * `--recompute-modules`, comma-separated; empty = none given): the memory plan holds only with them. `AIDC_DATA_PARALLEL`, `AIDC_MICRO_BATCH`, `AIDC_GRADIENT_ACCUMULATION`, `AIDC_GLOBAL_BATCH_SEQUENCES`,
 * `AIDC_SEQUENCE_LENGTH` and `AIDC_CHECKPOINT_DIR`. `PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True` is set
 * (overridable through `env`): the memory plan was measured with it.
 */
export class AiTrainingCluster extends Construct {
  /** The JobSet name. */
  public readonly jobName: string;
  /** Nodes (pods) in the gang. */
  public readonly nodes: number;
  /** GPUs per pod. */
  public readonly gpusPerPod: number;
  /** Bytes requested for the checkpoint volume. */
  public readonly checkpointVolumeBytes: number;

  constructor(scope: Construct, id: string, props: AiTrainingClusterProps) {
    super(scope, id);
    const path = this.node.path;
    // The library's rule pack runs over the whole chart at synthesis (errors fail `synth`).
    PolicyChecks.of(Chart.of(this));
    this.jobName = requireDnsLabel(path, 'id', id, 40);
    const { pool, plan } = props;
    pool.localQueueName(props.tenant);
    if (plan.gpuId !== pool.nodeShape.gpuType.id) {
      throw new ConstructValidationError(path, 'plan', `the plan is for ${plan.gpuId} but pool '${pool.poolName}' has ${pool.nodeShape.gpuType.id}; plan with gpu ${pool.nodeShape.gpuType.id}`);
    }
    requirePinnedImage(path, 'image', props.image);
    if (pool.sharing.mode !== GpuSharingMode.EXCLUSIVE) {
      throw new ConstructValidationError(path, 'pool', `pool '${pool.poolName}' shares GPUs (${pool.sharing.mode}); distributed training needs whole GPUs: use a pool with GpuSharing.exclusive()`);
    }
    if (props.script.length === 0) throw new ConstructValidationError(path, 'script', 'needs at least the training entry point');
    const kept = props.checkpointsKept ?? 2;
    const maxRestarts = props.maxRestarts ?? 3;
    requireWholeNumber(path, 'checkpointsKept', kept, 1, 100);
    requireWholeNumber(path, 'maxRestarts', maxRestarts, 0, 1000);
    const exitCodes = [...(props.nonRetriableExitCodes ?? [1, 2])].sort((a, b) => a - b);
    if (exitCodes.length === 0 || exitCodes.some((c, i) => !Number.isInteger(c) || c < 1 || c > 255 || (i > 0 && c === exitCodes[i - 1]))) {
      throw new ConstructValidationError(path, 'nonRetriableExitCodes', `[${exitCodes.join(',')}]: give at least one distinct exit code, each a whole number 1-255`);
    }

    this.gpusPerPod = Math.min(plan.gpus, pool.gpusPerNode);
    if (plan.gpus % this.gpusPerPod !== 0) {
      throw new ConstructValidationError(path, 'plan', `${plan.gpus} GPUs do not fill whole ${pool.nodeShape.id} nodes of ${pool.gpusPerNode}; plan a multiple of ${pool.gpusPerNode} GPUs`);
    }
    this.nodes = plan.gpus / this.gpusPerPod;
    // Checkpoint = weights + optimizer states per kept checkpoint, +10% for metadata and the
    // in-progress write (sizing from the plan; Megatron/DCP write one shard per rank).
    this.checkpointVolumeBytes = plan.checkpointBytes * kept * 1.1;
    const cpu = pool.cpuCoresForGpus(this.gpusPerPod);
    const memory = pool.memoryBytesForGpus(this.gpusPerPod);
    // /dev/shm: NCCL's intra-node transport and DataLoader workers; a quarter of the pod's memory,
    // capped at 8 GiB per GPU (it counts against the memory limit).
    const shmBytes = Math.min(memory / 4, 8 * 2 ** 30 * this.gpusPerPod);

    pool.addWorkload({
      name: this.jobName, tenant: props.tenant, podCount: this.nodes, gpusPerPod: this.gpusPerPod,
      cpuCoresPerPod: cpu, memoryBytesPerPod: memory, storageBytes: this.checkpointVolumeBytes, gang: true,
      // Each pod holds whole TP groups on one node (its NVLink domain); the gang itself only needs to start together.
      topology: PlacementTopology.NONE,
      minReplicas: 1, maxReplicas: 1,
    });

    const labels = { ...commonLabels('training', this.jobName), 'aidc.io/pool': pool.poolName };
    props.monitoring?.addTrainingJob({ name: this.jobName, namespace: props.tenant });
    const claimName = `${this.jobName}-checkpoints`;
    new ApiObject(this, 'checkpoints', {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: { name: claimName, namespace: props.tenant, labels, annotations: { 'aidc.io/retain': 'true' } },
      spec: {
        accessModes: ['ReadWriteMany'],
        storageClassName: props.checkpointStorageClass ?? 'aidc-checkpoints',
        resources: { requests: { storage: quantityOfBytes(this.checkpointVolumeBytes) } },
      },
    } as any);

    const p = plan.parallelism;
    const rank0 = `${this.jobName}-workers-0-0.${this.jobName}`;
    const torchrun = [
      'torchrun',
      `--nnodes=${this.nodes}`,
      `--nproc-per-node=${this.gpusPerPod}`,
      '--node-rank=$(JOB_COMPLETION_INDEX)',
      `--master-addr=${rank0}`,
      `--master-port=${RENDEZVOUS_PORT}`,
      ...props.script,
    ];
    const secretEnv = Object.fromEntries(Object.entries(props.secretEnv ?? {}).map(([name, ref]) => [name, parseSecretRef(path, `secretEnv.${name}`, ref)]));
    const worker = container({
      name: 'trainer',
      image: props.image,
      command: torchrun,
      env: {
        // The memory plan assumes PyTorch's expandable segments: with the default caching allocator a measured
        // H100 run stranded 17 GiB in partly used segments and ran out of memory at 84% (planning/training/memory.ts).
        PYTORCH_CUDA_ALLOC_CONF: 'expandable_segments:True',
        ...props.env,
        // The plan's layout, for any launcher (Megatron, NeMo, torchtitan read these or take flags from them).
        AIDC_TENSOR_PARALLEL: String(p.tp),
        AIDC_PIPELINE_PARALLEL: String(p.pp),
        AIDC_VIRTUAL_PIPELINE_STAGES: String(p.virtualPipelineStages),
        // even | embedding-and-loss (Megatron-Core --account-for-embedding-in-pipeline-split
        // --account-for-loss-in-pipeline-split) | uneven; and the decoder layers of each rank, first to last.
        AIDC_PIPELINE_SPLIT: p.pipelineSplit,
        AIDC_PIPELINE_STAGE_LAYERS: p.pipelineStageLayers.join(','),
        AIDC_CONTEXT_PARALLEL: String(p.cp),
        AIDC_EXPERT_PARALLEL: String(p.ep),
        AIDC_EXPERT_TENSOR_PARALLEL: String(p.etp),
        AIDC_MTP_LAYERS: String(plan.mtpLayers),
        AIDC_RECOMPUTE: plan.recompute,
        AIDC_RECOMPUTE_MODULES: plan.recomputeModules.join(','),
        AIDC_DATA_PARALLEL: String(p.dp),
        AIDC_MICRO_BATCH: String(p.microBatch),
        AIDC_GRADIENT_ACCUMULATION: String(p.gradientAccumulation),
        AIDC_GLOBAL_BATCH_SEQUENCES: String(p.dp * p.microBatch * p.gradientAccumulation),
        AIDC_SEQUENCE_LENGTH: String(plan.sequenceLength),
        AIDC_CHECKPOINT_DIR: CHECKPOINT_DIR,
        // NCCL: surface errors instead of hanging, and keep logs quiet unless asked.
        NCCL_DEBUG: 'WARN',
        TORCH_NCCL_ASYNC_ERROR_HANDLING: '1',
        // Flight recorder: the last 2,000 collectives per rank are dumped on a hang or timeout (PyTorch
        // "Flight Recorder for Debugging Stuck Jobs"), enough to find the rank that stopped.
        TORCH_NCCL_TRACE_BUFFER_SIZE: '2000',
        ...(pool.nodeShape.provider === 'aws' ? { FI_PROVIDER: 'efa', FI_EFA_USE_DEVICE_RDMA: '1' } : {}),
      },
      secretEnv,
      cpuCores: cpu,
      memoryBytes: memory,
      extendedResources: { [pool.sharing.resourceName]: this.gpusPerPod },
      ports: [{ name: 'c10d', containerPort: RENDEZVOUS_PORT }],
      volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }, { name: 'checkpoints', mountPath: CHECKPOINT_DIR }],
    });
    // JOB_COMPLETION_INDEX from the Indexed Job annotation, so $(JOB_COMPLETION_INDEX) expands in the command.
    worker.env = [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }, ...worker.env];

    new ApiObject(this, 'jobset', {
      ...JobSet.GVK,
      metadata: {
        name: this.jobName,
        namespace: props.tenant,
        labels: {
          ...labels,
          'kueue.x-k8s.io/queue-name': pool.localQueueName(props.tenant),
        },
        annotations: {
          'aidc.io/plan': `tp=${p.tp} pp=${p.pp} vp=${p.virtualPipelineStages} cp=${p.cp} dp=${p.dp} micro-batch=${p.microBatch} grad-accum=${p.gradientAccumulation}`,
        },
      },
      spec: {
        // Kueue admits the gang as a whole and unsuspends it.
        suspend: true,
        network: { enableDNSHostnames: true, subdomain: this.jobName },
        failurePolicy: {
          maxRestarts,
          rules: [{ name: 'fail-fast-on-bugs', action: 'FailJobSet', onJobFailureReasons: ['PodFailurePolicy'] }],
        },
        successPolicy: { operator: 'All', targetReplicatedJobs: ['workers'] },
        replicatedJobs: [{
          name: 'workers',
          replicas: 1,
          template: {
            spec: {
              parallelism: this.nodes,
              completions: this.nodes,
              completionMode: 'Indexed',
              backoffLimit: 0,
              podFailurePolicy: {
                rules: [
                  { action: 'FailJob', onExitCodes: { containerName: 'trainer', operator: 'In', values: exitCodes } },
                  { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
                ],
              },
              template: {
                metadata: {
                  labels,
                  annotations: gangTopologyAnnotations(pool, this.nodes),
                },
                spec: {
                  restartPolicy: 'Never',
                  priorityClassName: pool.priorityClassName(props.priority ?? WorkloadPriority.TRAINING),
                  serviceAccountName: TENANT_WORKLOAD_SERVICE_ACCOUNT,
                  automountServiceAccountToken: false,
                  securityContext: { ...RESTRICTED_POD_SECURITY },
                  nodeSelector: pool.nodeSelector,
                  tolerations: [tolerationFor(pool.nodeTaint as any)],
                  // Two minutes for a trainer that traps SIGTERM to finish an in-flight checkpoint write.
                  terminationGracePeriodSeconds: 120,
                  containers: [worker],
                  volumes: [shmVolume(shmBytes), { name: 'checkpoints', persistentVolumeClaim: { claimName } }],
                },
              },
            },
          },
        }],
      },
    } as any);
  }
}

/**
 * Kueue Topology-Aware Scheduling annotations for the training gang. Pods of the gang as close as the fabric allows (on
 * HGX nodes each pod holds whole tensor-parallel groups, so TP traffic stays inside the node's NVLink domain). Where the
 * NVLink domain spans nodes and the provider labels it (GB200 NVL72 on GKE: the sub-block), the plan's NVLink groups
 * (up to a rack of consecutive ranks) only hold if the pods are placed rack by rack: the gang is cut into slices of the
 * largest pod count that divides the gang and fits one domain (16 trays = 64 GPUs for a 256-GPU job), each slice
 * required inside one domain (`podset-slice-required-topology`, Kueue ≥ 0.13), the gang preferring the level above.
 */
function gangTopologyAnnotations(pool: GpuResourcePool, pods: number): { [key: string]: string } {
  const domain = pool.nvlinkDomainTopologyLevel;
  if (domain === undefined) return { 'kueue.x-k8s.io/podset-preferred-topology': pool.gangTopologyLevel };
  const levels = pool.topologyLevels;
  const above = levels[Math.max(0, levels.indexOf(domain) - 1)];
  let slice = Math.min(pods, pool.nodesPerNvlinkDomain);
  while (pods % slice !== 0) slice--;
  return {
    'kueue.x-k8s.io/podset-preferred-topology': above,
    'kueue.x-k8s.io/podset-slice-required-topology': domain,
    'kueue.x-k8s.io/podset-slice-size': String(slice),
  };
}
