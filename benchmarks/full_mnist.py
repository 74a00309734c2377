"""The README's full-MNIST table, measured on this machine: each lesson's defaults on the whole
of MNIST (55,000 training + 5,000 validation / 10,000 test images), seed 0.

Runs, each exactly as a learner runs it (`main` with only --data-dir and --logdir):

  mnist_softmax      5 epochs of batch 100, SGD 0.5
  mnist_dense        20 epochs of batch 10, SGD 0.01
  going_deep         10 epochs of batch 100, Adam 0.001 x 0.7 per epoch
  transfer_learning  its base (2 epochs on digits 0-4), then 12 small trainings on digits 5-9

and prints, for each, the test accuracy, the digits it gets wrong, the whole run's wall time
and CPU seconds and, where the lesson reports it, training alone; for transfer_learning its
table of accuracies. `tests/test_full_mnist.py` holds floors under the softmax and dense
figures and going_deep's first 4 epochs; this script measures the rest (the whole of
going_deep takes minutes too many for the test suite's budget).

    python benchmarks/full_mnist.py                              # everything, ~15 min on 2 cores
    python benchmarks/full_mnist.py mnist_softmax going_deep     # chosen lessons

The data: --data-dir (default ../shared/data/mnist-full). The figures are only as quiet as the
machine: the load average before and after is printed.
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

from lessons import going_deep, mnist_dense, mnist_softmax, transfer_learning  # noqa: E402
from tfgraph.support.errors import UserError  # noqa: E402

TEST_IMAGES = 10_000     # MNIST's test set
LESSONS = {"mnist_softmax": mnist_softmax, "mnist_dense": mnist_dense,
           "going_deep": going_deep, "transfer_learning": transfer_learning}


def load():
    with contextlib.suppress(OSError):
        return " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "unknown"


def measure(lesson, data_dir, logdir):
    """The lesson's defaults on `data_dir`: (its result, wall seconds, CPU seconds)."""
    started, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        result = lesson.main(["--data-dir", str(data_dir), "--logdir", str(logdir)])
    return result, time.perf_counter() - started, time.process_time() - cpu


def describe(name, result, wall, cpu):
    if name == "transfer_learning":
        base = result["base_result"]["test_accuracy"]
        lines = [f"{name:<18} base on digits 0-4: {base:.4f}; whole run {wall:.0f} s wall, "
                 f"{cpu:.0f} CPU-s",
                 "  images per digit: " + ", ".join(map(str, result["by_size"]))]
        for size, row in result["by_size"].items():
            cells = ", ".join(f"{variant} {r['accuracy']:.4f}" for variant, r in row.items())
            lines.append(f"  {size:>4}: {cells}")
        return "\n".join(lines)
    line = (f"{name:<18} test accuracy {result['test_accuracy']:.4f} "
            f"({round((1 - result['test_accuracy']) * TEST_IMAGES)} wrong of {TEST_IMAGES:,}), "
            f"{result['steps']:,} steps; "
            f"whole run {wall:.0f} s wall, {cpu:.0f} CPU-s")
    if "training_seconds" in result:
        line += (f"; training {result['training_seconds']:.0f} s wall, "
                 f"{result['training_cpu_seconds']:.0f} CPU-s")
    return line


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("lessons", nargs="*", metavar="LESSON",
                   help=f"lessons to measure, of {', '.join(LESSONS)} (default: all four)")
    p.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data" / "mnist-full"))
    args = p.parse_args(argv)
    unknown = [name for name in args.lessons if name not in LESSONS]
    if unknown:
        p.error(f"unknown lesson {unknown[0]!r}; choose from {', '.join(LESSONS)}")
    chosen = args.lessons or list(LESSONS)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"load average {load()}; data {args.data_dir}")
    with tempfile.TemporaryDirectory() as logdir:
        for name in chosen:
            try:
                result, wall, cpu = measure(LESSONS[name], args.data_dir, logdir)
            except UserError as e:          # no data there: one line, as the lessons say it
                print(f"full_mnist.py: error: {e}", file=sys.stderr)
                sys.exit(2)
            print(describe(name, result, wall, cpu), flush=True)
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
