"""Measure the two kernel families the training planner cannot price from published figures alone, on one GPU:

1. fused attention forward and backward (PyTorch SDPA, flash and cuDNN backends), causal, head dim 128, at call
   lengths 1k-128k: checks step-time.ts `attentionBackwardRatio` (backward time / forward time, FlashAttention-3
   paper figures) and the attention plateau (the planner uses 0.6 x BF16 peak);
2. MoE expert GEMMs as a grouped GEMM (torch._grouped_mm, one kernel for all local experts; and, for the host-launch
   cost, one torch.matmul per expert) at the expert shapes of Qwen3-30B-A3B, Qwen3-235B-A22B and DeepSeek-V3, forward
   (fc1 + fc2) and backward (data and weight gradients), 128-4096 tokens per expert: checks the compute-bound MoE rows
   the planner predicts 25-97% fast (test/planning/training/moe-accuracy.test.ts), and the permutation (index_select
   + index_add_) bandwidth behind MOE_ROUTING_OVERHEAD.

Written without a GPU (no device was lent to the session that wrote it): run it once, fix what breaks, then commit its
output as a fixture and compare. Each measurement is independent and records its error instead of stopping the run.

Run on the device machine:
  OUT=/some/dir PYTHONUNBUFFERED=1 python3 bench/gpu/measure_kernels.py [--quick]
Writes $OUT/kernels.jsonl (one JSON object per measurement) and $OUT/kernels-env.json. About 3 minutes on an H100/H200
(--quick: a third of the cases).

Timing: CUDA events around `iters` repetitions after `warmup` ones; the median of 5 such batches is reported.
FLOP counts: attention forward 4*b*s*s*heads*d/2 (causal), backward 2.5x forward (FlashAttention's own convention:
it recomputes the scores), as in flash-attention benchmarks/benchmark_flash_attention.py; a GEMM of m x k by k x n
does 2mkn.
"""
import json
import os
import statistics
import sys
import traceback

import torch
import torch.nn.functional as F

OUT = os.environ.get("OUT", "/tmp/aidc-kernels")
QUICK = "--quick" in sys.argv
DEV = "cuda"
DT = torch.bfloat16


def timed(fn, warmup=3, iters=10, batches=5):
    """Median seconds of one call of fn over `batches` batches of `iters` calls (CUDA events)."""
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    per_call = []
    for _ in range(batches):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(iters):
            fn()
        end.record()
        torch.cuda.synchronize()
        per_call.append(start.elapsed_time(end) / 1e3 / iters)
    return statistics.median(per_call)


def emit(record, sink):
    sink.write(json.dumps(record) + "\n")
    sink.flush()
    print(json.dumps(record))


def attention_cases():
    """(backend, length, batch): batch x length = 128k tokens, as the FlashAttention-3 paper's 16k x heads layout."""
    lengths = [1024, 4096, 16384, 65536] if QUICK else [1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072]
    for backend in ("flash", "cudnn"):
        for s in lengths:
            yield backend, s, max(1, 131072 // s)


def measure_attention(backend, s, b, heads=32, d=128):
    from torch.nn.attention import SDPBackend, sdpa_kernel
    which = {"flash": SDPBackend.FLASH_ATTENTION, "cudnn": SDPBackend.CUDNN_ATTENTION}[backend]
    q, k, v = (torch.randn(b, heads, s, d, device=DEV, dtype=DT, requires_grad=True) for _ in range(3))
    grad = torch.randn(b, heads, s, d, device=DEV, dtype=DT)
    with sdpa_kernel([which]):
        def forward():
            return F.scaled_dot_product_attention(q, k, v, is_causal=True)
        out = forward()

        def backward():
            torch.autograd.grad(out, (q, k, v), grad, retain_graph=True)
        iters = max(1, min(10, 8 * 16384 // s))
        fwd = timed(forward, iters=iters)
        bwd = timed(backward, iters=iters)
    flops = 4 * b * s * s * heads * d / 2
    return {
        "forwardSeconds": fwd, "backwardSeconds": bwd, "forwardTflops": flops / fwd / 1e12,
        "backwardTflops2p5": 2.5 * flops / bwd / 1e12, "backwardOverForward": bwd / fwd,
    }


# (model, hidden, expert width, local experts at the published EP): Hugging Face config.json of each model.
EXPERTS = [("qwen3-30b-a3b", 2048, 768, 16), ("qwen3-235b-a22b", 4096, 1536, 16), ("deepseek-v3", 7168, 2048, 4)]


def moe_cases():
    per_expert = [256, 1024, 4096] if QUICK else [128, 256, 512, 1024, 2048, 4096]
    for name, h, f, g in EXPERTS:
        for m in per_expert:
            yield name, h, f, g, m


def measure_grouped(h, f, g, m):
    """SwiGLU expert MLP of g local experts, m tokens each: fc1 (h -> 2f), fc2 (f -> h), forward and backward."""
    offs = torch.arange(1, g + 1, device=DEV, dtype=torch.int32) * m
    x = torch.randn(g * m, h, device=DEV, dtype=DT)
    w1 = torch.randn(g, h, 2 * f, device=DEV, dtype=DT) / h ** 0.5
    w2 = torch.randn(g, f, h, device=DEV, dtype=DT) / f ** 0.5
    a = torch.randn(g * m, f, device=DEV, dtype=DT)
    dy = torch.randn(g * m, h, device=DEV, dtype=DT)
    dz = torch.randn(g * m, 2 * f, device=DEV, dtype=DT)
    mm = torch._grouped_mm

    def forward():
        mm(x, w1, offs=offs)
        mm(a, w2, offs=offs)

    def backward():
        mm(dy, w2.transpose(-2, -1), offs=offs)          # fc2 data gradient
        mm(a.t(), dy, offs=offs)                           # fc2 weight gradient (2D x 2D, groups along m)
        mm(dz, w1.transpose(-2, -1), offs=offs)          # fc1 data gradient
        mm(x.t(), dz, offs=offs)                           # fc1 weight gradient
    return time_expert_mlp(forward, backward, h, f, g, m)


def time_expert_mlp(forward, backward, h, f, g, m):
    """Times an expert MLP's forward and backward GEMMs; FLOPs 2*g*m*h*3f forward, twice that backward."""
    fwd = timed(forward)
    bwd = timed(backward)
    flops_fwd = 2 * g * m * h * 3 * f
    return {"forwardSeconds": fwd, "backwardSeconds": bwd, "forwardTflops": flops_fwd / fwd / 1e12,
            "backwardTflops": 2 * flops_fwd / bwd / 1e12}


def measure_looped(h, f, g, m):
    """The same forward as one torch.matmul per expert: the host launches 2g GEMMs."""
    x = [torch.randn(m, h, device=DEV, dtype=DT) for _ in range(g)]
    a = [torch.randn(m, f, device=DEV, dtype=DT) for _ in range(g)]
    w1 = [torch.randn(h, 2 * f, device=DEV, dtype=DT) for _ in range(g)]
    w2 = [torch.randn(f, h, device=DEV, dtype=DT) for _ in range(g)]

    def forward():
        for i in range(g):
            torch.matmul(x[i], w1[i])
            torch.matmul(a[i], w2[i])
    fwd = timed(forward)
    return {"forwardSeconds": fwd, "forwardTflops": 2 * g * m * h * 3 * f / fwd / 1e12}


def measure_permutation(h, tokens, top_k=8):
    """Permute (gather each token once per chosen expert) and unpermute (sum the copies back): bytes moved per second."""
    x = torch.randn(tokens, h, device=DEV, dtype=DT)
    index = torch.randint(0, tokens, (tokens * top_k,), device=DEV)
    rows = torch.randn(tokens * top_k, h, device=DEV, dtype=DT)
    out = torch.zeros(tokens, h, device=DEV, dtype=torch.float32)
    permute = timed(lambda: x.index_select(0, index))
    unpermute = timed(lambda: out.index_add_(0, index, rows.float()))
    moved = 2 * tokens * top_k * h * 2  # read + write of every copied row, bf16
    return {"permuteSeconds": permute, "unpermuteSeconds": unpermute, "permuteGBps": moved / permute / 1e9}


def measure_dense(n=8192):
    """The chip's achievable dense BF16 rate on random data: the ceiling the fractions above are read against."""
    a, b = torch.randn(n, n, device=DEV, dtype=DT), torch.randn(n, n, device=DEV, dtype=DT)
    seconds = timed(lambda: a @ b)
    return {"seconds": seconds, "tflops": 2 * n ** 3 / seconds / 1e12}


def main():
    os.makedirs(OUT, exist_ok=True)
    props = torch.cuda.get_device_properties(0)
    env = {"device": props.name, "sms": props.multi_processor_count, "torch": torch.__version__,
           "cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version(), "quick": QUICK}
    with open(os.path.join(OUT, "kernels-env.json"), "w") as fh:
        json.dump(env, fh)
    print(json.dumps(env))
    with open(os.path.join(OUT, "kernels.jsonl"), "w") as sink:
        jobs = [("dense-gemm", dict(n=8192), measure_dense)]
        jobs += [("attention", dict(backend=bk, length=s, batch=b), lambda bk=bk, s=s, b=b: measure_attention(bk, s, b))
                for bk, s, b in attention_cases()]
        for name, h, f, g, m in moe_cases():
            jobs.append(("grouped-gemm", dict(model=name, hidden=h, width=f, experts=g, tokensPerExpert=m),
                         lambda h=h, f=f, g=g, m=m: measure_grouped(h, f, g, m)))
            if m in (256, 1024):
                jobs.append(("looped-gemm", dict(model=name, hidden=h, width=f, experts=g, tokensPerExpert=m),
                             lambda h=h, f=f, g=g, m=m: measure_looped(h, f, g, m)))
        for h in (2048, 4096, 7168):
            jobs.append(("permutation", dict(hidden=h, tokens=4096, topK=8), lambda h=h: measure_permutation(h, 4096)))
        run_jobs(jobs, sink)


def run_jobs(jobs, sink):
    """Runs (kind, case, fn) jobs, emitting each result or its error: one broken case must not cost the lease."""
    for kind, case, fn in jobs:
        try:
            emit({"kind": kind, **case, **fn()}, sink)
        except Exception as error:  # noqa: BLE001 - record and go on
            emit({"kind": kind, **case, "error": f"{type(error).__name__}: {error}",
                  "trace": traceback.format_exc(limit=3)}, sink)
        torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
