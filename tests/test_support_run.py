"""tfgraph.support.Run: a run's folder, writers, session and checkpoints; Ctrl-C and --resume."""

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT as ROOT
from conftest import interrupt_lesson, run_args, scalar_steps, tiny_network_run

from lessons import mnist_dense
from tfgraph import new_graph, tf
from tfgraph.support import Run
from tfgraph.support.errors import UserError


def test_ctrl_c_says_what_it_kept_in_portuguese(tmp_path, capsys):
    from tfgraph.support import i18n
    run = tiny_network_run(tmp_path)[0]         # (no checkpoints: nothing to continue)
    i18n.use("pt")
    with pytest.raises(KeyboardInterrupt), run:
        raise KeyboardInterrupt
    err = capsys.readouterr().err.splitlines()
    assert err == ["", f"Interrompido no passo 0. Resumos guardados em {run.dir}."]


def test_run_initialises_finalizes_and_closes(tmp_path):
    graph = new_graph(0)
    with graph.as_default():
        v = tf.compat.v1.get_variable("v", [2], initializer=tf.compat.v1.ones_initializer())
    with Run(run_args(tmp_path), graph) as run:
        assert run.session.run(v).tolist() == [1.0, 1.0]          # initialised
        assert graph.finalized
        with graph.as_default(), pytest.raises(RuntimeError, match="finalized"):
            tf.add(v, 1.0)                                        # no op sneaks into the loop
        folder = run.dir
    assert run.session is None                                    # closed
    assert list((folder / "checkpoints").glob("model.ckpt-*.index"))
    assert list(folder.glob("events.out.tfevents.*"))


class _WriterFails:
    """A FileWriter that fails on the n-th writer a run creates, after the earlier ones have
    written their event files (as a full disk or a bad permission would)."""

    def __init__(self, monkeypatch, fail_at):
        self.real, self.made, self.fail_at = tf.compat.v1.summary.FileWriter, 0, fail_at
        monkeypatch.setattr(tf.compat.v1.summary, "FileWriter", self)

    def __call__(self, *args, **kwargs):
        self.made += 1
        if self.made == self.fail_at:
            raise OSError(28, "No space left on device")
        return self.real(*args, **kwargs)


@pytest.mark.parametrize("fail_at", [1, 3])
def test_a_run_that_fails_to_start_leaves_no_folder(tmp_path, monkeypatch, fail_at):
    # The folder exists by the time the writers are made; with fail_at=3 two writers have
    # already written event files into it (and into train/, validation/).
    graph = new_graph(0)
    with graph.as_default():
        tf.compat.v1.get_variable("w", [1])
    failing = _WriterFails(monkeypatch, fail_at)
    with pytest.raises(OSError, match="No space"):
        with Run(run_args(tmp_path), graph, writers=("train", "validation", "test")):
            pass
    assert failing.made == fail_at
    assert (tmp_path / "core").is_dir()                      # the run folder was made...
    assert list((tmp_path / "core").iterdir()) == []         # ...and is gone again


def test_a_resumed_run_that_fails_to_start_keeps_its_folder(tmp_path, monkeypatch):
    graph = new_graph(0)
    with graph.as_default():
        tf.compat.v1.get_variable("w", [1])
    with Run(run_args(tmp_path), graph) as run:
        folder = run.dir
    graph = new_graph(0)
    with graph.as_default():
        tf.compat.v1.get_variable("w", [1])
    _WriterFails(monkeypatch, 1)
    with pytest.raises(OSError):
        with Run(run_args(tmp_path, resume=folder.name), graph):
            pass
    assert list((folder / "checkpoints").glob("model.ckpt-*.index"))   # the learner's run


# -- --resume continues the same run; Ctrl-C keeps the work --------------------------------

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
