"""Shared pytest fixtures."""

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def shared_mnist_dir() -> Path:
    """The real MNIST test set (two t10k IDX files) kept outside the project, at ../shared/data/mnist."""
    folder = REPO_ROOT.parent / "shared" / "data" / "mnist"
    if not (folder / "t10k-images-idx3-ubyte.gz").is_file() or not (folder / "t10k-labels-idx1-ubyte.gz").is_file():
        pytest.skip(f"real MNIST test set not found in {folder} (expected t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz)")
    return folder


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
