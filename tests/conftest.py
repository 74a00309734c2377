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
