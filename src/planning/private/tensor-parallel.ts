/**
 * Largest tensor-parallel size the planners' searches try: one HGX board. The training step-time model's TP terms are
 * checked against runs at TP ≤ 8 only, and NVIDIA's own GB200 NVL72 presets keep TP ≤ 4 and give the rack to data,
 * pipeline and expert parallelism (Megatron-Bridge scripts/performance/configs); a fixed tensor-parallel size may still
 * use a whole NVLink domain that spans nodes (72 GPUs on GB200 NVL72).
 */
export const SEARCHED_TENSOR_PARALLEL_LIMIT = 8;
