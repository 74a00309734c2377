"""Lesson tensorboard: the learning-rate sweep scores every epoch, even one that is a single traced batch."""

from pathlib import Path

import numpy as np
import pytest
from conftest import write_mnist_idx

from lessons import tensorboard


@pytest.mark.parametrize("epochs", [1, 2])
def test_tensorboard_sweep_scores_every_epoch_when_one_batch_is_the_epoch(tmp_path, epochs,
                                                                          events):
    # 20 examples at batch 20: step 1, the traced step, is the whole of epoch 1.
    data = tmp_path / "data"
    write_mnist_idx(data, n_train=30, n_test=20)          # 27 train (3 validate), 20 test
    result = tensorboard.main(["--data-dir", str(data), "--logdir", str(tmp_path / "logs"),
                               "--train-size", "20", "--batch-size", "20",
                               "--epochs", str(epochs), "--hidden", "8",
                               "--learning-rates", "0.1", "--summary-every", "1000"])
    (trial,) = result["trials"]
    assert 0.0 <= trial["test_accuracy"] <= 1.0 and np.isfinite(trial["train_loss"])
    test = events(Path(trial["run_dir"]) / "test")
    steps = list(range(1, epochs + 1))                   # one score per epoch, epoch 1 too
    assert [e.step for e in test.Scalars("accuracy")] == steps
    assert test.Scalars("accuracy")[-1].value == pytest.approx(trial["test_accuracy"])
