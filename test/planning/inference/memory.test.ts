import { AttentionKind, FfnKind, GpuType, ModelSpec } from '../../../src/planning/catalog';
import { InferencePlanner, InferencePrecision, KvCacheDtype } from '../../../src/planning/inference';
import { activationPeakBytes, kvCapacity, weightBytes } from '../../../src/planning/inference/memory';
import { kvBytesPerTokenPerGpu, parameterBreakdown } from '../../../src/planning/inference/model-math';

const H100 = GpuType.of('h100-sxm-80gb');
const GiB = 2 ** 30;

describe('KV-cache bytes per token are exact', () => {
  // 2 × layers × kvHeads × headDim × 2 B (bf16); configs from each model's Hugging Face config.json.
  test.each([
    ['llama-3.1-8b', 2 * 32 * 8 * 128 * 2], // 131,072 B
    ['llama-3.1-70b', 2 * 80 * 8 * 128 * 2], // 327,680 B
    ['llama-3.1-405b', 2 * 126 * 8 * 128 * 2], // 516,096 B
    ['llama-2-13b', 2 * 40 * 40 * 128 * 2], // 819,200 B (MHA)
    ['mistral-7b', 2 * 32 * 8 * 128 * 2], // 131,072 B (window caps tokens, not bytes per token)
    ['deepseek-v3', 61 * (512 + 64) * 2], // 70,272 B: MLA latent + rope key, DeepSeek-V2 Table 1
  ])('%s in bf16 needs %d bytes per token', (id, bytes) => {
    const plan = InferencePlanner.plan({ model: ModelSpec.of(id), gpu: GpuType.of('h200-141gb'), precision: InferencePrecision.FP8, maxModelLen: 4096 });
    expect(plan.kvCacheBytesPerToken).toBe(bytes);
  });

  test('an fp8 KV cache halves the bytes per token', () => {
    const plan = InferencePlanner.plan({ model: ModelSpec.of('llama-3.1-8b'), gpu: H100, kvCacheDtype: KvCacheDtype.FP8 });
    expect(plan.kvCacheBytesPerToken).toBe(65536);
  });

  test('OPT-13B needs 800 KB per token, as in the vLLM paper', () => {
    // Kwon et al. 2023, "Efficient Memory Management for LLM Serving with PagedAttention", §3:
    // "2 (key and value vectors) × 5120 (hidden state size) × 40 (number of layers) × 2 (bytes per FP16)" = 800 KB.
    const opt13b = ModelSpec.custom({
      id: 'opt-13b', name: 'OPT-13B', layers: 40, hiddenSize: 5120, attentionHeads: 40, kvHeads: 40, ffnHiddenSize: 20480,
      ffnKind: FfnKind.GELU, vocabSize: 50272, tiedEmbeddings: true, attentionKind: AttentionKind.MHA, maxPositionEmbeddings: 2048,
      source: 'Zhang et al. 2022 (OPT) Table 1',
    });
    expect(opt13b.kvCacheBytesPerToken(2)).toBe(800 * 1024);
  });

  test('tensor parallelism splits KV heads and replicates them when tp exceeds the KV heads', () => {
    const m = ModelSpec.of('llama-3.1-8b'); // 8 KV heads
    expect(kvBytesPerTokenPerGpu(m, 2, 4, 1)).toBe(m.kvCacheBytesPerToken(2) / 4);
    const twoKv = ModelSpec.custom({ ...m, id: 'two-kv', kvHeads: 2, source: 'test' } as any);
    expect(kvBytesPerTokenPerGpu(twoKv, 2, 8, 1)).toBe(2 * 32 * 1 * 128 * 2); // one replicated head per rank
    expect(kvBytesPerTokenPerGpu(ModelSpec.of('deepseek-v3'), 2, 8, 1)).toBe(70272); // MLA latent on every rank
  });
});

describe('weight bytes by precision', () => {
  test('Llama 3.1 70B in bf16 is about 141 GB', () => {
    // 70.6 B parameters × 2 bytes = 141.2 GB (kaitchup.substack.com "Run Llama 3.1 70B Instruct on your GPU"); tolerance 1%.
    expect(weightBytes(ModelSpec.of('llama-3.1-70b'), InferencePrecision.BF16, 1, 1).totalBytes / 1e9).toBeCloseTo(141.2, -0.3);
  });

  test('Llama 3.1 70B in int4 AWQ is about 40 GB: 4.16 bits per block weight plus bf16 embeddings', () => {
    // Linear weights × (0.5 + 2.5/128) B + embeddings and lm_head (2 × 128256 × 8192 × 2 B = 4.2 GB) in bf16.
    // Published: "70B × 0.5 byte = 35GB (+ overhead ≈ 40GB total)" (amtocsoft.blogspot.com/2026/04/llm-quantization-in-2026-run-70b-models.html);
    // lower bound 70.6e9 × 0.5 B = 35.3 GB (kaitchup, above). Tolerance 5% of 40 GB.
    const p = parameterBreakdown(ModelSpec.of('llama-3.1-70b'));
    const bytes = weightBytes(ModelSpec.of('llama-3.1-70b'), InferencePrecision.INT4, 1, 1).totalBytes;
    expect(bytes).toBeCloseTo(p.shardedLinear * (0.5 + 2.5 / 128) + (p.embedding + p.lmHead + p.replicatedOther) * 2, 0);
    expect(bytes / 1e9).toBeGreaterThan(35.3);
    expect(Math.abs(bytes / 1e9 - 40) / 40).toBeLessThan(0.05);
  });

  test.each([
    [InferencePrecision.FP8, 1], [InferencePrecision.INT8, 1],
  ])('%s stores one byte per block weight', (precision, b) => {
    const m = ModelSpec.of('llama-3.1-8b');
    const p = parameterBreakdown(m);
    expect(weightBytes(m, precision, 1, 1).totalBytes).toBe(p.shardedLinear * b + (p.embedding + p.lmHead + p.replicatedOther) * 2);
  });

  test('the breakdown adds up to the catalog parameter count', () => {
    for (const id of ['llama-3.1-8b', 'mixtral-8x7b', 'deepseek-v3', 'qwen2.5-7b']) {
      const m = ModelSpec.of(id);
      expect(parameterBreakdown(m).total).toBeCloseTo(m.parameterCount(), -3);
    }
  });
});

describe('KV capacity matches vLLM start-up logs', () => {
  test('Llama 3.1 405B FP8 on 8×H100 at 0.9 holds about 79,392 tokens (vLLM issue #6746)', () => {
    // github.com/vllm-project/vllm/issues/6746 (vLLM 0.5.3, 2024-07-24): "Loading model weights took 57.7520 GB" per rank
    // (vLLM prints GiB) and "maximum number of tokens that can be stored in KV cache (79392)", default
    // gpu_memory_utilization 0.9, max_model_len 131072 = max_num_batched_tokens (chunked prefill off), max_num_seqs 256.
    // H100 80GB: CUDA reports 79.11 GiB total ("GPU 0 has a total capacity of 79.11 GiB" in PyTorch OOM messages).
    // Tolerance 10%: the activation peak is modelled, not measured.
    const m = ModelSpec.of('llama-3.1-405b');
    const act = activationPeakBytes(m, 8, 131072, 256);
    const cap = kvCapacity({
      model: m, memoryBytes: 79.11 * GiB, gpuMemoryUtilization: 0.9, weightsBytesPerGpu: 57.752 * GiB,
      activationBytesPerGpu: act, kvBytesPerElement: 2, tp: 8, pp: 1,
    });
    expect(Math.abs(cap.kvTokens - 79392) / 79392).toBeLessThan(0.1);
  });
});

describe('concurrency', () => {
  test('a sliding window caps the KV tokens one Mistral 7B sequence holds', () => {
    const at32k = InferencePlanner.plan({ model: ModelSpec.of('mistral-7b'), gpu: H100, evaluationPoint: { batch: 1, contextTokens: 32768 } });
    const at4k = InferencePlanner.plan({ model: ModelSpec.of('mistral-7b'), gpu: H100, evaluationPoint: { batch: 1, contextTokens: 4096 } });
    expect(at32k.maxConcurrentSequences).toBe(at4k.maxConcurrentSequences);
    expect(at4k.maxConcurrentSequences).toBe(Math.floor(at4k.kvCacheTokens / 4096));
  });

  test('KV tokens are whole 16-token blocks and the KV bytes add up', () => {
    const plan = InferencePlanner.plan({ model: ModelSpec.of('llama-3.1-70b'), gpu: H100 });
    expect(plan.kvCacheTokens % 16).toBe(0);
    // 8 KV heads over tp GPUs: each GPU holds 1/tp of every token's KV.
    expect(plan.memory.kvCacheBytes).toBe(plan.kvCacheTokens * plan.kvCacheBytesPerToken);
  });
});
