"""Does a cluster of processes train faster than one process? Lesson distributed against
lesson mnist_dense, on this machine.

Trains the same network (784 -> 256 -> 10, ReLU), with the same defaults (epochs, batch size,
learning rate) on the same data, four ways, each the lesson exactly as a learner runs it:

  mnist_dense         one process, one session (the lesson's own loop)
  1 worker            lesson distributed --workers 1: a ps process and one worker process
  2 workers           lesson distributed (default): a ps and two workers, asynchronous SGD
  2 workers --sync    the same with SyncReplicasOptimizer

and prints, for each, examples per second (mnist_dense: its average over the run, evaluation
included; the cluster: all examples over the chief's time from its first step until every
worker is done, evaluation included), each worker's own speed, the test accuracy and the wall
time of the whole command (process start-up included). It also prints what every step sends
over the network: a worker reads every weight from the ps and sends a gradient for every
weight back.

    python benchmarks/distributed_speed.py                  # the lessons' defaults, ~4 min
    python benchmarks/distributed_speed.py --epochs 2       # a quick look

The data: --data-dir (default ../shared/data/mnist, the real 10k test set split 8,000/2,000).
The figures are only as quiet as the machine: the load average before and after is printed.
"""

import argparse
import contextlib
import io
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lessons import distributed, mnist_dense  # noqa: E402  (after the path is set)
from tfgraph.support import report  # noqa: E402

BYTES_PER_FLOAT = 4


def parameters(hidden, inputs=784, classes=10):
    """Weights and biases of the dense network: what a worker reads and updates per step."""
    return inputs * hidden + hidden + hidden * classes + classes


def load():
    with contextlib.suppress(OSError):
        return " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "unknown"


def quietly(main, flags):
    """Run a lesson's main, its output kept out of the report; returns (result, seconds)."""
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        result = main(flags)
    return result, time.perf_counter() - started


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data" / "mnist")
    p.add_argument("--epochs", type=int, default=mnist_dense.EPOCHS)
    p.add_argument("--batch-size", type=int, default=mnist_dense.BATCH_SIZE)
    p.add_argument("--ways", nargs="+", default=["mnist_dense", "1", "2", "2sync"],
                   help="mnist_dense, N (workers), Nsync")
    args = p.parse_args(argv)

    hidden = mnist_dense.HIDDEN
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; load average (1/5/15 min) before: {load()}")
    print(f"Data: {args.data_dir}; {args.epochs} epochs, batch {args.batch_size}, "
          f"learning rate {mnist_dense.LEARNING_RATE}, hidden {hidden}\n")
    common = ["--data-dir", str(args.data_dir), "--epochs", str(args.epochs),
              "--batch-size", str(args.batch_size)]
    rows = []
    with tempfile.TemporaryDirectory() as logdir:
        for way in args.ways:
            flags = [*common, "--logdir", logdir]
            if way == "mnist_dense":
                result, seconds = quietly(mnist_dense.main, flags)
                rows.append((way, result["examples_per_second"], {}, result["test_accuracy"],
                             seconds, result["steps"]))
            else:
                workers = int(way.removesuffix("sync"))
                sync = way.endswith("sync")
                flags += ["--workers", str(workers), *(["--sync"] if sync else [])]
                result, seconds = quietly(distributed.main, flags)
                speeds = result["examples_per_second"]
                rows.append((f"{workers} worker{'s' if workers > 1 else ''}"
                             f"{' --sync' if sync else ''}", speeds["cluster"],
                             {k: v for k, v in speeds.items() if k != "cluster"},
                             result["test_accuracy"], seconds, result["global_step"]))
            print(f"  {rows[-1][0]} done in {seconds:.0f} s", flush=True)

    table = [(way, rate, " + ".join(f"{v:,.0f}" for v in per_worker.values() if v) or "-",
              accuracy, updates, seconds)
             for way, rate, per_worker, accuracy, seconds, updates in rows]
    print("\n" + report.table(table, header=("way", "examples/s", "per worker", "test acc.",
                                             "updates", "wall s"),
                              formats=("", ",.0f", "", ".4f", ",", ".0f"), indent=""))
    print(f"\nLoad average after: {load()}")

    n = parameters(hidden)
    per_step = 2 * n * BYTES_PER_FLOAT
    print(f"\nNetwork traffic of one worker's step: {n:,} weights and biases read from the "
          f"ps and {n:,} gradients sent back, 2 x {n:,} x 4 bytes = "
          f"{per_step / 1e6:.2f} MB, whatever the batch size "
          f"({per_step / args.batch_size / 1e3:.0f} kB per example at batch {args.batch_size}).")
    for name, bytes_per_second in (("1 Gbit/s", 125e6), ("10 Gbit/s", 1.25e9)):
        steps = bytes_per_second / per_step
        print(f"  a ps behind {name} serves at most {steps:,.0f} steps/s in all workers "
              f"together: {steps * args.batch_size:,.0f} examples/s at batch "
              f"{args.batch_size} (computed, not measured)")


if __name__ == "__main__":
    main()
