/**
 * Training numerics: precision modes, optimizers, recomputation and framework profiles, and the
 * bytes per parameter each combination keeps on the GPU.
 */

/** Numeric format of weights, gradients and optimizer states during training. */
export enum TrainingPrecision {
  /** FP32 weights, gradients and Adam states; matmuls autocast to BF16 (`torch.autocast`). */
  FP32_AMP = 'fp32-amp',
  /** BF16 weights and gradients, FP32 master weights and Adam states (Megatron / ZeRO mixed precision). */
  BF16_MIXED = 'bf16-mixed',
  /** BF16 weights, gradients and optimizer states; no FP32 master copy. */
  BF16_PURE = 'bf16-pure',
  /** As `bf16-mixed`, with FP8 (E4M3/E5M2, Transformer Engine) GEMMs. */
  FP8_MIXED = 'fp8-mixed',
}

/** Optimizer whose states are kept per parameter. */
export enum OptimizerKind {
  /** Adam/AdamW (Loshchilov & Hutter 2019): first and second moments. */
  ADAMW = 'adamw',
  /**
   * AdamW with both moments stored in BF16; in mixed precision the FP32 master weights stay (Megatron-Core's
   * precision-aware optimizer: `--use-precision-aware-optimizer --exp-avg-dtype bf16 --exp-avg-sq-dtype bf16`,
   * megatron/core/optimizer/optimizer_config.py; the "BF16 optimizer states" of NVIDIA's DeepSeek-V3 H100 runs,
   * arXiv:2603.07685 §4.1.6 and §9.2.2).
   */
  ADAMW_BF16_MOMENTS = 'adamw-bf16-moments',
  /** 8-bit Adam (Dettmers et al. 2021, arXiv:2110.02861): both moments block-quantised to one byte each. */
  ADAM_8BIT = 'adam-8bit',
  /** SGD with momentum: one momentum buffer. */
  SGD = 'sgd',
}

/** Activation recomputation (gradient checkpointing). */
export enum RecomputeMode {
  /** Keep every activation the backward pass needs (fused attention keeps no s² scores). Megatron-LM's default. */
  NONE = 'none',
  /**
   * Megatron-Core `--recompute-granularity selective`: recompute the attention core (Korthikanti et al. 2022 §4.3) or the
   * {@link RecomputeModule}s given. With fused attention, as the `megatron` profile assumes, recomputing the attention core
   * frees no memory and costs one attention forward: pair it with `recomputeModules` (layernorm, mlp, moe) to save memory.
   */
  SELECTIVE = 'selective',
  /** Keep only each layer's input and recompute the whole layer in backward (Chen et al. 2016). */
  FULL = 'full',
}

/**
 * Submodules Megatron-Core recomputes in backward under `--recompute-granularity selective --recompute-modules`
 * (megatron/core/transformer/transformer_config.py `recompute_modules`). Modelled for BF16 training only; `moe_act`,
 * `mla_up_proj` and `shared_experts` are not modelled (their published savings could not be reproduced from the tensors
 * Megatron-Core saves: see README).
 */
export enum RecomputeModule {
  /** The core attention (checkpointed): its forward runs again in backward; Transformer Engine's fused attention keeps no score matrices either way. */
  CORE_ATTN = 'core_attn',
  /** `input_layernorm` and `pre_mlp_layernorm` (output-discarding): their outputs, the inputs of the attention and MLP/MoE blocks, are not kept. */
  LAYERNORM = 'layernorm',
  /** The dense MLP of dense layers (checkpointed): only its input is kept, its forward runs again in backward. */
  MLP = 'mlp',
  /** The whole MoE block of MoE layers (checkpointed): only its input is kept; router, dispatch, experts and combine run again in backward. */
  MOE = 'moe',
  /**
   * MLA's up-projections and RoPE (output-discarding): the full query, key and value are not kept but rebuilt from the
   * latents before attention's backward (Megatron-Core `MLASelfAttention` with `mla_up_proj`). MLA models only. Its time
   * (the up-projection GEMMs again) is planned; its memory saving is not (the plan keeps the tensors: see
   * `recomputedModuleUnits`).
   */
  MLA_UP_PROJ = 'mla_up_proj',
}

/** How MoE tokens travel to their experts and back (Megatron-Core `--moe-token-dispatcher-type`). */
export enum ExpertDispatcher {
  /** NCCL all-to-all (`alltoall`, Megatron-Core's default): every token–expert assignment is sent on its own. */
  ALL_TO_ALL = 'alltoall',
  /**
   * DeepEP (`flex` with `--moe-enable-deepep`): a token goes once to each remote node holding one of its experts, over
   * RDMA, and is forwarded to those experts' GPUs over NVLink (DeepSeek-V3 technical report §3.2.2; deepseek-ai/DeepEP).
   */
  DEEPEP = 'deepep',
}

/** The training stack, which decides what is saved for backward and which parallelisms exist. */
export enum TrainingFramework {
  /** Megatron-Core / NeMo: tensor+sequence, pipeline, context and expert parallelism, fused kernels. */
  MEGATRON = 'megatron',
  /** PyTorch FSDP (ZeRO-style sharding over data-parallel ranks) on an eager Hugging Face-style model. */
  FSDP = 'fsdp',
  /** Hugging Face Transformers Trainer/Accelerate on eager PyTorch (DDP or DeepSpeed ZeRO). */
  HF = 'hf',
}
