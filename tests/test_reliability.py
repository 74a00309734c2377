"""Nothing a learner does loses their work or ends in a traceback.

Bad input: one line on stderr naming the problem, exit code 2. Ctrl-C: a checkpoint and the
summaries are kept, and --resume continues the same run. A diverging loss stops with an
explanation. The same seed gives the same numbers; runs never share a folder.
"""

import gzip
import json
import os
import re
import shlex
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from conftest import interrupt_lesson
from lessons import mnist_dense, mnist_softmax
from tfgraph.data.idx import write_idx
from tfgraph.support.errors import UserError
from tfgraph.support.runs import new_run_dir

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
    # a typo or an abbreviation is not taken for the flag it begins (argparse's allow_abbrev)
    ("mnist_softmax", ["--learning-rat", "0.1"], ["unrecognized", "did you mean --learning-rate"]),
    ("mnist_dense", ["--epoch", "1"], ["unrecognized", "--epoch 1", "did you mean --epochs"]),
    ("perceptron_park", ["--lerning-rate", "0.1"], ["unrecognized", "--lerning-rate"]),
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


def test_no_data_anywhere_names_the_three_ways_and_creates_nothing(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "logs").mkdir()
    proc = lesson_process("mnist_softmax", "--logdir", str(tmp_path / "logs"),
                          env={"HOME": str(home)})
    assert_one_line_error(proc, "--data-dir", "TFGRAPH_DATA_DIR", "download")
    # A failed start leaves no litter: no logs/<lesson>/, no ~/.keras/datasets/
    assert list((tmp_path / "logs").iterdir()) == []
    assert list(home.iterdir()) == []


def test_a_failed_download_leaves_no_folders(tmp_path, monkeypatch):
    from tfgraph.data import mnist
    tried = []

    def no_network(url, dest, timeout):
        tried.append(url)
        raise OSError("Network is unreachable")

    monkeypatch.delenv(mnist.OFFLINE_ENV_VAR, raising=False)
    monkeypatch.delenv(mnist.ENV_VAR, raising=False)
    monkeypatch.setattr(mnist, "_fetch", no_network)
    cache = tmp_path / "home" / ".keras" / "datasets" / "mnist.npz"
    (tmp_path / "home").mkdir()
    with pytest.raises(UserError, match="Network is unreachable"):
        mnist.load_mnist(cache_path=cache)
    assert tried == [mnist.URL]                        # the download was really attempted
    assert list((tmp_path / "home").iterdir()) == []   # and left no .keras/datasets/ behind


def test_offline_means_no_network_call_at_all(tmp_path, monkeypatch):
    import socket
    import urllib.request
    from tfgraph.data import mnist
    calls = []

    def refuse(name):
        def call(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"network call {name} while {mnist.OFFLINE_ENV_VAR} is set")
        return call

    monkeypatch.setattr(mnist, "_fetch", refuse("_fetch"))
    monkeypatch.setattr(urllib.request, "urlopen", refuse("urlopen"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.delenv(mnist.ENV_VAR, raising=False)
    monkeypatch.setenv(mnist.OFFLINE_ENV_VAR, "1")
    cache = tmp_path / "nowhere" / "mnist.npz"
    with pytest.raises(UserError, match="downloading is turned off"):
        mnist.load_mnist(cache_path=cache)
    assert calls == [] and not (tmp_path / "nowhere").exists()
    # The same call without TFGRAPH_OFFLINE does reach for the network: the guard is real.
    monkeypatch.delenv(mnist.OFFLINE_ENV_VAR)
    with pytest.raises(AssertionError, match="network call _fetch"):
        mnist.load_mnist(cache_path=cache)
    assert calls == ["_fetch"]


@pytest.mark.parametrize("logdir", ["a-file/logs", "/proc/no-logs-here"])
def test_log_root_that_cannot_be_written(tmp_path, logdir):
    (tmp_path / "a-file").write_text("not a folder")
    root = tmp_path / logdir if not logdir.startswith("/") else Path(logdir)
    proc = lesson_process("perceptron_park", "--logdir", str(root))
    assert_one_line_error(proc, "cannot write to the log folder", "--logdir")


def scalar_steps(folder):
    """{tag: [step, ...]} of every scalar in every event file of one run folder, as written:
    duplicates kept (TensorBoard's EventAccumulator would hide them)."""
    from tfgraph import tf
    steps = {}
    for path in sorted(Path(folder).glob("events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                if value.WhichOneof("value") == "simple_value":
                    steps.setdefault(value.tag, []).append(event.step)
    return steps


def test_resume_takes_the_runs_flags_refuses_others_and_appends_to_the_same_run(
        tmp_path, shared_mnist_dir, capsys):
    flags = ["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
             "--train-size", "500", "--epochs", "1", "--hidden", "16", "--summary-every", "5",
             "--batch-size", "20"]
    first = mnist_dense.main(flags)
    run = Path(first["run_dir"])
    assert first["steps"] == 25                                     # 500 / 20 per epoch
    with pytest.raises(UserError, match="--hidden 16 \\(now 32\\)"):
        mnist_dense.main(["--logdir", str(tmp_path), "--hidden", "32", "--resume", run.name])
    with pytest.raises(UserError, match="--data-dir .* \\(now .*elsewhere\\)"):
        mnist_dense.main(["--logdir", str(tmp_path), "--data-dir", str(tmp_path / "elsewhere"),
                          "--resume", run.name])
    capsys.readouterr()
    # Nothing but what changes: the data folder, train size and network come from flags.json.
    more = mnist_dense.main(["--logdir", str(tmp_path), "--epochs", "2", "--resume", run.name])
    assert more["run_dir"] == first["run_dir"] and more["steps"] == 2 * first["steps"]
    out = capsys.readouterr().out
    assert f"Resuming {run.name} with its own flags: --batch-size 20 --data-dir {shared_mnist_dir}" in out
    assert "--train-size 500" in out and "--hidden 16" in out
    assert json.loads((run / "flags.json").read_text())["epochs"] == 2   # says how far now
    # ...so --resume alone (the newest run) goes no further: the recorded 2 epochs are done.
    again = mnist_dense.main(["--logdir", str(tmp_path), "--resume"])
    assert again["run_dir"] == first["run_dir"] and again["steps"] == 50
    # One TensorBoard run holds the steps from before and after the resume: no gap, no
    # step written twice.
    assert sorted(scalar_steps(run / "train")["loss"]) == list(range(5, 51, 5))
    for split in ("validation", "test"):
        assert sorted(scalar_steps(run / split)["accuracy"]) == [25, 50]


@pytest.mark.parametrize("flags_json, words", [
    (None, "has no flags.json"), ("{not json", "has an unreadable flags.json")])
def test_resume_of_a_run_without_readable_flags_is_refused_in_one_line(
        tmp_path, flags_json, words):
    run = tmp_path / "mnist_dense" / "20260101-000000"
    (run / "checkpoints").mkdir(parents=True)
    if flags_json is not None:
        (run / "flags.json").write_text(flags_json)
    proc = lesson_process("mnist_dense", "--logdir", str(tmp_path), "--resume")
    assert_one_line_error(proc, f"cannot resume run {run.name}", words,
                          "settings it was trained with are unknown")


def test_resume_of_an_unknown_run(tmp_path, shared_mnist_dir):
    proc = lesson_process("mnist_softmax", "--data-dir", str(shared_mnist_dir),
                          "--logdir", str(tmp_path), "--resume", "no-such-run")
    assert_one_line_error(proc, "no-such-run")


# -- a diverging loss is explained, and what was logged stays ---------------------------

@pytest.mark.parametrize("summary_every, words", [
    (2, "the loss became nan at step 5 (epoch 1); the learning rate 1e+06 is probably too "
        "high, try --learning-rate 100000"),                    # the loss a step returned
    (1, "the loss became NaN or infinite by step 5 (epoch 1)"),  # a summary met it first
], ids=["loss", "summary"])
def test_divergence_stops_with_the_step_and_keeps_the_summaries(tmp_path, shared_mnist_dir,
                                                                summary_every, words):
    with pytest.raises(UserError) as caught:
        mnist_dense.main(["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
                          "--learning-rate", "1e6", "--train-size", "500",
                          "--summary-every", str(summary_every)])
    message = str(caught.value)
    assert words in message and "summaries up to that step are kept" in message
    (run,) = (tmp_path / "mnist_dense").iterdir()
    # Every summary written before the divergence is in the event file, read back.
    written = scalar_steps(run / "train")
    assert written["loss"] == list(range(summary_every, 5, summary_every))
    assert written["accuracy"] == written["loss"]


def test_a_wrecking_learning_rate_warns_and_does_not_stop(tmp_path, shared_mnist_dir, capsys):
    # The newcomer's --learning-rate 1000: no NaN, a finite loss far above the start, and
    # accuracy at chance. It must say so, with the NaN case's advice, and let the run end.
    result = mnist_dense.main(["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
                               "--learning-rate", "1000", "--train-size", "500",
                               "--hidden", "16", "--epochs", "1"])
    err = capsys.readouterr().err
    assert result["test_accuracy"] < 0.2                    # wrecked indeed: chance is 0.1
    assert re.search(r"warning: the loss has grown from 2\.\d+ at the start", err), err
    assert "the learning rate 1000 is probably too high, try --learning-rate 100" in err


def test_a_run_that_recovers_is_warned_then_told_and_never_stopped(tmp_path, shared_mnist_dir,
                                                                   capsys):
    # Softmax at learning rate 5: epoch 1's loss is above the untrained network's, then it
    # falls below it by epoch 3 and the run ends well.
    result = mnist_softmax.main(["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
                                 "--learning-rate", "5", "--train-size", "1000",
                                 "--batch-size", "20", "--epochs", "4"])
    warnings = [line for line in capsys.readouterr().err.splitlines()
                if line.startswith("warning:")]
    assert len(warnings) == 2, warnings
    assert "after epoch 1" in warnings[0] and "--learning-rate 0.5" in warnings[0]
    assert "back below its start" in warnings[1] and "recovered" in warnings[1]
    # "ends well": far above chance (0.1). A learning rate of 5 makes the last steps swing,
    # so the final figure depends on the CPU's rounding: 0.7355 on one machine, above 0.75
    # on another; the floor holds what the test is about, not one machine's figure.
    assert result["steps"] == 200 and result["test_accuracy"] > 0.6


# -- reproducibility ---------------------------------------------------------------------------

def _loss_curve(result, events):
    acc = events(Path(result["run_dir"]) / "train")
    return [e.value for e in acc.Scalars("loss")]


def test_same_seed_same_curve_bit_for_bit_other_seed_differs(
        tmp_path, shared_mnist_dir, events):
    flags = ["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
             "--train-size", "1000", "--epochs", "2", "--summary-every", "5", "--hidden", "32",
             "--batch-size", "20"]
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


@pytest.mark.slow          # two TensorFlow imports at once: about 10 s on 2 busy cores
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
def test_ctrl_c_saves_and_the_printed_command_continues_to_the_same_result(
        tmp_path, shared_mnist_dir):
    flags = ["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
             "--train-size", "2000", "--epochs", "3", "--hidden", "64", "--batch-size", "10",
             "--summary-every", "20"]
    env = {**os.environ, "TFGRAPH_OFFLINE": "1",
           # `python` is this interpreter, as in the learner's activated environment
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("TFGRAPH_DATA_DIR", None)
    returncode, out, err = interrupt_lesson("mnist_dense", [*flags, "--run-name", "stopped"],
                                            env=env)
    assert returncode == 130, err
    assert "Traceback" not in err
    (run,) = (tmp_path / "mnist_dense").iterdir()
    checkpoints = list((run / "checkpoints").glob("model.ckpt-*.index"))
    assert len(checkpoints) == 1
    stopped_at = int(checkpoints[0].name.split("-")[1].split(".")[0])
    assert 0 < stopped_at < 600                  # 3 epochs of 200 steps
    # The summaries written before Ctrl-C are in the event file, every one of them.
    assert scalar_steps(run / "train")["loss"] == list(range(20, stopped_at + 1, 20))

    # The line it prints is the shortest that works: no --data-dir, no --train-size... (the
    # run's flags.json has them), run verbatim by a shell, offline.
    (line,) = [text for text in err.splitlines() if text.startswith("Continue with: ")]
    command = line[len("Continue with: "):]
    assert command == (f"python -m lessons.mnist_dense --logdir {shlex.quote(str(tmp_path))} "
                       f"--resume {run.name}")
    resumed = subprocess.run(command, shell=True, cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"Resuming {run.name} from model.ckpt-{stopped_at} (step {stopped_at})" in \
        resumed.stdout
    assert "after 600 steps" in resumed.stdout
    # One TensorBoard run holds the steps before and after: no gap, no step twice.
    assert sorted(scalar_steps(run / "train")["loss"]) == list(range(20, 601, 20))
    assert sorted(scalar_steps(run / "test")["accuracy"]) == [200, 400, 600]

    straight = mnist_dense.main(flags)
    assert straight["steps"] == 600
    # The checkpoint held everything: the resumed run ends exactly where an unbroken one does.
    assert (f"Test accuracy: {straight['test_accuracy']:.4f} on 2,000 digits never seen in "
            f"training (loss {straight['test_loss']:.4f}), after 600 steps") in resumed.stdout


# -- output piped away, the syllabus as a launcher, the checkout kept clean ------------------

@pytest.mark.parametrize("flags, unbuffered", [
    pytest.param([], "1", marks=pytest.mark.slow),   # the lesson's table: a print fails
    (["--help"], ""),     # buffered (stdout into a pipe): the flush at the end fails
], ids=["lesson-output", "help-buffered"])
def test_output_piped_into_a_reader_that_has_gone_ends_quietly(tmp_path, flags, unbuffered):
    # `python -m lessons.perceptron_park | head -3`, made certain: the reader is gone before
    # the lesson writes.
    proc = subprocess.Popen([sys.executable, "-m", "lessons.perceptron_park", "--logdir",
                             str(tmp_path), *flags], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "TFGRAPH_OFFLINE": "1",
                                                         "PYTHONUNBUFFERED": unbuffered})
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err              # 128 + SIGPIPE, like `yes | head`
    assert "Traceback" not in err and "BrokenPipeError" not in err and err.strip() == ""


@pytest.mark.parametrize("flags", [[], ["--help"]], ids=["syllabus", "syllabus-help"])
def test_the_syllabus_piped_into_a_reader_that_has_gone_ends_quietly(flags):
    # `python -m lessons | head`: the syllabus is one buffered write, met at its flush.
    proc = subprocess.Popen([sys.executable, "-m", "lessons", *flags], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141, err
    assert "Traceback" not in err and "BrokenPipeError" not in err and err.strip() == ""


def test_python_m_lessons_hands_the_named_lesson_its_flags():
    proc = subprocess.run([sys.executable, "-m", "lessons", "perceptron_park", "--help"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: python -m lessons.perceptron_park")
    assert "--predict X1 X2" in proc.stdout                 # the lesson's own parser


@pytest.mark.slow             # a whole lesson in a new process: TensorFlow's import
def test_python_m_lessons_runs_the_named_lesson(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "lessons", "perceptron_park", "--logdir",
                           str(tmp_path), "--predict", "1", "-1"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Learned in 2 epochs" in proc.stdout and "output 1 -> vamos!" in proc.stdout
    assert len(list((tmp_path / "perceptron_park").iterdir())) == 1


@pytest.mark.parametrize("args, words", [
    (["mnist_dens"], ["no lesson named 'mnist_dens'", "mnist_dense", "python -m lessons."]),
    (["perceptron_park", "--epoch", "1"], ["did you mean --epochs"]),   # the lesson's own
])
def test_python_m_lessons_with_a_wrong_name_or_flag_is_one_line(args, words):
    proc = subprocess.run([sys.executable, "-m", "lessons", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert_one_line_error(proc, *words)


def test_python_m_lessons_alone_prints_the_syllabus():
    from lessons import SYLLABUS
    proc = subprocess.run([sys.executable, "-m", "lessons"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0
    for module, *_ in SYLLABUS:
        assert f"python -m lessons.{module}" in proc.stdout


def test_the_ci_virtual_environment_is_ignored_by_git():
    # .ci/run makes a virtual environment inside the checkout: git must not offer to add it.
    venvs = re.findall(r"python -m venv (\S+)", (ROOT / ".ci" / "run").read_text())
    assert venvs
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    for venv in venvs:
        proc = subprocess.run(["git", "check-ignore", "-q", f"{venv}/bin/python"], cwd=ROOT)
        assert proc.returncode == 0, f"{venv}/ is not in .gitignore"
