"""Shared pytest fixtures."""

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# The real MNIST data, kept outside the project (never copied into it).
MNIST_DIR = REPO_ROOT.parent / "shared" / "data" / "mnist"             # the 10k test set
MNIST_FULL_DIR = REPO_ROOT.parent / "shared" / "data" / "mnist-full"   # 60k + 10k
_NEEDED = {
    "mnist": (MNIST_DIR, ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")),
    "mnist-full": (MNIST_FULL_DIR, ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                    "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")),
}


def missing_data():
    """{"mnist" | "mnist-full": why it is missing} for the shared data sets not found."""
    absent = {}
    for key, (folder, names) in _NEEDED.items():
        lacking = [n for n in names if not (folder / n).is_file()]
        if lacking:
            absent[key] = f"real MNIST not found in {folder} (expected {', '.join(lacking)})"
    return absent


def _shared(key):
    """The folder of a shared data set; a test without it is skipped — or fails under CI
    ($CI set), so CI can never pass while testing little."""
    why = missing_data().get(key)
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"{why}; CI must have the shared data", pytrace=False)
        pytest.skip(why)
    return _NEEDED[key][0]


@pytest.fixture
def shared_mnist_dir() -> Path:
    """The real MNIST test set (two t10k IDX files) at ../shared/data/mnist: 8,000 train / 2,000 test."""
    return _shared("mnist")


@pytest.fixture
def shared_mnist_full_dir() -> Path:
    """The whole real MNIST (60,000 + 10,000) at ../shared/data/mnist-full."""
    return _shared("mnist-full")


# -- slow tests: skipped by a plain `pytest`, run by `pytest --all` (what CI runs) ----------

def pytest_addoption(parser):
    parser.addoption("--all", action="store_true",
                     help="also run the slow tests (lessons on real digits, live TensorBoard)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--all") or config.getoption("-m"):
        return
    skip = pytest.mark.skip(reason="slow: run with `pytest --all` (CI does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


# -- a learner pressing Ctrl-C -------------------------------------------------------------

def interrupt_lesson(lesson, flags, env=None, timeout=120):
    """Run `python -m lessons.<lesson> *flags`, press Ctrl-C (SIGINT) as soon as it prints its
    first progress line ("epoch 1 ..."), and wait for it to end: (returncode, stdout, stderr).

    env: the whole environment (default: this one, with TFGRAPH_OFFLINE=1).
    """
    import signal
    import subprocess
    import sys
    proc = subprocess.Popen(
        [sys.executable, "-m", f"lessons.{lesson}", *flags], cwd=REPO_ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env if env is not None else {**os.environ, "TFGRAPH_OFFLINE": "1"},
        # a shell without job control starts background jobs with SIGINT ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        for line in proc.stdout:
            if line.startswith("epoch 1 "):          # training is under way
                proc.send_signal(signal.SIGINT)
                break
        out, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, out, err


# -- reading what a lesson wrote ------------------------------------------------------------

def load_events(run_dir):
    """An EventAccumulator over one TensorBoard run folder, with everything kept."""
    from tensorboard.backend.event_processing import event_accumulator as ea

    acc = ea.EventAccumulator(str(run_dir), size_guidance={
        ea.SCALARS: 0, ea.HISTOGRAMS: 0, ea.IMAGES: 0, ea.TENSORS: 0, ea.GRAPH: 0})
    acc.Reload()
    return acc


@pytest.fixture
def events():
    return load_events
