"""tfgraph.support.cli: every flag checked, one line for a mistake, where logs and data are."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT as ROOT
from conftest import assert_one_line_error, lesson_process

from tfgraph import new_graph, tf
from tfgraph.support import Run, cli


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
def test_bad_flags(lesson_main, lesson, flags, words):
    assert_one_line_error(lesson_main(lesson, *flags), *words)


def test_a_bad_flag_through_the_real_command():
    # The cases above run in this process (lesson_main); this one as the learner types it: a
    # new Python, ended with exit 2 and one line. (Each lesson's test file has one too.)
    assert_one_line_error(lesson_process("mnist_dense", "--epoch", "1"),
                          "unrecognized", "--epoch 1", "did you mean --epochs")


@pytest.mark.parametrize("logdir", ["a-file/logs", "/proc/no-logs-here"])
def test_log_root_that_cannot_be_written(tmp_path, lesson_main, logdir):
    (tmp_path / "a-file").write_text("not a folder")
    root = tmp_path / logdir if not logdir.startswith("/") else Path(logdir)
    proc = lesson_main("perceptron_park", "--logdir", str(root))
    assert_one_line_error(proc, "cannot write to the log folder", "--logdir")


# -- where the logs and the data are -------------------------------------------------------

def test_default_logdir_is_the_project_logs_or_the_env_var(monkeypatch, tmp_path):
    monkeypatch.delenv(cli.LOGDIR_ENV, raising=False)
    assert cli.default_logdir() == ROOT / "logs"
    # ...from any folder the lesson is started in: the checkout's logs/, not ./logs
    monkeypatch.chdir(tmp_path)
    assert cli.default_logdir() == ROOT / "logs"
    monkeypatch.setenv(cli.LOGDIR_ENV, str(tmp_path))
    assert cli.default_logdir() == tmp_path


def test_the_data_folder_is_kept_as_the_learner_typed_it(tmp_path, monkeypatch, capsys):
    # Made absolute, "~" expanded, but a symbolic link on the way is kept, not resolved
    # (../shared may be one): flags.json and "Resuming ... with its own flags" show the path
    # the learner recognises, and resuming with that path typed again is no change.
    real = tmp_path / "disk" / "mnist"
    real.mkdir(parents=True)
    (tmp_path / "data").symlink_to(tmp_path / "disk")
    home = tmp_path / "home"
    home.mkdir()
    (home / "digits").symlink_to(real)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    logs = tmp_path / "logs"
    p = cli.parser("core", None, epochs=1, data_dir=True, resume=True)
    for typed, kept in [("data/mnist", tmp_path / "data" / "mnist"),
                        (str(tmp_path / "data" / "mnist"), tmp_path / "data" / "mnist"),
                        ("~/digits", home / "digits")]:
        args = cli.parse(p, ["--logdir", str(logs), "--data-dir", typed])
        assert args.data_dir == kept and kept.resolve() == real.resolve(), typed
        graph = new_graph(0)
        with graph.as_default():
            tf.compat.v1.get_variable("w", [1])
        with Run(args, graph) as run:
            pass
        assert json.loads((run.dir / "flags.json").read_text())["data_dir"] == str(kept)
        capsys.readouterr()
        resumed = cli.parse(p, ["--logdir", str(logs), "--resume", run.dir.name])
        assert resumed.data_dir == kept
        assert f"with its own flags: --data-dir {kept}" in capsys.readouterr().out
        again = cli.parse(p, ["--logdir", str(logs), "--resume", run.dir.name,
                              "--data-dir", typed])
        assert again.data_dir == kept


# -- output piped away ------------------------------------------------------------------

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
