"""Lesson distributed: the graph and its device placement (no server started), the launcher's
process handling on stand-in tasks, the flags' faults, and the real cluster on real digits:
learning, synchronous SGD, a worker killed and resumed, Ctrl-C. After every run that starts
processes, the process table is checked: nothing the run started may be left behind."""

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from lessons import distributed
from tfgraph.support import cluster
from tfgraph.support.errors import UserError

ROOT = Path(__file__).resolve().parent.parent
SPEC = {"ps": ["127.0.0.1:2222"], "worker": ["127.0.0.1:2223", "127.0.0.1:2224"]}


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


@contextlib.contextmanager
def launcher(*flags, seconds=180, **popen):
    """The lesson's launcher as a process, its output piped; killed if it outlives `seconds`
    or the test (its tasks die with it)."""
    proc = subprocess.Popen([sys.executable, "-m", "lessons.distributed", *flags], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TFGRAPH_OFFLINE": "1"}, **popen)
    watchdog = threading.Timer(seconds, proc.kill)
    watchdog.start()
    try:
        yield proc
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


def lesson_process(*flags):
    return subprocess.run([sys.executable, "-m", "lessons.distributed", *flags], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TFGRAPH_OFFLINE": "1"})


def assert_one_line_error(proc, *words):
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


# -- the graph: shapes and devices, without a server ----------------------------------------

def replica(spec=SPEC, task=1, sync=False, hidden=32):
    from tfgraph import new_graph
    graph = new_graph(0)
    with graph.as_default():
        rep = distributed.build_graph(spec, task, sync=sync, hidden=hidden)
    return graph, rep


def test_every_variable_on_the_ps_every_matmul_on_the_worker():
    graph, rep = replica(task=1)
    variables = [op for op in graph.get_operations() if op.type == "VarHandleOp"]
    assert {op.name for op in variables} == {
        "relu_layer/weights", "relu_layer/biases", "logit_layer/weights", "logit_layer/biases",
        "global_step", "workers/steps", "workers/examples", "workers/reports"}
    assert {op.device for op in variables} == {"/job:ps/task:0"}
    matmuls = [op for op in graph.get_operations() if op.type == "MatMul"]
    assert len(matmuls) >= 6          # 2 forward, 4 in the gradients
    assert {op.device for op in matmuls} == {"/job:worker/task:1"}
    # The updates run where the weights are; the counting too.
    applies = [op for op in graph.get_operations() if op.type.startswith("ResourceApply")]
    assert len(applies) == 4 and {op.device for op in applies} == {"/job:ps/task:0"}
    assert {op.device for op in graph.get_operations() if op.type.startswith(
        "ResourceScatter")} == {"/job:ps/task:0"}
    # The done queue lives on the ps, under a name every task's graph shares.
    (queue,) = [op for op in graph.get_operations() if op.type == "FIFOQueueV2"]
    assert queue.device.startswith("/job:ps/task:0")
    assert queue.get_attr("shared_name") == b"done_queue_0"


@pytest.mark.parametrize("sync", [False, True])
def test_a_step_is_counted_only_after_its_update(sync):
    # Counted before, a worker killed in mid-step would leave a step counted, never applied
    # (a resumed run then ended one global step short: CI saw 599 of 600).
    graph, rep = replica(task=1, sync=sync)
    counts = [op for op in graph.get_operations() if op.type == "ResourceScatterAdd"]
    assert len(counts) == 2                     # the steps and the examples
    update = getattr(rep.update, "op", rep.update)     # --sync: an assignment; its op

    def waits_for(op, seen=None):
        """Every op that must run before `op`: its inputs' and control inputs', transitively."""
        seen = set() if seen is None else seen
        for before in [t.op for t in op.inputs] + list(op.control_inputs):
            if before not in seen:
                seen.add(before)
                waits_for(before, seen)
        return seen

    for count in counts:
        assert update in waits_for(count), count.name


def test_a_worker_talks_to_the_ps_and_itself_only():
    # Without device filters a worker's session would wait for every other worker to start.
    assert list(distributed.session_config(1).device_filters) == ["/job:ps",
                                                                  "/job:worker/task:1"]


def test_shapes_of_the_cluster_bookkeeping():
    _, rep = replica(task=0, hidden=16)
    net = rep.net
    assert net.hidden.weights.shape.as_list() == [784, 16]
    assert net.logit.weights.shape.as_list() == [16, 10]
    assert rep.steps.shape.as_list() == [2] and rep.steps.dtype.base_dtype.name == "int64"
    assert rep.examples.shape.as_list() == [2]
    assert rep.reports.shape.as_list() == [2, len(distributed.REPORT)]
    assert rep.report.shape.as_list() == [len(distributed.REPORT)]
    assert rep.step_after.shape.as_list() == []
    assert rep.finished.shape.as_list() == [] and rep.sync is None


def test_variables_spread_over_two_parameter_servers():
    spec = {"ps": ["a:1", "b:1"], "worker": ["c:1", "d:1", "e:1"]}
    graph, rep = replica(spec, task=2)
    devices = {op.device for op in graph.get_operations() if op.type == "VarHandleOp"}
    assert devices == {"/job:ps/task:0", "/job:ps/task:1"}
    assert rep.steps.shape.as_list() == [3]
    queues = [op for op in graph.get_operations() if op.type == "FIFOQueueV2"]
    assert sorted(q.get_attr("shared_name") for q in queues) == [b"done_queue_0",
                                                                 b"done_queue_1"]


def test_sync_graph_aggregates_on_the_ps_and_only_the_chief_runs_it():
    graph, chief = replica(task=0, sync=True)
    assert chief.sync is not None and chief.sync_tokens is not None
    assert chief.sync_runner is not None
    accumulators = [op for op in graph.get_operations()
                    if op.type == "ResourceConditionalAccumulator"]
    assert len(accumulators) == 4          # one per weight and bias
    assert {op.device for op in accumulators} == {"/job:ps/task:0"}
    assert any(op.name.startswith("sync_replicas/") for op in graph.get_operations())
    _, other = replica(task=1, sync=True)
    assert other.sync is not None and other.sync_tokens is None and other.sync_runner is None


def test_shards_split_the_training_data_without_overlap():
    import numpy as np
    from tfgraph.data.mnist import Split
    train = Split(np.arange(11, dtype=np.float32)[:, None], np.arange(11) % 10)
    shards = [distributed.shard_of(train, i, 3) for i in range(3)]
    assert [len(s) for s in shards] == [4, 4, 3]
    assert sorted(np.concatenate([s.images[:, 0] for s in shards])) == list(range(11))


# -- the --cluster flag -------------------------------------------------------------------------

def test_cluster_flag_parses_and_checks():
    items = [cluster.job_flag("worker=b:2222,c:2223"), cluster.job_flag("ps=a:2222")]
    assert cluster.cluster_spec(items) == {"ps": ["a:2222"], "worker": ["b:2222", "c:2223"]}
    assert cluster.spec_flag({"ps": ["a:1"], "worker": ["b:1", "c:1"]}) == [
        "ps=a:1", "worker=b:1,c:1"]
    import argparse
    for bad in ["ps", "ps=", "ps=a", "ps=a:0", "ps=a:x", "chief=a:1", "ps=a:1,"]:
        with pytest.raises(argparse.ArgumentTypeError):
            cluster.job_flag(bad)
    with pytest.raises(UserError, match="lacks the job worker"):
        cluster.cluster_spec([cluster.job_flag("ps=a:1")])
    with pytest.raises(UserError, match="twice"):
        cluster.cluster_spec([cluster.job_flag("ps=a:1"), cluster.job_flag("ps=a:2"),
                              cluster.job_flag("worker=b:1")])


@pytest.mark.parametrize("flags, words", [
    (["--cluster", "ps=localhost", "worker=localhost:2223"], ["--cluster", "HOST:PORT"]),
    (["--cluster", "ps=localhost:70000", "worker=localhost:2223"], ["65535"]),
    (["--cluster", "boss=localhost:2222"], ["--cluster", "ps, worker"]),
    (["--cluster", "ps=localhost:2222", "--job-name", "ps", "--task-index", "0"],
     ["lacks the job worker"]),
    (["--cluster", "ps=localhost:2222", "worker=localhost:2222", "--job-name", "ps",
      "--task-index", "0"], ["two tasks"]),
    (["--cluster", "ps=localhost:2222", "worker=localhost:2223,localhost:2224",
      "--job-name", "worker", "--task-index", "2"], ["--task-index 2", "0 to 1"]),
    (["--cluster", "ps=localhost:2222", "worker=localhost:2223", "--job-name", "worker"],
     ["--task-index"]),
    (["--job-name", "ps", "--task-index", "0"], ["need --cluster"]),
    (["--task-index", "-1"], ["--task-index"]),
    (["--workers", "0"], ["--workers"]),
    (["--startup-timeout", "0"], ["--startup-timeout"]),
])
def test_bad_cluster_flags_are_one_line(flags, words):
    assert_one_line_error(lesson_process(*flags), *words)


def test_a_port_already_taken_is_one_line(tmp_path):
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        (free,) = cluster.free_ports(1)
        proc = lesson_process("--cluster", f"ps=127.0.0.1:{port}", f"worker=127.0.0.1:{free}",
                              "--job-name", "ps", "--task-index", "0",
                              "--logdir", str(tmp_path))
    assert_one_line_error(proc, f"port {port}", "already taken")


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


# -- the real cluster on real digits (slow: three TensorFlow processes per run) ------------------

def small_flags(data, logdir, *more):
    # (the batch size given: mnist_dense's default, which this lesson follows, may change)
    return ["--data-dir", str(data), "--logdir", str(logdir), "--hidden", "64",
            "--learning-rate", "0.1", "--batch-size", "20", "--summary-every", "20", *more]


@pytest.mark.slow
def test_two_workers_learn_and_tensorboard_shows_each(tmp_path, shared_mnist_dir, events):
    result = distributed.main(small_flags(shared_mnist_dir, tmp_path, "--train-size", "2000",
                                          "--epochs", "2"))
    assert_none_left(str(tmp_path))
    assert result["test_accuracy"] > 0.80                 # chance is 0.10
    assert result["died"] == [] and result["not_finished"] == []
    # Asynchronous: every step of every worker is one update of the shared weights.
    assert result["steps_per_worker"] == [100, 100] and result["global_step"] == 200
    assert result["examples_per_worker"] == [2000, 2000]
    speeds = result["examples_per_second"]
    assert speeds["worker_0"] > 0 and speeds["worker_1"] > 0 and speeds["cluster"] > 0

    run = Path(result["run_dir"])
    graph = events(run / "cluster").Graph()
    devices = {node.name: node.device for node in graph.node}
    for variable in ("relu_layer/weights", "logit_layer/weights", "global_step",
                     "workers/steps"):
        assert devices[variable] == "/job:ps/task:0"
    assert {d for n, d in devices.items() if n.endswith("/MatMul")} == {"/job:worker/task:0"}
    for i in range(2):
        worker = events(run / f"worker_{i}")
        assert set(worker.Tags()["scalars"]) == {"loss", "accuracy", "examples_per_second",
                                                 "steps_contributed"}
        assert worker.Scalars("steps_contributed")[-1].value == 100
        assert worker.Scalars("steps_contributed")[-1].step == 200
    cluster_run = events(run / "cluster")
    assert {"loss", "accuracy", "examples_per_second"} <= set(cluster_run.Tags()["scalars"])
    test = events(run / "test").Scalars("accuracy")
    assert [(e.step, e.value) for e in test] == [(200, pytest.approx(result["test_accuracy"]))]
    assert (run / "checkpoints" / "model.ckpt-200.index").is_file()


@pytest.mark.slow
def test_one_worker_computes_exactly_what_mnist_dense_computes(tmp_path, shared_mnist_dir):
    """A cluster of one worker: the same graph seed, the same batches in the same order, the
    weights on the ps instead of in the process. Only the place changed, not one number."""
    from lessons import mnist_dense
    flags = ["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path), "--hidden", "64",
             "--train-size", "1000", "--epochs", "2", "--batch-size", "20"]
    alone = mnist_dense.main(flags)
    cluster_of_one = distributed.main([*flags, "--workers", "1"])
    assert_none_left(str(tmp_path))
    assert cluster_of_one["global_step"] == alone["steps"] == 100
    assert cluster_of_one["test_accuracy"] == alone["test_accuracy"]
    assert cluster_of_one["test_loss"] == alone["test_loss"]


@pytest.mark.slow
def test_sync_averages_one_gradient_of_each_worker_per_step(tmp_path, shared_mnist_dir):
    result = distributed.main(small_flags(shared_mnist_dir, tmp_path, "--train-size", "1000",
                                          "--epochs", "2", "--sync"))
    assert_none_left(str(tmp_path))
    # 2 epochs of the largest shard (500 examples, 25 batches): 50 averaged updates, each
    # taking a gradient from every worker (a stale one is dropped, so a few more are sent).
    assert result["global_step"] == 50 and result["sync"]
    assert sum(result["steps_per_worker"]) >= 2 * 50
    assert result["test_accuracy"] > 0.6


@pytest.mark.slow
def test_a_worker_killed_mid_run_then_resume(tmp_path, shared_mnist_dir):
    flags = small_flags(shared_mnist_dir, tmp_path, "--train-size", "4000", "--epochs", "3")
    output = []
    with launcher(*flags, "--run-name", "killed") as proc:
        for line in proc.stdout:
            output.append(line)
            if line.startswith("[worker:1] epoch 1 "):       # worker 1 is training
                (victim,) = [pid for pid, command in processes_with(str(tmp_path))
                             if "--job-name worker --task-index 1 " in command]
                os.kill(victim, signal.SIGKILL)
                break
        rest, err = proc.communicate(timeout=120)
    output = "".join(output) + rest
    assert proc.returncode == 1, (output[-3000:], err)
    assert "worker:1 killed by SIGKILL; the other workers go on" in output
    assert "worker:1 (killed by SIGKILL) ended before its work was done" in output
    assert "Traceback" not in output + err
    assert_none_left(str(tmp_path))
    (run,) = (tmp_path / "distributed").iterdir()
    steps = sorted(int(p.name.split("-")[1].split(".")[0])
                   for p in (run / "checkpoints").glob("model.ckpt-*.index"))
    assert steps and steps[-1] < 600                      # short of 2 x 3 x 100 steps
    for sub in ("cluster", "worker_0", "worker_1", "validation", "test"):
        assert list((run / sub).glob("events.out.tfevents.*")), sub

    resumed = distributed.main(["--logdir", str(tmp_path), "--resume", run.name])
    assert_none_left(str(tmp_path))
    assert resumed["run_dir"] == str(run) and resumed["died"] == []
    assert resumed["global_step"] == 600 and resumed["steps_per_worker"] == [300, 300]


@pytest.mark.slow
def test_ctrl_c_on_the_launcher_keeps_a_checkpoint_and_ends_every_process(tmp_path,
                                                                          shared_mnist_dir):
    flags = small_flags(shared_mnist_dir, tmp_path, "--train-size", "4000", "--epochs", "3")
    # (a shell without job control starts background jobs with SIGINT ignored)
    with launcher(*flags, preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                           signal.SIG_DFL)) as proc:
        for line in proc.stdout:
            if line.startswith("[worker:0] epoch 1 "):
                proc.send_signal(signal.SIGINT)
                break
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (out[-3000:], err)
    assert "Continue with: python -m lessons.distributed" in out and "--resume" in out
    assert "Traceback" not in out + err
    assert_none_left(str(tmp_path))
    (run,) = (tmp_path / "distributed").iterdir()
    assert list((run / "checkpoints").glob("model.ckpt-*.index"))


@pytest.mark.slow
def test_a_parameter_server_that_does_not_answer_is_one_line(tmp_path):
    nobody, mine = cluster.free_ports(2)
    started = time.monotonic()
    proc = lesson_process("--cluster", f"ps=127.0.0.1:{nobody}", f"worker=127.0.0.1:{mine}",
                          "--job-name", "worker", "--task-index", "0", "--startup-timeout",
                          "2", "--logdir", str(tmp_path))
    assert_one_line_error(proc, f"ps:0 at 127.0.0.1:{nobody}", "did not answer within 2 s")
    assert time.monotonic() - started < 60
    assert_none_left(str(tmp_path))
