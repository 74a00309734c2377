"""Lesson distributed: the graph and its device placement (no server started), the flags'
faults, the launcher given the lesson's own command line, and the real cluster on real
digits: learning, synchronous SGD, a worker killed and resumed, Ctrl-C. After every run that
starts processes, the process table is checked: nothing the run started may be left behind.
(The launcher's process handling on stand-in tasks: tests/test_support_cluster.py.)"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import assert_one_line_error, lesson_process
from lessons import distributed
from test_support_cluster import assert_none_left, processes_with
from tfgraph.support import cluster, replicas

ROOT = Path(__file__).resolve().parent.parent
SPEC = {"ps": ["127.0.0.1:2222"], "worker": ["127.0.0.1:2223", "127.0.0.1:2224"]}


# -- the lesson's own processes -------------------------------------------------------------

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
    book = rep.book
    assert book.steps.shape.as_list() == [2] and book.steps.dtype.base_dtype.name == "int64"
    assert book.examples.shape.as_list() == [2]
    assert book.reports.shape.as_list() == [2, len(replicas.REPORT)]
    assert book.report.shape.as_list() == [len(replicas.REPORT)]
    assert book.step_after.shape.as_list() == []
    assert book.finished.shape.as_list() == [] and rep.sync is None


def test_variables_spread_over_two_parameter_servers():
    spec = {"ps": ["a:1", "b:1"], "worker": ["c:1", "d:1", "e:1"]}
    graph, rep = replica(spec, task=2)
    devices = {op.device for op in graph.get_operations() if op.type == "VarHandleOp"}
    assert devices == {"/job:ps/task:0", "/job:ps/task:1"}
    assert rep.book.steps.shape.as_list() == [3]
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


def test_the_cluster_trains_with_mnist_dense_s_defaults():
    # "mnist_dense's training, shared out among the workers": with the same defaults, one
    # worker computes exactly what mnist_dense computes (a slow test below checks it).
    from lessons import mnist_dense
    assert (distributed.EPOCHS, distributed.BATCH_SIZE, distributed.LEARNING_RATE,
            distributed.HIDDEN) == (mnist_dense.EPOCHS, mnist_dense.BATCH_SIZE,
                                    mnist_dense.LEARNING_RATE, mnist_dense.HIDDEN)


# -- one list of flags: the launcher's command line reaches every task ------------------------

class TaskParsed(Exception):
    """A task has parsed its flags (and would now start its server)."""


def test_every_flag_given_to_the_launcher_reaches_every_task(tmp_path, monkeypatch):
    # Rebuilt by hand for each task, a flag added to the lesson and forgotten there reached
    # the workers as its default. Now each task runs the launcher's command line unchanged.
    parsed, commands = [], []      # the flags as each process parsed them; the tasks' argv
    is_task = cluster.is_task
    monkeypatch.setattr(cluster, "is_task", lambda args: parsed.append(args) or is_task(args))
    monkeypatch.setattr(cluster, "task_spec", lambda args: (_ for _ in ()).throw(TaskParsed))
    monkeypatch.setattr(distributed.board, "show", lambda *_: None)

    class Processes:                # what LocalCluster would start, not started
        def __init__(self, command, workers, **_):
            self.tasks, self.spec = [], {"ps": ["127.0.0.1:1"], "worker": [
                f"127.0.0.1:{2 + i}" for i in range(workers)]}
            commands.extend(command(job, i, self.spec) for job in cluster.JOBS
                            for i in range(len(self.spec[job])))

        def __enter__(self):
            return self

        def __exit__(self, *_):
            return False

        def wait(self):
            return cluster.Outcome({"run_dir": str(tmp_path)})

    monkeypatch.setattr(cluster, "LocalCluster", Processes)
    distributed.main(["--logdir", str(tmp_path / "elsewhere")])
    defaults = vars(parsed.pop())
    flags = ["--logdir", str(tmp_path), "--run-name", "r", "--seed", "7", "--epochs", "3",
             "--batch-size", "16", "--learning-rate", "0.05", "--data-dir", str(tmp_path),
             "--train-size", "100", "--summary-every", "9", "--tensorboard", "--hidden", "48",
             "--workers", "3", "--startup-timeout", "7.5", "--sync", "--lang", "pt"]
    commands.clear()
    distributed.main(flags)
    assert len(commands) == 4               # ps:0, worker:0, worker:1, worker:2
    for command in commands:
        assert command[:3 + len(flags)] == [sys.executable, "-m", "lessons.distributed", *flags]
        with pytest.raises(TaskParsed):
            distributed.main(command[3:])
    launcher, *tasks = map(vars, parsed)
    which = ("cluster", "job_name", "task_index")
    # Every flag of the lesson is given here (--resume, checked against a run's flags.json,
    # is resumed for real below): one added to the lesson and not here fails this test.
    # --lang too: every task speaks the launcher's language.
    assert {k for k in launcher if launcher[k] == defaults[k]} == {"lesson", "resume", *which}
    for task in tasks:
        assert {k: v for k, v in task.items() if k not in which} == {
            k: v for k, v in launcher.items() if k not in which}
    assert [(t["job_name"], t["task_index"]) for t in tasks] == [
        ("ps", 0), ("worker", 0), ("worker", 1), ("worker", 2)]


# -- the flags ------------------------------------------------------------------------------

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
    (["--workers", "17"], ["--workers 17", "at most 16 processes"]),
    (["--startup-timeout", "0"], ["--startup-timeout"]),
])
def test_bad_cluster_flags_are_one_line(lesson_main, flags, words):
    # As the command runs them (cluster.run's cli.run), in this process: refused before any
    # server or process starts. The real command: the port test just below.
    assert_one_line_error(lesson_main("distributed", *flags), *words)


def test_a_port_already_taken_is_one_line(tmp_path):
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        (free,) = cluster.free_ports(1)
        proc = lesson_process("distributed", "--cluster", f"ps=127.0.0.1:{port}",
                              f"worker=127.0.0.1:{free}",
                              "--job-name", "ps", "--task-index", "0",
                              "--logdir", str(tmp_path))
    assert_one_line_error(proc, f"port {port}", "already taken")


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
def test_one_worker_computes_exactly_what_mnist_dense_computes(tmp_path, shared_mnist_dir, capfd):
    """A cluster of one worker: the same graph seed, the same batches in the same order, the
    weights on the ps instead of in the process. Only the place changed, not one number.
    (And it says "1 worker", not "1 workers".)"""
    from lessons import mnist_dense
    flags = ["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path), "--hidden", "64",
             "--train-size", "1000", "--epochs", "2", "--batch-size", "20"]
    alone = mnist_dense.main(flags)
    cluster_of_one = distributed.main([*flags, "--workers", "1"])
    assert_none_left(str(tmp_path))
    assert cluster_of_one["global_step"] == alone["steps"] == 100
    assert cluster_of_one["test_accuracy"] == alone["test_accuracy"]
    assert cluster_of_one["test_loss"] == alone["test_loss"]
    out = capfd.readouterr().out
    assert re.search(r"^\[ps:0\] ps:0 holds the variables at \S+; it ends when its 1 worker is done$", out, re.M), out
    assert re.search(r"after global step 100 \(asynchronous SGD, 1 worker\)$", out, re.M), out


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
                tasks = {command for _, command in processes_with(str(tmp_path))
                         if "--job-name" in command}
                typed = " ".join(map(str, [*flags, "--run-name", "killed"])) + " --cluster "
                assert len(tasks) == 3 and all(typed in task for task in tasks), tasks
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
    proc = lesson_process("distributed", "--cluster", f"ps=127.0.0.1:{nobody}",
                          f"worker=127.0.0.1:{mine}",
                          "--job-name", "worker", "--task-index", "0", "--startup-timeout",
                          "2", "--logdir", str(tmp_path))
    assert_one_line_error(proc, f"ps:0 at 127.0.0.1:{nobody}", "did not answer within 2 s")
    assert time.monotonic() - started < 60
    assert_none_left(str(tmp_path))
