"""Measure peak GPU memory and step time of single-GPU training steps of randomly initialised
Llama-architecture models with Hugging Face Transformers (the planner's `hf` profile).

Run on the device machine (one H100 80GB):
  OUT=/some/dir python3 bench/gpu/measure_training.py [--cases grid|boundary|all] [--part N/M]
(the committed fixture was taken twice: with the default caching allocator, and with
PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True, which each result records as `allocConf`).
Writes $OUT/training.jsonl (one JSON object per case) and $OUT/env.json.

Method, per case, each in a fresh forked process (its own CUDA context, caching allocator and peak counters):
  - model: transformers LlamaForCausalLM(LlamaConfig(...)) with the catalog's shape, attn_implementation="sdpa",
    use_cache=False, random init on the GPU, train mode;
  - precision `fp32-amp`: fp32 weights, forward (model + loss) under torch.autocast("cuda", bfloat16), as the HF
    Trainer does with bf16=True on an fp32 model; `bf16-pure`: weights cast to bfloat16, no autocast;
  - recompute `full`: model.gradient_checkpointing_enable(use_reentrant=False) (one checkpoint per decoder layer);
  - optimizer: torch.optim.AdamW(fused=True) (the Trainer's `adamw_torch_fused`), zero_grad(set_to_none=True);
  - input: random token ids, labels = input ids (the model shifts them), b sequences of s tokens;
  - 4 steps (forward and backward of `ga` micro-batches, default 1, then the optimizer step); step 1 creates the Adam states; peak counters are reset after
    model creation, so `peakAllocatedBytes` / `peakReservedBytes` cover all 4 steps;
  - `driverBytes` = device memory in use (cudaMemGetInfo) minus PyTorch's reserved bytes after the steps: the CUDA
    context, cuBLAS/cuDNN handles and kernel images; peak device use = driverBytes + peakReservedBytes;
  - step time = median of steps 2–4 (cuda.synchronize around each step, host clock);
  - an out-of-memory error at any point is recorded with the phase it happened in.
"""
import gc
import json
import os
import statistics
import sys
import time
import traceback

os.environ.setdefault("PYTORCH_NVML_BASED_CUDA_CHECK", "1")  # keep the parent free of CUDA so it can fork

import torch  # noqa: E402

OUT = os.environ.get("OUT", "/tmp/aidc-measure")

# Shapes of the catalog models (src/planning/catalog), as in their Hugging Face config.json files.
MODELS = {
    "llama-3.2-1b": dict(hidden_size=2048, intermediate_size=8192, num_hidden_layers=16, num_attention_heads=32,
                         num_key_value_heads=8, head_dim=64, vocab_size=128256, tie_word_embeddings=True),
    "llama-3.2-3b": dict(hidden_size=3072, intermediate_size=8192, num_hidden_layers=28, num_attention_heads=24,
                         num_key_value_heads=8, head_dim=128, vocab_size=128256, tie_word_embeddings=True),
    "llama-3.1-8b": dict(hidden_size=4096, intermediate_size=14336, num_hidden_layers=32, num_attention_heads=32,
                         num_key_value_heads=8, head_dim=128, vocab_size=128256, tie_word_embeddings=False),
    "llama-2-7b": dict(hidden_size=4096, intermediate_size=11008, num_hidden_layers=32, num_attention_heads=32,
                       num_key_value_heads=32, head_dim=128, vocab_size=32000, tie_word_embeddings=False),
}


def cases():
    """The measured grid, most informative first."""
    out = []
    for model, shapes in [
        ("llama-3.2-1b", [(1, 2048), (2, 4096), (1, 16384), (4, 8192)]),
        ("llama-3.1-8b", [(1, 1024), (1, 4096), (2, 4096)]),
        ("llama-3.2-3b", [(1, 2048), (1, 8192), (2, 8192)]),
        ("llama-2-7b", [(1, 2048), (4, 4096)]),
    ]:
        for precision in ("bf16-pure", "fp32-amp"):
            if precision == "fp32-amp" and model in ("llama-3.1-8b", "llama-2-7b"):
                # 16 bytes/parameter alone exceed 80 GB: one no-fit case each.
                out.append(dict(model=model, precision=precision, recompute="full", b=1, s=1024))
                continue
            for recompute in ("none", "full"):
                for b, s in shapes:
                    out.append(dict(model=model, precision=precision, recompute=recompute, b=b, s=s))
    return out


# Cases whose predicted peak lies near the 80 GB of the card (72–86 GiB by the planner, the fit boundary).
BOUNDARY = [
    ("llama-3.2-1b", "fp32-amp", "none", 1, 16384), ("llama-3.2-1b", "fp32-amp", "full", 4, 8192),
    ("llama-3.2-1b", "bf16-pure", "full", 2, 24576), ("llama-3.2-1b", "fp32-amp", "full", 2, 20480),
    ("llama-3.2-3b", "bf16-pure", "none", 1, 12288), ("llama-3.2-3b", "fp32-amp", "none", 1, 5120),
    ("llama-3.2-3b", "fp32-amp", "none", 1, 6144), ("llama-3.2-3b", "fp32-amp", "full", 1, 20480),
    ("llama-3.2-3b", "fp32-amp", "full", 1, 24576), ("llama-3.1-8b", "bf16-pure", "full", 1, 16384),
    ("llama-3.1-8b", "bf16-pure", "full", 1, 20480), ("llama-3.1-8b", "bf16-pure", "none", 2, 2048),
    ("llama-3.1-8b", "bf16-pure", "none", 1, 5120), ("llama-2-7b", "bf16-pure", "none", 1, 6144),
    ("llama-2-7b", "bf16-pure", "full", 4, 16384),
]


def as_cases(rows, **extra):
    """(model, precision, recompute, b, s) rows as case dicts."""
    return [dict(model=m, precision=p, recompute=r, b=b, s=s, **extra) for m, p, r, b, s in rows]


def boundary_cases():
    return as_cases(BOUNDARY)


# Gradient accumulation: gradients of the first micro-batches stay alive through the later ones.
ACCUMULATION = [
    ("llama-3.2-1b", "bf16-pure", "none", 1, 8192, 2), ("llama-3.2-1b", "fp32-amp", "full", 2, 4096, 4),
    ("llama-3.2-3b", "fp32-amp", "none", 1, 2048, 2), ("llama-3.2-3b", "bf16-pure", "none", 1, 8192, 2),
    ("llama-3.1-8b", "bf16-pure", "full", 1, 4096, 2), ("llama-3.1-8b", "bf16-pure", "none", 1, 2048, 2),
    ("llama-3.1-8b", "bf16-pure", "none", 1, 4096, 2), ("llama-2-7b", "bf16-pure", "none", 1, 2048, 2),
]


# PyTorch FSDP2 (`fully_shard` on every decoder layer and on the model) in a one-rank NCCL group: the `fsdp`
# profile's all-gather buffers and sharded gradients, with nothing to shard them over.
FSDP = [
    ("llama-3.2-1b", "bf16-pure", "none", 1, 4096), ("llama-3.2-1b", "fp32-amp", "none", 1, 4096),
    ("llama-3.2-3b", "bf16-pure", "full", 1, 8192), ("llama-3.2-3b", "fp32-amp", "full", 2, 4096),
    ("llama-3.1-8b", "bf16-pure", "full", 1, 4096), ("llama-3.1-8b", "bf16-pure", "none", 1, 2048),
    ("llama-2-7b", "bf16-pure", "none", 1, 2048),
]


# One H200 141GB, out of sample (the hf profile was fitted on H100 runs only): cases whose predicted peak lies near
# the card's 140.4 GiB, each predicted by the planner before it was measured.
H200 = [
    ("llama-3.1-8b", "fp32-amp", "full", 1, 4096), ("llama-3.1-8b", "fp32-amp", "none", 1, 2048),
    ("llama-3.1-8b", "fp32-amp", "full", 1, 16384), ("llama-3.1-8b", "fp32-amp", "none", 1, 4096),
    ("llama-3.1-8b", "fp32-amp", "none", 1, 8192), ("llama-3.1-8b", "bf16-pure", "none", 1, 12288),
    ("llama-3.1-8b", "bf16-pure", "none", 1, 16384), ("llama-3.2-3b", "fp32-amp", "none", 1, 16384),
    ("llama-3.2-3b", "fp32-amp", "none", 1, 20480), ("llama-3.2-3b", "bf16-pure", "none", 1, 24576),
    ("llama-3.2-3b", "bf16-pure", "none", 1, 28672), ("llama-2-7b", "bf16-pure", "none", 1, 16384),
    ("llama-2-7b", "bf16-pure", "none", 1, 20480), ("llama-2-7b", "fp32-amp", "none", 1, 4096),
    ("llama-2-7b", "fp32-amp", "none", 1, 6144), ("llama-3.2-1b", "fp32-amp", "none", 1, 32768),
    ("llama-3.2-1b", "fp32-amp", "none", 1, 40960),
]


def h200_cases():
    return as_cases(H200)


def fsdp_cases():
    return as_cases(FSDP, framework="fsdp")


def accumulation_cases():
    return [dict(model=m, precision=p, recompute=r, b=b, s=s, ga=ga) for m, p, r, b, s, ga in ACCUMULATION]


def run_case(case, result):
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.cuda.init()
    free0, total = torch.cuda.mem_get_info()
    result["deviceTotalBytes"] = total
    result["freeAtStartBytes"] = free0
    b, s, ga = case["b"], case["s"], case.get("ga", 1)
    amp = case["precision"] == "fp32-amp"
    dtype = torch.float32 if amp else torch.bfloat16
    cfg = LlamaConfig(**MODELS[case["model"]], max_position_embeddings=max(8192, s), attn_implementation="sdpa",
                      use_cache=False, attention_dropout=0.0)
    result["phase"] = "init"
    torch.set_default_dtype(dtype)
    with torch.device("cuda"):
        model = LlamaForCausalLM(cfg)
    torch.set_default_dtype(torch.float32)
    model.to(dtype)
    model.train()
    if case["recompute"] == "full":
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    if case.get("framework") == "fsdp":
        import random
        import torch.distributed as dist
        from torch.distributed.fsdp import fully_shard
        dist.init_process_group("nccl", init_method=f"tcp://127.0.0.1:{random.randint(20000, 60000)}", rank=0, world_size=1,
                                device_id=torch.device("cuda", 0))
        for layer in model.model.layers:
            fully_shard(layer)
        fully_shard(model)
    result["params"] = sum(p.numel() for p in model.parameters())
    result["paramDtype"] = str(next(model.parameters()).dtype)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5, fused=True)
    gc.collect()
    torch.cuda.empty_cache()
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    result["weightsAllocatedBytes"] = torch.cuda.memory_allocated()
    ids = torch.randint(0, cfg.vocab_size, (b, s), device="cuda")
    times = []
    for step in range(4):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        for micro in range(ga):
            result["phase"] = f"forward{step + 1}"
            before = torch.cuda.memory_allocated()
            if amp:
                with torch.autocast("cuda", dtype=torch.bfloat16):
                    loss = model(input_ids=ids, labels=ids).loss / ga
            else:
                loss = model(input_ids=ids, labels=ids).loss / ga
            after = torch.cuda.memory_allocated()
            if step == 1 and micro == 0:
                result["allocatedBeforeForwardBytes"] = before
                result["savedForBackwardBytes"] = after - before
            result["phase"] = f"backward{step + 1}"
            loss.backward()
            del loss
        if step == 1:
            result["allocatedAfterBackwardBytes"] = torch.cuda.memory_allocated()
        result["phase"] = f"optimizer{step + 1}"
        opt.step()
        opt.zero_grad(set_to_none=True)
        torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
        if step == 0:
            result["firstStepPeakAllocatedBytes"] = torch.cuda.max_memory_allocated()
    result["phase"] = "done"
    result["peakAllocatedBytes"] = torch.cuda.max_memory_allocated()
    result["peakReservedBytes"] = torch.cuda.max_memory_reserved()
    free1, _ = torch.cuda.mem_get_info()
    result["driverBytes"] = total - free1 - torch.cuda.memory_reserved()
    result["stepSeconds"] = statistics.median(times[1:])
    result["stepSecondsAll"] = times
    result["tokensPerSecond"] = ga * b * s / result["stepSeconds"]
    result["fits"] = True
    if case.get("framework") == "fsdp":
        import torch.distributed as dist
        dist.destroy_process_group()


def child(case, path):
    result = dict(case, allocConf=os.environ.get("PYTORCH_CUDA_ALLOC_CONF", ""))
    try:
        run_case(case, result)
    except torch.OutOfMemoryError as e:
        result["fits"] = False
        result["oomPhase"] = result.get("phase")
        result["error"] = str(e).splitlines()[0][:300]
    except Exception as e:  # noqa: BLE001 - recorded, not swallowed
        result["fits"] = None
        result["error"] = "".join(traceback.format_exception_only(type(e), e))[:500]
        result["trace"] = traceback.format_exc()[-2000:]
    with open(path, "w") as f:
        json.dump(result, f)
    f = None
    os._exit(0)


def run_isolated(case, use_fork):
    """Runs one case in a forked child (fast) or a fresh interpreter; returns its result."""
    path = os.path.join(OUT, "case.tmp.json")
    if os.path.exists(path):
        os.remove(path)
    if use_fork:
        pid = os.fork()
        if pid == 0:
            child(case, path)
        deadline = time.time() + 150
        status = None
        while time.time() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.2)
        else:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
    else:
        import subprocess
        try:
            status = subprocess.run([sys.executable, __file__, "--one", json.dumps(case), path], timeout=180).returncode
        except subprocess.TimeoutExpired:
            status = "timeout"
    if os.path.exists(path):
        with open(path) as f:
            result = json.load(f)
        os.remove(path)
        return result
    return dict(case, fits=None, error=f"child died (status {status})")


def environment():
    import transformers
    env = {"torch": torch.__version__, "transformers": transformers.__version__, "python": sys.version.split()[0]}
    try:
        from transformers import TrainingArguments
        env["trainerDefaultOptim"] = str(TrainingArguments.__dataclass_fields__["optim"].default)
    except Exception as e:  # noqa: BLE001
        env["trainerDefaultOptim"] = f"unknown: {e}"
    return env


def main():
    os.makedirs(OUT, exist_ok=True)
    part, parts = 1, 1
    if "--part" in sys.argv:
        part, parts = map(int, sys.argv[sys.argv.index("--part") + 1].split("/"))
    budget = float(os.environ.get("BUDGET_SECONDS", "520"))
    env = environment()
    import transformers.models.llama.modeling_llama  # noqa: F401 - imported before fork so children start fast
    grid = {"grid": cases, "boundary": boundary_cases, "accumulation": accumulation_cases, "fsdp": fsdp_cases, "h200": h200_cases,
            "all": lambda: boundary_cases() + cases()}
    which = sys.argv[sys.argv.index("--cases") + 1] if "--cases" in sys.argv else "grid"
    todo = [c for i, c in enumerate(grid[which]()) if i % parts == part - 1]
    start = time.time()
    with open(os.path.join(OUT, "env.json"), "w") as f:
        json.dump(env, f)
    print(json.dumps(env), flush=True)
    use_fork = not torch.cuda.is_initialized()
    for case in todo:
        if time.time() - start > budget:
            print("budget spent; stopping before", case, flush=True)
            break
        result = run_isolated(case, use_fork)
        if use_fork and result.get("fits") is None and "initiali" in result.get("error", ""):
            print("forked child could not initialise CUDA; one process per case from now on", flush=True)
            use_fork = False
            result = run_isolated(case, use_fork)
        result["wallSeconds"] = round(time.time() - start, 1)
        with open(os.path.join(OUT, "training.jsonl"), "a") as f:
            f.write(json.dumps(result) + "\n")
        gib = 2 ** 30
        print(f"{case['model']:13} {case['precision']:9} rc={case['recompute']:4} b={case['b']} s={case['s']:5} "
              f"fits={result.get('fits')} peakAlloc={result.get('peakAllocatedBytes', 0) / gib:6.2f} "
              f"peakRes={result.get('peakReservedBytes', 0) / gib:6.2f} drv={result.get('driverBytes', 0) / gib:4.2f} "
              f"step={result.get('stepSeconds', 0):.3f}s {result.get('oomPhase', '')} {result.get('error', '')[:120]}",
              flush=True)


if __name__ == "__main__":
    if "--one" in sys.argv:
        i = sys.argv.index("--one")
        child(json.loads(sys.argv[i + 1]), sys.argv[i + 2])
    main()
