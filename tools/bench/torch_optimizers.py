"""Times PyTorch's optimizers (foreach=True) on the models `descent bench` uses, for `descent bench --compare FILE`.

Regenerate (Debian's python3-torch, PyTorch 1.13, one thread as `descent bench`'s default):

    /usr/bin/python3 tools/bench/torch_optimizers.py --threads 1 --out bench/pytorch.json
    dotnet run -c Release --project src/Descent.Lab -- bench --suite optimizers --compare bench/pytorch.json --out bench

The models match src/Descent.Lab/Bench/SyntheticParameters.cs: N float32 matrices (as near square as their size
allows) totalling P elements, each with a random gradient set once; step() is then called repeatedly, so only the
optimizer is timed. The timing rule matches BenchSettings.FullTiming: 3 untimed steps, then up to 20 timed ones,
stopping after 2 s once 3 are timed; the median is reported. Hyperparameters match OptimizerVariants.Default.
The output's format is "descent-bench-pytorch/1" (read by src/Descent.Lab/Bench/PyTorchTimings.cs).
"""

import argparse
import json
import math
import os
import platform
import statistics
import time

import torch

FORMAT = "descent-bench-pytorch/1"

# Family name (as in descent bench) -> factory over a parameter list; foreach=True everywhere.
OPTIMIZERS = {
    "SGD": lambda p: torch.optim.SGD(p, lr=1e-3, momentum=0.9, foreach=True),
    "Adam": lambda p: torch.optim.Adam(p, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, foreach=True),
    "AdamW": lambda p: torch.optim.AdamW(p, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, foreach=True),
    "RMSprop": lambda p: torch.optim.RMSprop(p, lr=1e-2, alpha=0.99, eps=1e-8, foreach=True),
    "Adagrad": lambda p: torch.optim.Adagrad(p, lr=1e-2, eps=1e-10, foreach=True),
}


def matrix_shape(size):
    """The most square factorization rows x columns = size with rows <= columns (as SyntheticParameters.MatrixShape)."""
    rows = math.isqrt(size)
    while rows > 1:
        if size % rows == 0:
            return rows, size // rows
        rows -= 1
    return 1, size


def synthetic_parameters(tensors, total, seed):
    generator = torch.Generator().manual_seed(seed)
    parameters = []
    for i in range(tensors):
        size = total // tensors + (1 if i < total % tensors else 0)
        shape = matrix_shape(size)
        p = torch.nn.Parameter(torch.randn(shape, generator=generator) * 0.02)
        p.grad = torch.randn(shape, generator=generator)
        parameters.append(p)
    return parameters


def quantile(sorted_values, q):
    """Linear interpolation between order statistics (numpy's default), as Measurement.Of."""
    position = q * (len(sorted_values) - 1)
    below = math.floor(position)
    above = min(below + 1, len(sorted_values) - 1)
    return sorted_values[below] + (position - below) * (sorted_values[above] - sorted_values[below])


def measure(step, warmup, repeats, min_repeats, budget):
    for _ in range(warmup):
        step()
    samples = []
    spent = 0.0
    while len(samples) < repeats and (len(samples) < min_repeats or spent < budget):
        start = time.perf_counter()
        step()
        seconds = time.perf_counter() - start
        samples.append(seconds)
        spent += seconds
    s = sorted(samples)
    return {
        "median_seconds": statistics.median(s),
        "q1_seconds": quantile(s, 0.25),
        "q3_seconds": quantile(s, 0.75),
        "min_seconds": s[0],
        "max_seconds": s[-1],
        "repeats": len(s),
        "warmup": warmup,
    }


def processor():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="pytorch.json", help="the JSON file to write")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    parser.add_argument("--quick", action="store_true", help="descent bench --quick's sizes: 1 and 10 tensors of 1e4")
    parser.add_argument("--warmup", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    if args.quick:
        counts, totals, warmup, repeats, min_repeats, budget = [1, 10], [10_000], 1, 3, 1, 0.2
    else:
        counts, totals, warmup, repeats, min_repeats, budget = [10, 100, 1000], [1_000_000, 10_000_000], 3, 20, 3, 2.0
    warmup = warmup if args.warmup is None else args.warmup
    repeats = repeats if args.repeats is None else args.repeats
    min_repeats = min(min_repeats, repeats)

    entries = []
    for total in totals:
        for tensors in counts:
            parameters = synthetic_parameters(tensors, total, seed=1)
            for family, create in OPTIMIZERS.items():
                optimizer = create(parameters)
                timing = measure(optimizer.step, warmup, repeats, min_repeats, budget)
                entries.append({"family": family, "tensors": tensors, "parameters": total, **timing})
                print(f"PyTorch {family}, {tensors} tensors, {total:.0e} parameters: "
                      f"{timing['median_seconds'] * 1e3:.3f} ms ({timing['repeats']} steps)", flush=True)
                del optimizer

    result = {
        "format": FORMAT,
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "foreach": True,
        "machine": {
            "processor": processor(),
            "logical_cores": os.cpu_count(),
            "os": platform.platform(),
            "python": platform.python_version(),
        },
        "settings": {"quick": args.quick, "warmup": warmup, "repeats": repeats, "min_repeats": min_repeats,
                     "budget_seconds": budget},
        "optimizers": entries,
    }
    directory = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(directory, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(f"Wrote {args.out}.")


if __name__ == "__main__":
    main()
