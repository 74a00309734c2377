"""Nothing a learner does loses their work or ends in a traceback.

Bad input: one line on stderr naming the problem, exit code 2. Ctrl-C: a checkpoint and the
summaries are kept, and --resume continues the same run. A diverging loss stops with an
explanation. The same seed gives the same numbers; runs never share a folder.
"""

import gzip
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from lessons import mnist_dense, mnist_softmax
from tfgraph.data.idx import write_idx
from tfgraph.errors import UserError
from tfgraph.runs import new_run_dir

ROOT = Path(__file__).resolve().parent.parent
NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def lesson_process(lesson, *flags, env=None, **kwargs):
    full_env = {**os.environ, "TFGRAPH_OFFLINE": "1", **(env or {})}
    full_env.pop("TFGRAPH_DATA_DIR", None) if "TFGRAPH_DATA_DIR" not in (env or {}) else None
    return subprocess.run([sys.executable, "-m", f"lessons.{lesson}", *flags], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env=full_env, **kwargs)


def assert_one_line_error(proc, *words):
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


# -- every flag is checked -----------------------------------------------------------------

@pytest.mark.parametrize("lesson, flags, words", [
    ("perceptron_park", ["--epochs", "0"], ["--epochs", "greater than 0"]),
    ("perceptron_park", ["--seed", "-3"], ["--seed"]),
    ("perceptron_park", ["--batch-size", "10"], ["unrecognized"]),   # learns row by row
    ("tf_basics", ["--epochs", "3"], ["unrecognized"]),              # trains nothing
    ("mnist_softmax", ["--epochs", "-2"], ["--epochs"]),
    ("mnist_softmax", ["--batch-size", "0"], ["--batch-size"]),
    ("mnist_softmax", ["--batch-size", "ten"], ["--batch-size", "whole number"]),
    ("mnist_softmax", ["--learning-rate", "0"], ["--learning-rate"]),
    ("mnist_softmax", ["--learning-rate", "fast"], ["--learning-rate", "number"]),
    ("mnist_softmax", ["--learning-rate", "inf"], ["--learning-rate", "finite"]),
    ("mnist_softmax", ["--summary-every", "0"], ["--summary-every"]),
    ("mnist_softmax", ["--train-size", "-1"], ["--train-size"]),
    ("mnist_softmax", ["--run-name", "a/b"], ["--run-name"]),
    ("mnist_dense", ["--activation", "swish"], ["--activation", "invalid choice"]),
    ("mnist_dense", ["--hidden", "0"], ["--hidden"]),
    ("mnist_dense", ["--epochs"], ["--epochs", "expected one argument"]),
])
def test_bad_flags(lesson, flags, words):
    assert_one_line_error(lesson_process(lesson, *flags), *words)


# -- every data problem is named -------------------------------------------------------------

def idx_folder(folder, train=(100, 28, 28), test=(20, 28, 28), labels=None):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    write_idx(folder / f"{NAMES[0]}.gz", rng.integers(0, 256, train, dtype=np.uint8))
    write_idx(folder / f"{NAMES[1]}.gz", (np.arange(train[0]) % 10).astype(np.uint8)
              if labels is None else labels)
    write_idx(folder / f"{NAMES[2]}.gz", rng.integers(0, 256, test, dtype=np.uint8))
    write_idx(folder / f"{NAMES[3]}.gz", (np.arange(test[0]) % 10).astype(np.uint8))
    return folder


def _missing(tmp):
    return tmp / "nowhere"


def _a_file(tmp):
    (tmp / "file.txt").write_text("hello")
    return tmp / "file.txt"


def _empty(tmp):
    (tmp / "empty").mkdir()
    return tmp / "empty"


def _wrong_files(tmp):
    (tmp / "wrong").mkdir()
    (tmp / "wrong" / "cats.csv").write_text("1,2,3")
    return tmp / "wrong"


def _half(tmp):
    folder = idx_folder(tmp / "half")
    (folder / f"{NAMES[1]}.gz").unlink()
    return folder


def _truncated_gzip(tmp):
    folder = idx_folder(tmp / "truncated")
    path = folder / f"{NAMES[0]}.gz"
    path.write_bytes(path.read_bytes()[:200])
    return folder


def _not_gzip(tmp):
    folder = idx_folder(tmp / "notgzip")
    (folder / f"{NAMES[2]}.gz").write_bytes(b"<html>not found</html>")
    return folder


def _truncated_raw(tmp):
    folder = idx_folder(tmp / "raw")
    raw = gzip.decompress((folder / f"{NAMES[0]}.gz").read_bytes())
    (folder / f"{NAMES[0]}.gz").unlink()
    (folder / NAMES[0]).write_bytes(raw[:-100])
    return folder


def _swapped(tmp):
    folder = idx_folder(tmp / "swapped")
    a, b = folder / f"{NAMES[2]}.gz", folder / f"{NAMES[3]}.gz"
    data_a, data_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(data_b)
    b.write_bytes(data_a)
    return folder


def _count_mismatch(tmp):
    return idx_folder(tmp / "count", labels=(np.arange(90) % 10).astype(np.uint8))


def _label_out_of_range(tmp):
    labels = (np.arange(100) % 10).astype(np.uint8)
    labels[7] = 12
    return idx_folder(tmp / "labels", labels=labels)


def _shape_mismatch(tmp):
    return idx_folder(tmp / "shapes", test=(20, 20, 20))


@pytest.mark.parametrize("make, words", [
    (_missing, ["does not exist"]),
    (_a_file, ["not a folder"]),
    (_empty, ["train-images-idx3-ubyte"]),
    (_wrong_files, ["train-images-idx3-ubyte"]),
    (_half, ["train-labels-idx1-ubyte"]),
    (_truncated_gzip, ["train-images-idx3-ubyte.gz"]),
    (_not_gzip, ["t10k-images-idx3-ubyte.gz", "gzip"]),
    (_truncated_raw, ["train-images-idx3-ubyte", "truncated"]),
    (_swapped, ["t10k-images-idx3-ubyte.gz", "2051"]),
    (_count_mismatch, ["100", "90"]),
    (_label_out_of_range, ["train-labels-idx1-ubyte.gz", "12"]),
    (_shape_mismatch, ["28", "20"]),
], ids=lambda v: getattr(v, "__name__", "")[1:] if callable(v) else None)
def test_bad_data_dir(tmp_path, make, words):
    folder = make(tmp_path)
    proc = lesson_process("mnist_dense", "--data-dir", str(folder),
                          "--logdir", str(tmp_path / "logs"))
    assert_one_line_error(proc, *words)


def test_no_data_anywhere_names_the_three_ways(tmp_path):
    proc = lesson_process("mnist_softmax", "--logdir", str(tmp_path / "logs"),
                          env={"HOME": str(tmp_path)})
    assert_one_line_error(proc, "--data-dir", "TFGRAPH_DATA_DIR", "download")


@pytest.mark.parametrize("logdir", ["a-file/logs", "/proc/no-logs-here"])
def test_log_root_that_cannot_be_written(tmp_path, logdir):
    (tmp_path / "a-file").write_text("not a folder")
    root = tmp_path / logdir if not logdir.startswith("/") else Path(logdir)
    proc = lesson_process("perceptron_park", "--logdir", str(root))
    assert_one_line_error(proc, "cannot write to the log folder", "--logdir")


def test_resume_with_other_flags_is_refused_and_more_epochs_allowed(tmp_path,
                                                                     shared_mnist_dir):
    flags = ["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
             "--train-size", "500", "--epochs", "1", "--hidden", "16"]
    first = mnist_dense.main(flags)
    run = Path(first["run_dir"]).name
    with pytest.raises(UserError, match="--hidden 16 \\(now 32\\)"):
        mnist_dense.main([*flags[:-2], "--hidden", "32", "--resume", run])
    more = mnist_dense.main([*flags[:-4], "--epochs", "2", "--hidden", "16", "--resume", run])
    assert more["run_dir"] == first["run_dir"] and more["steps"] == 2 * first["steps"]


def test_resume_of_an_unknown_run(tmp_path, shared_mnist_dir):
    proc = lesson_process("mnist_softmax", "--data-dir", str(shared_mnist_dir),
                          "--logdir", str(tmp_path), "--resume", "no-such-run")
    assert_one_line_error(proc, "no-such-run")


# -- a diverging loss is explained, and what was logged stays ---------------------------

def test_divergence_stops_with_the_step_and_keeps_logs(tmp_path, shared_mnist_dir):
    with pytest.raises(UserError) as caught:
        mnist_dense.main(["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
                          "--learning-rate", "1e6", "--train-size", "500",
                          "--summary-every", "1"])
    message = str(caught.value)
    assert "nan" in message.lower() and "at step" in message and "--learning-rate" in message
    (run,) = (tmp_path / "mnist_dense").iterdir()
    assert list((run / "train").glob("events.out.tfevents.*"))


# -- reproducibility ---------------------------------------------------------------------------

def _loss_curve(result, events):
    acc = events(Path(result["run_dir"]) / "train")
    return [e.value for e in acc.Scalars("loss")]


def test_same_seed_same_curve_bit_for_bit_other_seed_differs(tmp_path, shared_mnist_dir,
                                                            events):
    flags = ["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
             "--train-size", "1000", "--epochs", "2", "--summary-every", "5", "--hidden", "32"]
    first = mnist_dense.main([*flags, "--seed", "7"])
    second = mnist_dense.main([*flags, "--seed", "7"])
    other = mnist_dense.main([*flags, "--seed", "8"])
    assert first["run_dir"] != second["run_dir"]
    curve = _loss_curve(first, events)
    assert len(curve) == 20
    assert curve == _loss_curve(second, events)
    assert first["test_accuracy"] == second["test_accuracy"]
    assert curve != _loss_curve(other, events)


# -- concurrency: never the same folder ------------------------------------------------------

def test_runs_started_in_the_same_second_get_their_own_folders(tmp_path):
    made, barrier = [], threading.Barrier(12)

    def start():
        barrier.wait()
        made.append(new_run_dir(tmp_path, "lesson", "same"))

    threads = [threading.Thread(target=start) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(made)) == 12 and all(p.is_dir() for p in made)


def test_two_lesson_processes_at_once_write_two_runs(tmp_path):
    procs = [subprocess.Popen([sys.executable, "-m", "lessons.perceptron_park", "--logdir",
                               str(tmp_path), "--run-name", "twin"], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for _ in range(2)]
    for p in procs:
        assert p.wait(timeout=120) == 0
    runs = sorted((tmp_path / "perceptron_park").iterdir())
    assert len(runs) == 2
    for run in runs:
        assert len(list(run.glob("events.out.tfevents.*"))) == 1


# -- Ctrl-C keeps the work; --resume continues it ---------------------------------------------

@pytest.mark.slow
def test_ctrl_c_saves_and_resume_continues_to_the_same_result(tmp_path, shared_mnist_dir):
    flags = ["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
             "--train-size", "2000", "--epochs", "3", "--hidden", "64", "--batch-size", "10"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "lessons.mnist_dense", *flags, "--run-name", "stopped"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TFGRAPH_OFFLINE": "1"},
        # a shell without job control starts background jobs with SIGINT ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    for line in proc.stdout:
        if line.startswith("epoch 1 "):          # training is under way
            proc.send_signal(signal.SIGINT)
            break
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Continue with" in err and "--resume" in err
    (run,) = (tmp_path / "mnist_dense").iterdir()
    checkpoints = list((run / "checkpoints").glob("model.ckpt-*.index"))
    assert len(checkpoints) == 1
    stopped_at = int(checkpoints[0].name.split("-")[1].split(".")[0])
    assert 0 < stopped_at < 600                  # 3 epochs of 200 steps
    assert list((run / "train").glob("events.out.tfevents.*"))

    resumed = mnist_dense.main([*flags, "--resume", run.name])
    assert resumed["run_dir"] == str(run) and resumed["steps"] == 600
    straight = mnist_dense.main(flags)
    assert straight["steps"] == 600
    # The checkpoint held everything: the resumed run ends exactly where an unbroken one does.
    assert resumed["test_accuracy"] == straight["test_accuracy"]
    assert resumed["test_loss"] == straight["test_loss"]
