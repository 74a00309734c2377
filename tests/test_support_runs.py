"""tfgraph.support.runs: a folder of its own for every run, finding a run again, its flags.json."""

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import REPO_ROOT as ROOT
from conftest import assert_one_line_error

from tfgraph import new_graph, tf
from tfgraph.support import Run, cli
from tfgraph.support.errors import UserError
from tfgraph.support.runs import find_run, new_run_dir, read_flags, write_flags


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


def test_find_run_by_name_and_latest_with_checkpoint(tmp_path):
    first = new_run_dir(tmp_path, "lesson", "a")
    second = new_run_dir(tmp_path, "lesson", "b")
    with pytest.raises(UserError, match="no run of lesson with a checkpoint"):
        find_run(tmp_path, "lesson")
    (first / "checkpoints").mkdir()
    assert find_run(tmp_path, "lesson") == first         # the newest run that can resume
    assert find_run(tmp_path, "lesson", second.name) == second
    with pytest.raises(UserError, match="no run named 'zzz'"):
        find_run(tmp_path, "lesson", "zzz")


# -- flags.json: a resumed run takes its own flags and refuses others ------------------------

def _parse(tmp_path, *argv):
    """The flags of a small lesson, through cli.parse: where a resumed run's flags are checked."""
    p = cli.parser("core", None, epochs=1, data_dir=True, resume=True)
    cli.add_hidden(p, 2)
    return cli.parse(p, ["--logdir", str(tmp_path), *argv])


def _resumable_run(tmp_path):
    with Run(_parse(tmp_path), _graph_with_w()) as run:
        return run.dir


def _graph_with_w():
    graph = new_graph(0)
    with graph.as_default():
        tf.compat.v1.get_variable("w", [1])
    return graph


@pytest.mark.parametrize("damage, words", [
    (lambda f: f.unlink(), "has no flags.json"),
    (lambda f: f.write_text('{"epochs": 1,'), "has an unreadable flags.json"),
    (lambda f: f.write_text('[1, 2]'), "has a flags.json that is not a table of flags"),
], ids=["missing", "corrupt", "not-a-table"])
def test_resume_without_readable_flags_is_refused(tmp_path, damage, words):
    folder = _resumable_run(tmp_path)
    damage(folder / "flags.json")
    with pytest.raises(UserError, match=f"cannot resume run {folder.name}: it {words}"):
        _parse(tmp_path, "--resume", folder.name)


def test_resume_records_the_new_epochs_and_refuses_other_flags(tmp_path):
    folder = _resumable_run(tmp_path)
    # refused once, when the flags are parsed: before any data is loaded or any graph built
    with pytest.raises(UserError, match=r"--hidden 2 \(now 3\), --train-size not set "
                                        r"\(now 500\)"):
        _parse(tmp_path, "--resume", folder.name, "--hidden", "3", "--train-size", "500")
    with Run(_parse(tmp_path, "--resume", folder.name, "--epochs", "4"), _graph_with_w()):
        pass
    flags = json.loads((folder / "flags.json").read_text())
    assert flags["epochs"] == 4 and "resume" not in flags


@pytest.mark.parametrize("flags_json, words", [
    (None, "has no flags.json"), ("{not json", "has an unreadable flags.json")])
def test_resume_of_a_run_without_readable_flags_is_refused_in_one_line(
        tmp_path, lesson_main, flags_json, words):
    run = tmp_path / "mnist_dense" / "20260101-000000"
    (run / "checkpoints").mkdir(parents=True)
    if flags_json is not None:
        (run / "flags.json").write_text(flags_json)
    proc = lesson_main("mnist_dense", "--logdir", str(tmp_path), "--resume")
    assert_one_line_error(proc, f"cannot resume run {run.name}", words,
                          "settings it was trained with are unknown")


def test_resume_of_an_unknown_run(tmp_path, lesson_main, shared_mnist_dir):
    proc = lesson_main("mnist_softmax", "--data-dir", str(shared_mnist_dir),
                       "--logdir", str(tmp_path), "--resume", "no-such-run")
    assert_one_line_error(proc, "no-such-run")


def test_a_refused_resume_says_so_in_portuguese(tmp_path):
    from tfgraph.support import i18n
    folder = _resumable_run(tmp_path)
    with pytest.raises(UserError, match=r"^a execução .* foi treinada com --hidden 2 \(agora 3\), "
                                        r"--train-size não definida \(agora 500\); retome-a com "
                                        r"as mesmas opções"):
        _parse(tmp_path, "--lang", "pt", "--resume", folder.name, "--hidden", "3",
               "--train-size", "500")
    assert i18n.language() == "pt"
    with pytest.raises(UserError, match=r"^nenhuma execução chamada 'zzz' em .* \(execuções "
                                        r"mais recentes: nenhuma\)$"):
        find_run(tmp_path, "other", "zzz")


def test_flags_json_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    # The tasks of a resumed cluster read flags.json while the chief may rewrite it: a
    # reader must never meet half a file, and a failed write must leave the old one whole.
    write_flags(tmp_path, {"epochs": 1})
    real_write_text = Path.write_text

    def half_then_disk_full(path, text, *args, **kwargs):
        real_write_text(path, text[:len(text) // 2], *args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", half_then_disk_full)
    with pytest.raises(OSError):
        write_flags(tmp_path, {"epochs": 2, "seed": 12345})
    monkeypatch.undo()
    assert read_flags(tmp_path) == {"epochs": 1}
    write_flags(tmp_path, {"epochs": 3})
    assert read_flags(tmp_path) == {"epochs": 3}
    assert [p.name for p in tmp_path.iterdir()] == ["flags.json"]     # no partial file left
