"""The full-MNIST figures of the README and the docstrings: mnist_softmax, mnist_dense, going_deep.

Held by the lessons' own defaults on the real 60,000 + 10,000 digits (../shared/data/mnist-full).

Slow (CI runs them; together about 5 minutes on 2 cores, going_deep most of it). The
floors sit a little under the measured figures (softmax 0.9222, mnist_dense 0.9787,
going_deep 0.9940 on 2026-11-28): another CPU computes slightly different floats, and the
seed and data are fixed. Each test prints its accuracy and training time; times are not
asserted, they depend on the machine.
"""

import time

import pytest

from lessons import going_deep, mnist_dense, mnist_softmax

pytestmark = pytest.mark.slow


def run_defaults(lesson, data, logdir):
    started, cpu = time.perf_counter(), time.process_time()
    result = lesson.main(["--data-dir", str(data), "--logdir", str(logdir)])
    print(f"{lesson.LESSON} defaults on full MNIST: test accuracy "
          f"{result['test_accuracy']:.4f}, {time.perf_counter() - started:.0f} s wall, "
          f"{time.process_time() - cpu:.0f} CPU-s (the whole run)")
    return result


def test_softmax_reaches_the_tutorials_92_percent(tmp_path, shared_mnist_full_dir):
    result = run_defaults(mnist_softmax, shared_mnist_full_dir, tmp_path)
    assert result["test_accuracy"] >= 0.92


def test_dense_reaches_97_5_percent(tmp_path, shared_mnist_full_dir):
    result = run_defaults(mnist_dense, shared_mnist_full_dir, tmp_path)
    assert result["steps"] == 20 * 5500              # 55,000 digits, batch 10, 20 epochs
    assert result["test_accuracy"] >= 0.975


def test_going_deep_reaches_the_deep_mnist_tutorials_99_2_percent(tmp_path,
                                                                  shared_mnist_full_dir):
    result = run_defaults(going_deep, shared_mnist_full_dir, tmp_path)
    print(f"  training alone: {result['training_seconds']:.0f} s wall, "
          f"{result['training_cpu_seconds']:.0f} CPU-s")
    assert result["steps"] == 10 * 550
    assert result["test_accuracy"] >= 0.992
