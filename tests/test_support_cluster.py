"""tfgraph.support.cluster: the cluster's flags, the launcher and its process handling, on
stand-in tasks (plain Python, no TensorFlow): a flag given to the launcher reaches every
task, a dead worker is named, a dead chief or a task's one-line complaint stops the run,
Ctrl-C asks the chief to save, and nothing is left behind, not even when the launcher is
killed outright. After every run that starts processes, the process table is checked.
(Lesson distributed on real TensorFlow tasks: tests/test_distributed.py.)"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from argparse import Namespace
from pathlib import Path

import pytest

from tfgraph.support import cluster
from tfgraph.support.errors import UserError

ROOT = Path(__file__).resolve().parent.parent


# -- the process table -----------------------------------------------------------------------

def processes_with(marker):
    """(pid, command line) of every live process whose command line holds `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if marker in command and state != "Z":
            found.append((int(entry.name), command))
    return found


def assert_none_left(marker, seconds=10):
    """No process holding `marker` in its command line, within `seconds` (they may be ending)."""
    deadline = time.monotonic() + seconds
    while processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = processes_with(marker)
    for pid, _ in left:            # don't leave them to the next test either
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert not left, f"processes left behind: {left}"


# -- the cluster's flags ------------------------------------------------------------------

def test_cluster_flag_parses_and_checks():
    items = [cluster.job_flag("worker=b:2222,c:2223"), cluster.job_flag("ps=a:2222")]
    assert cluster.cluster_spec(items) == {"ps": ["a:2222"], "worker": ["b:2222", "c:2223"]}
    assert cluster.spec_flag({"ps": ["a:1"], "worker": ["b:1", "c:1"]}) == [
        "ps=a:1", "worker=b:1,c:1"]
    for bad in ["ps", "ps=", "ps=a", "ps=a:0", "ps=a:x", "chief=a:1", "ps=a:1,"]:
        with pytest.raises(argparse.ArgumentTypeError):
            cluster.job_flag(bad)
    with pytest.raises(UserError, match="lacks the job worker"):
        cluster.cluster_spec([cluster.job_flag("ps=a:1")])
    with pytest.raises(UserError, match="twice"):
        cluster.cluster_spec([cluster.job_flag("ps=a:1"), cluster.job_flag("ps=a:2"),
                              cluster.job_flag("worker=b:1")])


def test_a_task_is_the_lessons_command_line_unchanged_plus_which_task_it_is():
    spec = {"ps": ["127.0.0.1:1"], "worker": ["127.0.0.1:2", "127.0.0.1:3"]}
    argv = ["--hidden", "48", "--sync", "--resume"]
    assert cluster.task_command("lessons.x", argv, "worker", 1, spec) == [
        sys.executable, "-m", "lessons.x", "--hidden", "48", "--sync", "--resume",
        "--cluster", "ps=127.0.0.1:1", "worker=127.0.0.1:2,127.0.0.1:3",
        "--job-name", "worker", "--task-index", "1"]


def test_the_flags_json_of_a_cluster_run_holds_the_experiment_not_the_task():
    args = Namespace(lesson="l", seed=3, hidden=48, workers=2, tensorboard=False,
                     cluster=[("ps", ["a:1"]), ("worker", ["b:1", "c:1", "d:1"])],
                     job_name="worker", task_index=0, startup_timeout=60.0)
    spec = cluster.cluster_spec(args.cluster)
    assert vars(cluster.experiment(args, spec)) == {"lesson": "l", "seed": 3, "hidden": 48,
                                                    "workers": 3, "tensorboard": False}


def test_is_task_and_task_spec():
    p = argparse.ArgumentParser()
    cluster.add_flags(p, workers=2, startup_timeout=60)
    launcher = p.parse_args(["--workers", "3"])
    assert not cluster.is_task(launcher) and launcher.startup_timeout == 60
    task = p.parse_args(["--cluster", "ps=a:1", "worker=b:1,c:1", "--job-name", "worker",
                         "--task-index", "1"])
    assert cluster.is_task(task)
    assert cluster.task_spec(task) == {"ps": ["a:1"], "worker": ["b:1", "c:1"]}
    for flags, words in [(["--job-name", "ps", "--task-index", "0"], "need --cluster"),
                         (["--cluster", "ps=a:1", "worker=b:1", "--task-index", "0"],
                          "--job-name"),
                         (["--cluster", "ps=a:1", "worker=b:1", "--job-name", "worker",
                           "--task-index", "1"], "gives it 1 task, numbered 0$"),
                         (["--cluster", "ps=a:1", "worker=b:1,c:1", "--job-name", "worker",
                           "--task-index", "2"], "gives it 2 tasks, numbered 0 to 1$")]:
        args = p.parse_args(flags)
        assert cluster.is_task(args)
        with pytest.raises(UserError, match=words):
            cluster.task_spec(args)


def test_too_many_workers_for_one_machine_is_refused_before_any_starts():
    with pytest.raises(UserError, match=f"at most {cluster.MAX_WORKERS} processes"):
        cluster.launch("no_such_lesson", [], cluster.MAX_WORKERS + 1, "")


# -- launch: the lesson's own command line in every task -----------------------------------------

STAND_IN_LESSON = textwrap.dedent("""
    import argparse, json, os, sys, time
    sys.path.insert(0, {root!r})
    from tfgraph.support import cluster
    p = argparse.ArgumentParser(prog="python -m stand_in_lesson")
    p.add_argument("--said", required=True)
    p.add_argument("--colour", default="grey")     # a lesson's own flag
    cluster.add_flags(p, workers=2, startup_timeout=60)
    args = p.parse_args()
    me = f"{{args.job_name}}{{args.task_index}}"
    with open(os.path.join(args.said, me + ".part"), "w") as f:
        json.dump({{"argv": sys.argv[1:], "colour": args.colour}}, f)
    os.rename(os.path.join(args.said, me + ".part"), os.path.join(args.said, me))
    def heard():
        return sorted(n for n in os.listdir(args.said) if not n.endswith(".part"))
    if args.job_name == "worker" and args.task_index == 0:
        deadline = time.monotonic() + 30
        while len(heard()) < {tasks} and time.monotonic() < deadline:
            time.sleep(0.05)        # every task has started (however slow)
        cluster.emit("result", run_dir="nowhere", heard=heard())
    elif args.job_name == "worker":
        cluster.emit("result", index=args.task_index)
    """)


def test_a_flag_given_to_the_launcher_reaches_every_task(tmp_path, monkeypatch, capsys):
    said = tmp_path / "said"
    said.mkdir()
    lesson = STAND_IN_LESSON.format(root=str(ROOT), tasks=4)
    (tmp_path / "stand_in_lesson.py").write_text(lesson)
    monkeypatch.syspath_prepend(str(tmp_path))
    argv = ["--colour", "blue", "--said", str(said), "--workers", "3"]
    result = cluster.launch("stand_in_lesson", argv, 3, "a stand-in")
    assert result["heard"] == ["ps0", "worker0", "worker1", "worker2"]
    assert result["died"] == []
    assert result["worker_results"]["worker:2"] == {"index": 2}
    out = capsys.readouterr().out
    assert out.startswith("A cluster of 4 processes on this machine (a stand-in): ps:0 at ")
    addresses = re.findall(r" at (\S+?)(?:,|$)", out.splitlines()[0])     # ps, then workers
    spec = ["ps=" + addresses[0], "worker=" + ",".join(addresses[1:])]
    for task in ("ps0", "worker0", "worker1", "worker2"):
        told = json.loads((said / task).read_text())
        job, index = task[:-1], task[-1]
        # The command line as typed, unchanged, then the cluster and which task this is.
        assert told["argv"] == [*argv, "--cluster", *spec, "--job-name", job,
                                "--task-index", index], task
        assert told["colour"] == "blue", task
    assert_none_left(str(said))


# -- the launcher, on stand-in tasks (plain Python, no TensorFlow) --------------------------------

STAND_IN = textwrap.dedent("""
    import os, signal, sys, time
    sys.path.insert(0, {root!r})
    from tfgraph.support import cluster
    job, index, plan, said, tasks = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], \
        int(sys.argv[5])
    cluster.die_with_parent()
    print(f"hello from {{job}}:{{index}}", flush=True)
    open(os.path.join(said, f"{{job}}{{index}}"), "w").close()
    told = []
    if job == "worker" and index == 0:
        cluster.listen(told.append)
    if job == "ps" or plan == "hang":
        try:
            while True:
                time.sleep(0.05)
        except KeyboardInterrupt:
            print("saved a checkpoint", flush=True)
            sys.exit(130)
    if plan == "worker 1 dies" and index == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    if plan == "chief dies" and index == 0:
        sys.exit(3)
    if plan.endswith("mistake") and index == 1:
        if plan == "late mistake":          # after the chief has reported its result
            time.sleep(1)
        print("python -m stand_in: error: no such data folder", file=sys.stderr, flush=True)
        sys.exit(2)
    if index == 0:
        deadline = time.monotonic() + 10
        while len(os.listdir(said)) < tasks and time.monotonic() < deadline:
            time.sleep(0.05)            # every task has said hello (however slow it started)
        while plan == "worker 1 dies" and not told and time.monotonic() < deadline:
            time.sleep(0.05)
        cluster.emit("result", chief=True, told=told)
    else:
        cluster.emit("result", index=index)
    """)


def stand_in_cluster(tmp_path, plan, workers=2):
    script = tmp_path / "stand_in.py"
    script.write_text(STAND_IN.format(root=str(ROOT)))
    said = tmp_path / "said_hello"
    said.mkdir()

    def command(job, index, spec):
        assert len(spec["worker"]) == workers and len(spec["ps"]) == 1
        return [sys.executable, str(script), job, str(index), plan, str(said), str(workers + 1)]

    lines = []
    local = cluster.LocalCluster(command, workers=workers,
                                 error_prefix="python -m stand_in: error: ")
    local.say = lines.append
    return local, lines, str(script)


def test_launcher_streams_with_task_names_and_returns_the_chiefs_result(tmp_path):
    local, lines, marker = stand_in_cluster(tmp_path, "fine", workers=3)
    with local:
        outcome = local.wait()
    # (the chief may hear of a worker's normal end before its own: "ended worker:2 0")
    assert outcome.result["chief"] and all(
        line in ("ended worker:1 0", "ended worker:2 0") for line in outcome.result["told"])
    assert outcome.workers == {"worker:0": outcome.result,
                               "worker:1": {"index": 1}, "worker:2": {"index": 2}}
    assert outcome.died == []
    assert sorted(lines) == ["[ps:0] hello from ps:0", "[worker:0] hello from worker:0",
                             "[worker:1] hello from worker:1", "[worker:2] hello from worker:2"]
    assert local.tasks[0].code is not None          # the ps was stopped
    assert_none_left(marker)


def test_a_dead_worker_is_reported_and_the_chief_told(tmp_path):
    local, lines, marker = stand_in_cluster(tmp_path, "worker 1 dies")
    with local:
        outcome = local.wait()
    assert outcome.died == ["worker:1 (killed by SIGKILL)"]
    assert outcome.result["told"] == ["ended worker:1 -9"]
    assert "worker:1 killed by SIGKILL; the other workers go on without it" in lines
    assert_none_left(marker)


def test_the_launcher_speaks_portuguese(tmp_path):
    from tfgraph.support import i18n
    i18n.use("pt")
    with pytest.raises(UserError, match=f"^--workers 17: no máximo {cluster.MAX_WORKERS} "
                                        "processos numa máquina"):
        cluster.launch("no_such_lesson", [], cluster.MAX_WORKERS + 1, "")
    local, lines, marker = stand_in_cluster(tmp_path, "worker 1 dies")
    with local:
        outcome = local.wait()
    assert outcome.died == ["worker:1 (foi encerrado por SIGKILL)"]
    assert "worker:1 foi encerrado por SIGKILL; os outros workers seguem sem ele" in lines
    assert_none_left(marker)


def test_a_dead_chief_stops_everything(tmp_path):
    local, _, marker = stand_in_cluster(tmp_path, "chief dies")
    with local, pytest.raises(cluster.TaskDied, match="the chief worker:0 exited with code 3"):
        local.wait()
    assert_none_left(marker)


@pytest.mark.parametrize("plan", ["mistake", "late mistake"])
def test_a_tasks_one_line_complaint_becomes_the_launchers(tmp_path, plan):
    local, lines, marker = stand_in_cluster(tmp_path, plan)
    with local, pytest.raises(UserError) as caught:
        local.wait()
    assert str(caught.value) == "no such data folder"
    assert not any("error" in line for line in lines)   # said once, by the launcher
    assert_none_left(marker)


def test_ctrl_c_asks_the_chief_to_save_then_stops_everything(tmp_path):
    local, lines, marker = stand_in_cluster(tmp_path, "hang")
    main_thread = threading.main_thread().ident
    with local:
        while len(lines) < 3:                  # every task has started
            time.sleep(0.05)
        threading.Timer(0.2, signal.pthread_kill, (main_thread, signal.SIGINT)).start()
        with pytest.raises(KeyboardInterrupt):
            local.wait()
    assert "[worker:0] saved a checkpoint" in lines
    assert local.chief.code == 130
    assert_none_left(marker)


def test_tasks_die_with_a_launcher_killed_outright(tmp_path):
    """`kill -9` of the launcher leaves no task behind (Linux's parent-death signal)."""
    _, _, marker = stand_in_cluster(tmp_path, "hang")      # (writes the stand-in)
    launcher = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from tfgraph.support import cluster
        command = lambda job, i, spec: [sys.executable, {marker!r}, job, str(i), "hang"]
        with cluster.LocalCluster(command, workers=2) as local:
            print("started", flush=True)
            local.wait()
        """)
    proc = subprocess.Popen([sys.executable, "-c", launcher], stdout=subprocess.PIPE, text=True)

    def tasks():
        return [pid for pid, _ in processes_with(marker) if pid != proc.pid]

    try:
        assert proc.stdout.readline().strip() == "started"
        deadline = time.monotonic() + 10
        while len(tasks()) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(tasks()) == 3
    finally:
        proc.kill()          # the launcher, outright: its tasks must go with it
        proc.wait(10)
    assert_none_left(marker)
