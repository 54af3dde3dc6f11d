/**
 * Multi-token prediction (DeepSeek-V3 technical report, arXiv:2412.19437 §2.2) in the training planner, and DeepSeek-V3's
 * memory against the per-GPU breakdown NVIDIA publish for it.
 */
import { PlanningError } from '../../../src/errors';
import { GpuType, ModelSpec } from '../../../src/planning/catalog';
import { ExpertDispatcher, OptimizerKind, RecomputeModule, TrainingPlanner, TrainingPlanProps, TrainingPrecision } from '../../../src/planning/training';
import { PlanContext } from '../../../src/planning/training/context';
import { modelStateBytes } from '../../../src/planning/training/memory';
import { modelFlopsPerToken, modelShape } from '../../../src/planning/training/model-math';
import { peakHeld, pipelineSplit, rankLayers, rankMoeLayers, rankMtp } from '../../../src/planning/training/pipeline-schedule';

const DSV3 = ModelSpec.of('deepseek-v3');
const WITHOUT_MTP = ModelSpec.custom({ ...DSV3.toJson(), id: 'deepseek-v3-no-mtp', mtpLayers: 0 });
const H100 = GpuType.of('h100-sxm-80gb');
const GB = 1e9;

describe('the multi-token-prediction module', () => {
  test('DeepSeek-V3 has one, of 11.61B parameters: one MoE layer, eh_proj 2h × h and three norms (±0.1%)', () => {
    expect(DSV3.mtpLayers).toBe(1);
    const h = 7168;
    // One MoE layer: MLA attention + its two latent norms + two layer norms, 256 routed + 1 shared expert of 3·h·2048, router h × 256.
    const attention = h * 1536 + 1536 * 128 * 192 + h * (512 + 64) + 512 * 128 * (128 + 128) + 128 * 128 * h + 1536 + 512;
    const moeLayer = attention + 2 * h + (256 + 1) * 3 * h * 2048 + h * 256;
    expect(Math.abs(DSV3.mtpParameterCount() / (moeLayer + 2 * h * h + 3 * h) - 1)).toBeLessThan(0.001);
    expect(Math.abs(DSV3.mtpParameterCount() / 11.61e9 - 1)).toBeLessThan(0.001);
  });

  test('main model + MTP module + the copies of embedding and head the checkpoint stores for it make the 685B of the Hugging Face model card (±0.5%)', () => {
    // deepseek-ai/DeepSeek-V3 README: "685B, which includes 671B of the Main Model weights and 14B of the Multi-Token Prediction (MTP) Module weights".
    const copies = 2 * DSV3.vocabSize * DSV3.hiddenSize;
    expect(Math.abs((DSV3.parameterCount() + DSV3.mtpParameterCount() + copies) / 685e9 - 1)).toBeLessThan(0.005);
    expect(Math.abs(DSV3.parameterCount() / 671e9 - 1)).toBeLessThan(0.001);
  });

  test('model FLOPs per token match Megatron-Bridge num_floating_point_operations for DeepSeek-V3 with one MTP layer (±0.5%; the router GEMM is counted here, not there)', () => {
    // src/megatron/bridge/training/utils/flop_utils.py transformer_flops(), MLA branch, mtp_num_layers = 1 (an MoE layer), s = 4096.
    const h = 7168; const heads = 128; const s = 4096; const V = 129280; const mtp = 1; const layers = 61 + mtp;
    const qTerm = 1536 * (h + heads * (128 + 64) + 1);
    const kvTerm = 512 * (h + heads * (128 + 128) + 1) + h * 64;
    const core = s * heads * (128 + 64) / 2 + s * heads * 128 / 2;
    const selfAttn = 3 * 2 * layers * (qTerm + kvTerm + heads * 128 * h + core);
    const mlp = 3 * 2 * h * (18432 * 3 * 3 + 2048 * 8 * 3 * (58 + mtp) + 2048 * 3 * (58 + mtp));
    const mtpTerms = 3 * 2 * mtp * (3 * h + 2 * h * h);
    const logits = 3 * 2 * h * V * (mtp + 1);
    const bridge = mlp + selfAttn + mtpTerms + logits;
    expect(Math.abs(modelFlopsPerToken(modelShape(DSV3), s) / bridge - 1)).toBeLessThan(0.005);
    expect(modelFlopsPerToken(modelShape(DSV3), s)).toBeGreaterThan(modelFlopsPerToken(modelShape(WITHOUT_MTP), s) * 1.03);
  });

  test('a negative or fractional count is a PlanningError naming the field (Hugging Face num_nextn_predict_layers is read in huggingface-config.test.ts)', () => {
    for (const mtpLayers of [-1, 0.5]) {
      let error: unknown;
      try { ModelSpec.custom({ ...DSV3.toJson(), id: 'bad', mtpLayers }); } catch (e) { error = e; }
      expect(error).toBeInstanceOf(PlanningError);
      expect((error as PlanningError).field).toBe('model.mtpLayers');
    }
  });
});

describe('the mtpLayers training option', () => {
  const base: TrainingPlanProps = {
    model: DSV3, gpu: GpuType.of('h200-141gb'), gpus: 1024, sequenceLength: 4096, globalBatchTokens: 8192 * 4096,
    tensorParallel: 2, pipelineParallel: 8, contextParallel: 1, expertParallel: 64,
  };

  test('defaults to the model\'s module with the megatron profile; 0 plans the model as one without it', () => {
    const withMtp = TrainingPlanner.plan(base);
    const off = TrainingPlanner.plan({ ...base, mtpLayers: 0 });
    const noModule = TrainingPlanner.plan({ ...base, model: WITHOUT_MTP });
    expect(off.toJson().throughput).toEqual(noModule.toJson().throughput);
    expect(off.toJson().memory).toEqual(noModule.toJson().memory);
    const flops = (p: typeof off): number => p.throughput.tflopsPerGpu * p.throughput.stepSeconds;
    expect(flops(withMtp)).toBeGreaterThan(flops(off) * 1.03);
    expect(withMtp.explain()).toMatch(/1 MTP module on the last rank/);
    expect([withMtp.mtpLayers, withMtp.toJson().mtpLayers, off.mtpLayers]).toEqual([1, 1, 0]);
  });

  test('the eager profiles cannot train the module: a PlanningError naming mtpLayers; by default they plan without it', () => {
    let error: unknown;
    try { TrainingPlanner.plan({ ...base, framework: 'fsdp' as any, mtpLayers: 1 }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(PlanningError);
    expect((error as PlanningError).field).toBe('mtpLayers');
    expect((error as PlanningError).fix).toMatch(/fsdp profile cannot train multi-token-prediction modules/);
  });
});

describe('the last rank\'s parameters with an MTP module', () => {
  // Only the fields modelStateBytes reads.
  const ctx = (model: ModelSpec): PlanContext => ({ shape: modelShape(model), zeroStage: 0, bytes: { weights: 2, gradients: 4, optimizer: 12 } }) as unknown as PlanContext;
  const layout = { tp: 1, pp: 2, cp: 1, dp: 1, vp: 1, microBatch: 1, gradientAccumulation: 1, ep: 1, etp: 1 };
  const lastRankParams = (model: ModelSpec): number => modelStateBytes(ctx(model), layout, pipelineSplit(model.layers, 2, 1, model.mtpLayers), 1).params;

  test('gain the module and, with an untied head, a copy of the embedding (Megatron-Core gpt_model.py: "MTP need both embedding layer and output layer")', () => {
    const small = ModelSpec.custom({ ...ModelSpec.of('llama-3.2-1b').toJson(), id: 'untied-1b', tiedEmbeddings: false });
    const withMtp = ModelSpec.custom({ ...small.toJson(), id: 'untied-1b-mtp', mtpLayers: 1 });
    const moved = pipelineSplit(16, 2, 1, 1);
    // 16 layers split evenly over 2 ranks: the module sits on top of the last rank's 8.
    expect([rankLayers(moved, 0), rankLayers(moved, 1)]).toEqual([8, 8]);
    const layer = modelShape(small).attnParamsPerLayer + modelShape(small).normParamsPerLayer + modelShape(small).denseFfnParams;
    expect(lastRankParams(withMtp) - lastRankParams(small)).toBeCloseTo(withMtp.mtpParameterCount() + small.vocabSize * small.hiddenSize, -3);
    expect(withMtp.mtpParameterCount()).toBeCloseTo(layer + 2 * 2048 * 2048 + 3 * 2048, -3);
  });

  test('with tied embeddings the last rank keeps one copy, serving the head and the module', () => {
    const tied = ModelSpec.of('llama-3.2-1b');
    const withMtp = ModelSpec.custom({ ...tied.toJson(), id: 'tied-1b-mtp', mtpLayers: 1 });
    expect(lastRankParams(withMtp) - lastRankParams(tied)).toBeCloseTo(withMtp.mtpParameterCount(), -3);
  });
});

describe('pipeline split with an MTP module', () => {
  test('DeepSeek-V3 on 8 ranks × 4 chunks is NVIDIA\'s H100 layout Et|(tt|)*30mL: the embedding and one layer, 30 chunks of two, then the MTP module and the loss', () => {
    const split = pipelineSplit(61, 8, 4, 1);
    expect(split.method).toBe('embedding-and-loss');
    const chunks = Array.from({ length: 32 }, (_, g) => split.chunkLayers(g % 8, Math.floor(g / 8)));
    expect(chunks).toEqual([1, ...Array(30).fill(2), 0]);
    expect([rankMtp(split, 7), rankMtp(split, 6)]).toEqual([1, 0]);
    expect(Array.from({ length: 8 }, (_, r) => rankLayers(split, r))).toEqual([7, 8, 8, 8, 8, 8, 8, 6]);
  });

  test('the three leading dense layers of DeepSeek-V3 fall on the first rank: PP4 × VPP4 gives 12, 16, 16 and 14 MoE layers', () => {
    const split = pipelineSplit(61, 4, 4, 1);
    expect(Array.from({ length: 4 }, (_, r) => rankLayers(split, r))).toEqual([15, 16, 16, 14]);
    expect(Array.from({ length: 4 }, (_, r) => rankMoeLayers(split, r, 3))).toEqual([12, 16, 16, 14]);
  });

  test('the last rank holds the MTP module\'s activations with its last chunk, while that chunk\'s forward waits for its backward', () => {
    // Plain 1F1B: the last rank runs each micro-batch's forward and backward back to back; 6 layers + the module are held.
    const plain = pipelineSplit(61, 8, 1, 1);
    expect(peakHeld(plain, 7, 64)).toEqual({ layerMicroBatches: 7, firstChunkMicroBatches: 1, lastChunkMicroBatches: 1 });
    // Interleaved: the last rank's peak comes at a first-chunk forward, after every last-chunk (MTP) forward has been
    // matched by its backward, so the module adds nothing to that peak; other ranks never hold it.
    const interleaved = pipelineSplit(61, 8, 4, 1);
    expect(peakHeld(interleaved, 7, 64)).toEqual(peakHeld({ ...interleaved, mtp: 0 }, 7, 64));
    expect(peakHeld(interleaved, 6, 64)).toEqual(peakHeld({ ...interleaved, mtp: 0 }, 6, 64));
  });

  test('an interleaving that no slot count divides names the counts with the MTP module', () => {
    const props: TrainingPlanProps = {
      model: DSV3, gpu: H100, gpus: 1024, sequenceLength: 4096, globalBatchTokens: 8192 * 4096, tensorParallel: 2,
      pipelineParallel: 8, virtualPipelineStages: 3, contextParallel: 1, expertParallel: 64,
    };
    expect(() => TrainingPlanner.plan(props)).toThrow(/61 layers of deepseek-v3, or 63 counting the embedding and the loss, or 64 with the 1 MTP module, divisible by pp × v = 24; try 2, 4 or 1/);
  });
});

/**
 * NVIDIA's per-GPU memory for DeepSeek-V3 in BF16 on 256 GPUs, PP4 × VPP4 × EP64, before any memory optimisation
 * ("Scalable Training of Mixture-of-Experts Models with Megatron Core", arXiv:2603.07685 §4.1.1, Table 3): weights and
 * gradients 36.4 GB, main weights and optimizer states 32.1 GB, activations 131.0 GB, 199.5 GB in all. The table gives
 * neither the rank nor the batch; planned here: TP 1, sequence 4,096, micro-batch 1, 8,192 sequences per step (the H100
 * batch of its Table 20), Megatron's distributed optimizer (ZeRO-1), Transformer Engine's fused attention (no score
 * matrices: the planner's `selective`), no other recomputation; the planner's largest rank, on a GPU large enough to
 * hold it and without the reserve.
 */
describe('DeepSeek-V3 memory against NVIDIA\'s breakdown (arXiv:2603.07685 Table 3)', () => {
  const props: TrainingPlanProps = {
    model: DSV3, gpu: GpuType.custom({ ...H100, id: 'h100-with-room', memoryBytes: 400e9 }), gpus: 256, sequenceLength: 4096,
    globalBatchTokens: 8192 * 4096, precision: TrainingPrecision.BF16_MIXED, tensorParallel: 1, pipelineParallel: 4, virtualPipelineStages: 4,
    contextParallel: 1, expertParallel: 64, expertTensorParallel: 1, microBatch: 1, memoryReserveFraction: 0,
  };
  const plan = TrainingPlanner.plan(props);
  const m = plan.memory;

  test('weights and gradients within 10% of 36.4 GB, optimizer states within 10% of 32.1 GB, activations within 10% of 131.0 GB', () => {
    expect(Math.abs((m.weightsBytes + m.gradientsBytes) / GB / 36.4 - 1)).toBeLessThan(0.10);
    expect(Math.abs(m.optimizerBytes / GB / 32.1 - 1)).toBeLessThan(0.10);
    expect(Math.abs(m.activationsBytes / GB / 131.0 - 1)).toBeLessThan(0.10);
  });

  test('recomputing the LayerNorms frees 8.0 GB, within 10% of the 8.2 GB NVIDIA measured on the same configuration (Table 4)', () => {
    const layernorm = TrainingPlanner.plan({ ...props, recomputeModules: [RecomputeModule.CORE_ATTN, RecomputeModule.LAYERNORM] });
    expect(Math.abs((m.activationsBytes - layernorm.memory.activationsBytes) / GB / 8.2 - 1)).toBeLessThan(0.10);
  });

  /**
   * KNOWN LIMIT: "enabling FP8 training reduces approximately 16 GB of activation memory" on this configuration, halving ~32 GB
   * of linear-layer inputs (arXiv:2603.07685 §4.1.3). The planner halves only the QKV, fc1 and fc2 inputs (megatronLayerUnits):
   * 9.1 GB. The rest of NVIDIA's eligible set is not identified from the saved tensors (the attention output is kept in BF16 for
   * the fused attention's backward anyway; halving the permuted expert inputs as well would save 29 GB, too much), so FP8
   * activations are overstated by about 7 GB here: conservative, and why NVIDIA's own FP8 DeepSeek-V3 H100 run is rejected
   * (moe-accuracy.test.ts). Pinned (±0.3 GB) so that a better account shows up here.
   */
  test('known limit: FP8 frees 9.1 GB of activations here (±0.3), against the ~16 GB NVIDIA report', () => {
    const fp8 = TrainingPlanner.plan({ ...props, precision: TrainingPrecision.FP8_MIXED });
    expect(Math.abs((m.activationsBytes - fp8.memory.activationsBytes) / GB - 9.1)).toBeLessThanOrEqual(0.3);
  });

  test('the total is within 3% of 199.5 GB', () => {
    const total = m.weightsBytes + m.gradientsBytes + m.optimizerBytes + m.activationsBytes;
    expect(Math.abs(total / GB / 199.5 - 1)).toBeLessThan(0.03);
  });
});

/**
 * Out of sample: NVIDIA's measured baseline for DeepSeek-V3 "full", TP1 PP8 EP32 VPP4, MXFP8, on GB200: 169 GB per GPU before
 * activation offloading (arXiv:2603.07685 Table 5). Planned as the model zoo runs MXFP8 (sbatch_benchmarking.sh: BF16 Adam
 * moments through the precision-aware optimizer, Megatron-LM's fp32 gradient buffer), with its multi-token-prediction module,
 * micro-batch 1 and 4,096 sequences per step (Table 20's GB200 DeepSeek-V3 layout), no recompute, DeepEP; FP8 GEMMs stand for
 * MXFP8, whose saved inputs are also one byte. On a copy of the GPU with room, so that the prediction is compared, not capped.
 */
describe('DeepSeek-V3 FP8 memory against NVIDIA\'s GB200 measurement (arXiv:2603.07685 Table 5)', () => {
  test('peak within 10% of the measured 169 GB (predicted 170.1 GB)', () => {
    const plan = TrainingPlanner.plan({
      model: DSV3, gpu: GpuType.custom({ ...GpuType.of('b200-192gb'), id: 'b200-with-room', memoryBytes: 1e12 }), gpus: 256, sequenceLength: 4096,
      globalBatchTokens: 4096 * 4096, precision: TrainingPrecision.FP8_MIXED, optimizer: OptimizerKind.ADAMW_BF16_MOMENTS, tensorParallel: 1, pipelineParallel: 8,
      virtualPipelineStages: 4, contextParallel: 1, expertParallel: 32, expertTensorParallel: 1, microBatch: 1, memoryReserveFraction: 0,
      expertDispatcher: ExpertDispatcher.DEEPEP,
    });
    expect(Math.abs(plan.memory.peakBytesPerGpu / GB / 170.1 - 1)).toBeLessThan(0.005);
    expect(Math.abs(plan.memory.peakBytesPerGpu / GB / 169 - 1)).toBeLessThan(0.10);
  });
});
