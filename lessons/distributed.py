"""Lesson 12 — beyond one machine: the dense network on TensorFlow's own distributed runtime

When a model or its data outgrows one machine, the TensorFlow of the talk's era answers with
the engine its graphs and sessions were designed for. A *cluster* has two jobs of *tasks*,
one process each, talking gRPC:

    ps       the parameter server: it holds the variables (weights, biases, global step)
    worker   the workers: each builds the same mnist_dense graph (between-graph replication)
             and trains it with its own session on its own share of the training data

`replica_device_setter` puts every variable on the ps and every computation on the worker,
so on every step a worker reads the weights over the network, computes the gradients of its
batch and sends them back; the ps applies them. By default each worker updates as soon as it
is ready (asynchronous SGD: a gradient may be computed on weights a step or two old); with
--sync a SyncReplicasOptimizer waits for one gradient of every worker, averages them and
applies them once. Worker 0 is the *chief*: it initialises the variables, writes the
summaries and the checkpoints, and runs --sync's aggregation.

It prints every worker's examples per second and the whole cluster's, and the test accuracy
of the shared weights (the same as mnist_dense's, give or take the asynchronous updates).

Run it:
    python -m lessons.distributed                 # 1 ps + 2 workers, 3 processes, here
    python -m lessons.distributed --data-dir ../shared/data/mnist     # offline, 10k digits
    python -m lessons.distributed --workers 3 --sync
    python -m lessons.distributed --resume        # after Ctrl-C, or a worker that died
On three machines a, b, c: the same lesson, one task each, started in any order within
--startup-timeout (60 s) of each other; the same training flags (e.g. --data-dir) on every
worker, --resume only on worker 0; the ps ends when both workers are done:
    python -m lessons.distributed --cluster ps=a:2222 worker=b:2222,c:2222 --job-name ps --task-index 0
    python -m lessons.distributed --cluster ps=a:2222 worker=b:2222,c:2222 --job-name worker --task-index 0
    python -m lessons.distributed --cluster ps=a:2222 worker=b:2222,c:2222 --job-name worker --task-index 1

In TensorBoard (the lesson prints the command):
    Graphs      (run `cluster`) mnist_dense's boxes `inputs` -> `relu_layer` ->
                `logit_layer` -> `cross_entropy` -> `gradients` -> `sgd_trainer`,
                `evaluation`, `save`, and the cluster's own: `workers` (the steps,
                examples and reports of each worker, kept on the ps) and `done` (where each
                worker tells the ps it has finished). Choose "Color: Device": the variables
                sit on /job:ps/task:0, the computation on /job:worker/task:0
    Scalars     runs `worker_0`, `worker_1`: each worker's `loss` and `accuracy` (on its own
                batches), `examples_per_second` and `steps_contributed` (how many of the
                global steps were its own); run `cluster`: `examples_per_second` of the
                whole cluster, `loss` and `accuracy` of the chief's batch; runs
                `validation` and `test`: `accuracy` and `loss` of the shared weights
    Histograms  (run `cluster`) the shared weights: `relu_layer/weights/histogram`,
                `relu_layer/biases/histogram`, `relu_layer/activations`,
                `logit_layer/weights/histogram`, `logit_layer/biases/histogram`,
                `logit_layer/activations`
    Images      (run `cluster`) `inputs/digits`, `relu_layer/weight_maps`
"""

import io
import os
import sys
import threading
import time
from argparse import Namespace
from pathlib import Path
from typing import NamedTuple

import numpy as np

from lessons import mnist_dense
from tfgraph import new_graph, tf
from tfgraph.support import Run, board, cli, cluster
from tfgraph.data.mnist import Split, load_mnist
from tfgraph.support.errors import UserError
from tfgraph.train import evaluate_splits, steps_per_epoch, training_batches
from tfgraph.support.watch import Progress

LESSON = "distributed"
EPOCHS = mnist_dense.EPOCHS          # mnist_dense's training, shared out among the workers
BATCH_SIZE = mnist_dense.BATCH_SIZE
LEARNING_RATE = mnist_dense.LEARNING_RATE
HIDDEN = mnist_dense.HIDDEN
WORKERS = 2
MAX_WORKERS = 16
SUMMARY_EVERY = 200       # global steps between the chief's summaries
REPORT_EVERY = 50         # a worker's steps between its reports to the ps
STARTUP_TIMEOUT = 60      # seconds a task waits for the ps, and a worker for the chief
STALL_SECONDS = 60        # the chief stops waiting for a worker that made no step this long
SYNC_STEP_TIMEOUT = 30    # seconds a --sync step may wait for the other workers' gradients
# A worker's report, one row per worker in `workers/reports` on the ps:
REPORT = ("loss", "accuracy", "examples_per_second", "average_examples_per_second", "done")
LOSS, ACCURACY, RATE, AVERAGE_RATE, DONE = range(len(REPORT))
ROOT = Path(__file__).resolve().parent.parent


class ReplicaGraph(NamedTuple):
    net: object            # mnist_dense.DenseGraph: the network, its variables on the ps
    update: object         # applies this worker's gradients to the shared weights
    train_op: object       # this worker's step: the update, then the step counted
    step_after: object     # int64 []: the global step, read after this worker's step
    steps: object          # int64 [workers] (ps): steps each worker contributed
    examples: object       # int64 [workers] (ps): examples each worker trained on
    reports: object        # float32 [workers, 5] (ps): each worker's last REPORT
    report: object         # float32 [5] placeholder: this worker's REPORT
    send_report: object    # writes `report` into this worker's row of `reports`
    finished: object       # int32 [] placeholder: the index of a worker that is done
    announce: object       # tells every ps that worker `finished` is done
    uninitialized: object  # string [n]: the shared variables not initialised yet
    local_init: object     # this worker's own state (--sync: its copy of the global step)
    sync: object           # --sync: the SyncReplicasOptimizer, else None
    sync_tokens: object    # --sync, chief: the first tokens that let every worker start
    sync_runner: object    # --sync, chief: the queue runner that applies averaged gradients


def done_queue(spec, ps_index):
    """The queue on parameter server `ps_index` where every worker leaves its index when it
    is done; the ps ends once it holds one per worker. Found by its shared name, so the
    ps's own graph and every worker's graph mean the same queue."""
    workers = len(spec["worker"])
    with tf.compat.v1.device(f"/job:ps/task:{ps_index}"):
        return tf.queue.FIFOQueue(2 * workers, [tf.int32], shapes=[[]],
                                  shared_name=f"done_queue_{ps_index}", name=f"queue_{ps_index}")


def build_graph(spec, task_index, sync=False, learning_rate=LEARNING_RATE, hidden=HIDDEN,
                image_shape=(28, 28)):
    """Worker `task_index`'s graph: mnist_dense's network with its variables on the ps.

    spec: the cluster, {"ps": ["host:port", ...], "worker": ["host:port", ...]}. Builds
    ops only; nothing contacts a server.
    """
    workers = len(spec["worker"])
    here = f"/job:worker/task:{task_index}"
    setter = tf.compat.v1.train.replica_device_setter(
        cluster=tf.compat.v1.train.ClusterSpec(spec), worker_device=here)
    with tf.compat.v1.device(setter):   # variables -> /job:ps/task:k, other ops -> here
        net = mnist_dense.build_graph(learning_rate, hidden, image_shape=image_shape)
        update, optimizer, tokens, runner = net.train_op, None, None, None
        if sync:
            # Same gradients, another trainer: it adds them up per variable on the ps until
            # every worker has sent one, then applies their mean (sgd_trainer is not run).
            with tf.name_scope("sync_replicas"):
                optimizer = tf.compat.v1.train.SyncReplicasOptimizer(
                    tf.compat.v1.train.GradientDescentOptimizer(learning_rate),
                    replicas_to_aggregate=workers, total_num_replicas=workers)
                update = optimizer.apply_gradients(net.gradients, global_step=net.global_step)
                if task_index == 0:
                    tokens = optimizer.get_init_tokens_op()
                    runner = optimizer.get_chief_queue_runner()

        with tf.compat.v1.variable_scope("workers"):
            zeros = tf.compat.v1.zeros_initializer()
            steps = tf.compat.v1.get_variable("steps", [workers], tf.int64, zeros,
                                              trainable=False)
            examples = tf.compat.v1.get_variable("examples", [workers], tf.int64, zeros,
                                                 trainable=False)
            reports = tf.compat.v1.get_variable("reports", [workers, len(REPORT)], tf.float32,
                                                zeros, trainable=False)
            report = tf.compat.v1.placeholder(tf.float32, [len(REPORT)], name="report")
            batch = tf.shape(net.x, out_type=tf.int64)[:1]                  # [1]
            # Counted where the counters live (with two ps, not all on the same one), and only
            # once the update is applied: otherwise the ps would count a step as it begins,
            # and a worker killed in mid-step would leave a step counted but never applied.
            with tf.control_dependencies([update]):
                with tf.compat.v1.device(steps.device):
                    count_step = tf.compat.v1.scatter_add(steps, [task_index], [1])
                with tf.compat.v1.device(examples.device):
                    count_examples = tf.compat.v1.scatter_add(examples, [task_index], batch)
            with tf.compat.v1.device(reports.device):
                send_report = tf.compat.v1.scatter_update(reports, [task_index], report[None])
            train_op = tf.group(update, count_step, count_examples, name="step")
            with tf.control_dependencies([train_op]):
                step_after = net.global_step.read_value()

    with tf.compat.v1.device(here):
        with tf.name_scope("done"):
            finished = tf.compat.v1.placeholder(tf.int32, [], name="worker")
            announce = tf.group(*[done_queue(spec, i).enqueue(finished)
                                  for i in range(len(spec["ps"]))], name="announce")
        uninitialized = tf.compat.v1.report_uninitialized_variables(
            tf.compat.v1.global_variables())
        if sync:
            local_init = (optimizer.chief_init_op if task_index == 0
                          else optimizer.local_step_init_op)
        else:
            local_init = tf.no_op(name="local_init")
    return ReplicaGraph(net, update, train_op, step_after, steps, examples, reports, report,
                        send_report, finished, announce, uninitialized, local_init, optimizer,
                        tokens, runner)


def session_config(task_index):
    # Device filters: this worker talks to the ps and to itself only, so it neither waits
    # for the other workers to start nor depends on them staying up.
    return tf.compat.v1.ConfigProto(
        allow_soft_placement=True,
        device_filters=["/job:ps", f"/job:worker/task:{task_index}"])


# -- one worker's loop ---------------------------------------------------------------------

def shard_of(train, task_index, workers):
    """Worker `task_index`'s share of the training data: every `workers`-th example."""
    return Split(train.images[task_index::workers], train.labels[task_index::workers])


def sync_target(train_size, workers, args):
    """--sync: the global step to reach, `--epochs` passes over the largest shard (each
    global step averages one batch of every worker)."""
    return args.epochs * steps_per_epoch(-(-train_size // workers), args.batch_size)


def train_replica(session, rep, shard, args, task_index, target=None, chief=None):
    """A worker's training: its share of the data, its session, the weights on the ps.

    Asynchronous: `--epochs` passes over its shard. --sync: until the global step reaches
    `target`. Every REPORT_EVERY steps it reports its loss, accuracy and speed to the ps,
    where the chief reads them; the chief (`chief`) also writes summaries and validates.
    Returns what this worker did: {"steps", "examples", "seconds", "examples_per_second"}.
    """
    net = rep.net
    step = session.make_callable([rep.train_op, net.loss, net.accuracy, rep.step_after],
                                 [net.x, net.y], accept_options=True)
    send = session.make_callable(rep.send_report, [rep.report])
    # A resumed run continues each worker's batches where the checkpoint left them.
    start = int(session.run(rep.steps)[task_index])
    sync = rep.sync is not None
    options = tf.compat.v1.RunOptions(timeout_in_ms=SYNC_STEP_TIMEOUT * 1000) if sync else None
    own_steps = args.epochs * steps_per_epoch(len(shard), args.batch_size)
    # Progress warns when the loss ends an epoch above its first step's: right for the
    # chief, whose first step is the network's first, not for a worker that joins later
    # (its first loss is already lower). Those warnings of the others are not shown.
    progress = Progress(target if sync else own_steps, args.learning_rate, every_seconds=5,
                        err=None if chief is not None else io.StringIO())
    window = np.zeros(3)                                 # loss, accuracy, steps: since report
    row = np.zeros(len(REPORT), np.float32)
    began = last = time.perf_counter()
    steps = examples = since = 0
    batches = training_batches(shard, args.batch_size, 10 ** 6 if sync else args.epochs,
                               args.seed, start_step=start)
    if sync and session.run(net.global_step) >= target:
        batches = []                                     # resumed after the end
    for batch in batches:
        try:
            _, loss, accuracy, global_step = step(batch.images, batch.labels, options=options)
        except tf.errors.DeadlineExceededError:
            print(f"waited {SYNC_STEP_TIMEOUT} s for the other workers' gradients: stopping")
            break
        progress.update(batch, loss)
        steps += 1
        examples += len(batch.images)
        since += len(batch.images)
        window += (loss, accuracy, 1)
        if batch.step % REPORT_EVERY == 0:
            now = time.perf_counter()
            row[:] = (window[0] / window[2], window[1] / window[2], since / (now - last),
                      examples / (now - began), 0)
            send(row)
            window[:], since, last = 0, 0, now
        if chief is not None:
            chief.after_step(batch, global_step)
        if sync and global_step >= target:
            break
    seconds = time.perf_counter() - began
    rate = examples / max(seconds, 1e-9)
    if window[2]:
        row[LOSS], row[ACCURACY] = window[0] / window[2], window[1] / window[2]
    row[RATE], row[AVERAGE_RATE], row[DONE] = rate, rate, 1
    send(row)
    return {"steps": steps, "examples": examples, "seconds": seconds,
            "examples_per_second": rate}


# -- what the chief does besides training ------------------------------------------------

class Chief:
    """Worker 0's other duties: summaries of every worker (read from the ps), validation and
    a checkpoint after each of its epochs, waiting for the others, the final scores.

    final_step: the global step the run ends at if no worker dies. The tables of the
    workers are written every --summary-every global steps before it, and once more at
    the end with every worker's last report.
    """

    def __init__(self, run, rep, data, args, workers, final_step):
        self.run, self.rep, self.data, self.args = run, rep, data, args
        self.workers, self.final_step = workers, final_step
        self.summary = run.session.make_callable(rep.net.summary, [rep.net.x, rep.net.y])
        self.read = run.session.make_callable(
            [rep.steps, rep.examples, rep.reports, rep.net.global_step])
        self.metrics = {"accuracy": rep.net.accuracy, "loss": rep.net.loss}
        self.next_summary = (run.step // args.summary_every + 1) * args.summary_every
        self.last_table = -1
        self.summary_steps = []                  # where the network's summaries went
        self.scalar_steps = {}                   # {run: {tag: [steps]}} of the scalars
        self.ended = {}                          # worker -> exit code, told by the launcher
        self.not_waited_for = []
        self.validated = (None, None)            # (global step, scores) of the last one
        steps, examples, _, _ = self.read()
        self.started = time.perf_counter()
        self.start_steps, self.start_examples = steps.copy(), int(examples.sum())
        self._last = (self.started, self.start_examples)
        cluster.listen(self._notice)

    def _notice(self, line):                     # "ended worker:1 -9", from the launcher
        words = line.split()
        if len(words) == 3 and words[0] == "ended" and words[1].startswith("worker:"):
            self.ended[int(words[1].split(":")[1])] = int(words[2])

    def _log(self, writer, step, **scalars):
        self.run.log(writer, step, **scalars)
        for tag in scalars:
            self.scalar_steps.setdefault(writer, {}).setdefault(tag, []).append(step)

    def evaluate(self, step, splits):
        scores = evaluate_splits(self.run, self.metrics, self.rep.net.x, self.rep.net.y,
                                 self.data, step, splits)
        for split in splits:
            for tag in scores[split]:
                self.scalar_steps.setdefault(split, {}).setdefault(tag, []).append(step)
        return scores

    def tables(self, global_step):
        """Each worker's last report and its steps, and the cluster's speed, as scalars."""
        global_step = int(global_step)
        steps, examples, reports, _ = self.read()
        for i in range(self.workers):
            values = {"steps_contributed": int(steps[i])}
            if reports[i, AVERAGE_RATE] > 0:             # it has reported at least once
                values.update(loss=reports[i, LOSS], accuracy=reports[i, ACCURACY],
                              examples_per_second=reports[i, RATE])
            self._log(f"worker_{i}", global_step, **values)
        now, total = time.perf_counter(), int(examples.sum())
        then, before = self._last
        self._log("cluster", global_step, examples_per_second=(total - before) / (now - then))
        self._last, self.last_table = (now, total), global_step
        self.next_summary = (global_step // self.args.summary_every + 1) * self.args.summary_every

    def after_step(self, batch, global_step):
        if self.next_summary <= global_step < self.final_step:
            self.run.writer("cluster").add_summary(self.summary(batch.images, batch.labels),
                                                   global_step)
            self.summary_steps.append(int(global_step))
            self.tables(global_step)
        if batch.end_of_epoch:
            step = self.run.step
            scores = self.evaluate(step, ("validation",))
            self.validated = (step, scores["validation"])
            print(f"  validation accuracy {scores['validation']['accuracy']:.4f} "
                  f"(global step {step})")
            self.run.save()                      # a chief that dies leaves its last epoch
            for writer in self.run.writers.values():
                writer.flush()

    def wait_for_others(self):
        """Wait until every other worker is done, has ended, or made no step for
        STALL_SECONDS; keep the tables going meanwhile."""
        last_steps, last_change = None, time.perf_counter()
        while True:
            steps, _, reports, global_step = self.read()
            waiting = [i for i in range(1, self.workers)
                       if reports[i, DONE] < 1 and i not in self.ended]
            if not waiting:
                return
            now = time.perf_counter()
            if last_steps is None or (steps != last_steps).any():
                last_steps, last_change = steps, now
            elif now - last_change > STALL_SECONDS:
                names = ", ".join(f"worker:{i}" for i in waiting)
                print(f"{names} made no step for {STALL_SECONDS} s: not waiting any longer")
                self.not_waited_for = waiting
                return
            if self.next_summary <= global_step < self.final_step:
                self.tables(global_step)
            time.sleep(0.2)

    def finish(self):
        """After the others: score the shared weights, write the last tables. Returns
        (global step, scores, {worker_i/cluster: examples/s, None if it trained nothing
        in this run}, steps and examples each worker contributed in all)."""
        global_step = self.run.step
        # The same global step means the same weights (every update counts one): a
        # validation just done at this step is not done again.
        again = self.validated[0] == global_step
        scores = self.evaluate(global_step, ("test",) if again else ("validation", "test"))
        if again:
            scores["validation"] = self.validated[1]
        if global_step > self.last_table:
            self.tables(global_step)             # every worker's last report, final counts
        steps, examples, reports, _ = self.read()
        seconds = time.perf_counter() - self.started
        speeds = {f"worker_{i}": float(reports[i, AVERAGE_RATE])
                  if steps[i] > self.start_steps[i] else None for i in range(self.workers)}
        speeds["cluster"] = (int(examples.sum()) - self.start_examples) / max(seconds, 1e-9)
        return global_step, scores, speeds, [int(n) for n in steps], [int(n) for n in examples]


# -- the tasks: a parameter server, a worker -----------------------------------------------

def start_server(spec, job, index):
    """This task's TensorFlow server, listening on its port of --cluster."""
    address = spec[job][index]
    try:
        return tf.distribute.Server(tf.compat.v1.train.ClusterSpec(spec), job_name=job,
                                    task_index=index, start=True,
                                    config=session_config(index) if job == "worker" else None)
    except tf.errors.OpError as e:
        raise UserError(f"{job}:{index} could not start its server at {address}: "
                        f"{e.message}") from None


def serve(server, spec, index):
    """The parameter server: serve the variables until every worker has said it is done."""
    workers = len(spec["worker"])
    print(f"ps:{index} holds the variables at {spec['ps'][index]}; it ends when all "
          f"{workers} workers are done", flush=True)
    graph = tf.Graph()
    with graph.as_default():
        all_done = done_queue(spec, index).dequeue_many(workers)
    session = tf.compat.v1.Session(server.target, graph=graph, config=tf.compat.v1.ConfigProto(
        device_filters=[f"/job:ps/task:{index}"]))
    finished = threading.Event()

    def wait():
        try:
            session.run(all_done)
        finally:
            finished.set()

    threading.Thread(target=wait, daemon=True).start()
    while not finished.wait(0.5):     # in Python, so Ctrl-C stops a ps started by hand
        pass
    time.sleep(1)                     # the last worker's announcement gets its answer
    print(f"ps:{index}: every worker is done, stopping")
    return {"task": f"ps:{index}"}


def work(server, spec, index, args):
    """Worker `index`: build the graph, wait for the ps (and the chief), train its shard."""
    workers = len(spec["worker"])
    cluster.wait_until_answering(spec["ps"], args.startup_timeout,
                                 lambda a: f"the parameter server ps:{spec['ps'].index(a)} at {a}")
    data = load_mnist(args.data_dir, train_size=args.train_size)
    shard = shard_of(data.train, index, workers)
    print(f"worker:{index}: {len(shard):,} of the {len(data.train):,} training examples")
    graph = new_graph(args.seed)
    with graph.as_default():
        rep = build_graph(spec, index, args.sync, args.learning_rate, args.hidden,
                          data.image_shape)
    target = sync_target(len(data.train), workers, args)
    if index > 0:
        return follow(server, graph, rep, shard, args, index, target)
    return lead(server, spec, graph, rep, data, shard, args, target)


def follow(server, graph, rep, shard, args, index, target):
    """A non-chief worker: wait until the chief has initialised the shared variables
    (polling, bounded: TensorFlow's MonitoredTrainingSession would sleep 30 s), train."""
    session = tf.compat.v1.Session(server.target, graph=graph, config=session_config(index))

    def initialised():
        while len(session.run(rep.uninitialized)):
            time.sleep(0.2)

    cluster.bounded(initialised, args.startup_timeout,
                    f"the chief (worker:0) did not initialise the shared variables within "
                    f"{args.startup_timeout:g} s (is it started, with the same --cluster?)")
    session.run(rep.local_init)
    graph.finalize()
    mine = train_replica(session, rep, shard, args, index, target)
    print(f"worker:{index}: done, {mine['steps']:,} steps at "
          f"{mine['examples_per_second']:,.0f} examples/s")
    announce_done(session, rep, [index])
    return mine


def announce_done(session, rep, workers):
    """Tell every ps that `workers` are done: a ps ends once it has heard of all of them.

    The last one heard may end the ps at once, so nothing may need it afterwards: not
    even closing `session`, which talks to the ps (the task ends right after).
    """
    for n, i in enumerate(workers, 1):
        try:
            session.run(rep.announce, {rep.finished: i},
                        options=tf.compat.v1.RunOptions(timeout_in_ms=30_000))
        except tf.errors.UnavailableError:
            if n == len(workers):
                return                  # the ps heard it and ended before it could answer
            raise
        except tf.errors.OpError as e:
            print(f"could not tell the ps that worker:{i} is done ({e.message.splitlines()[0]}"
                  f"); a ps started by hand must then be stopped by hand")
            return


def run_flags(args, workers):
    """The flags that define the experiment: recorded in the run's flags.json, checked (and
    taken back) by --resume."""
    keep = ("lesson", "logdir", "run_name", "resume", "seed", "epochs", "batch_size",
            "learning_rate", "data_dir", "train_size", "summary_every", "hidden", "sync")
    return Namespace(**{k: getattr(args, k) for k in keep}, workers=workers)


def lead(server, spec, graph, rep, data, shard, args, target):
    """The chief: initialise (or restore) the shared variables, train its own shard, write
    the summaries and checkpoints, wait for the others, test the shared weights."""
    workers = len(spec["worker"])
    config = session_config(0)

    def contact():
        with tf.compat.v1.Session(server.target, graph=graph, config=config) as probe:
            return probe.run(rep.uninitialized)

    cluster.bounded(contact, args.startup_timeout,
                    f"the parameter server at {', '.join(spec['ps'])} did not answer a "
                    f"session within {args.startup_timeout:g} s (is it a TensorFlow server "
                    f"of this cluster?)")
    writers = ("cluster", *(f"worker_{i}" for i in range(workers)), "validation", "test")
    with graph.as_default(), tf.compat.v1.device("/job:worker/task:0"):
        run = Run(run_flags(args, workers), graph, writers, target=server.target,
                  config=config)             # its initializer and Saver: on the chief
    final_step = target if args.sync else sum(
        args.epochs * steps_per_epoch(len(shard_of(data.train, i, workers)), args.batch_size)
        for i in range(workers))
    with run:
        cluster.emit("run", run_dir=str(run.dir),
                     hint=f"continue with: {run.continue_command()}")
        run.session.run(rep.local_init)
        if rep.sync is not None:
            run.session.run(rep.sync_tokens)
            rep.sync_runner.create_threads(run.session, coord=tf.train.Coordinator(),
                                           daemon=True, start=True)
        chief = Chief(run, rep, data, args, workers, final_step)
        train_replica(run.session, rep, shard, args, 0, target, chief)
        chief.wait_for_others()
        global_step, scores, speeds, steps, examples = chief.finish()
    gone = sorted(set(chief.not_waited_for) | {i for i, code in chief.ended.items() if code})
    announce_done(tf.compat.v1.Session(server.target, graph=graph, config=config), rep,
                  [*gone, 0])

    test = scores["test"]
    mode = "synchronous" if args.sync else "asynchronous"
    print(f"\nTest accuracy: {test['accuracy']:.4f} on {len(data.test):,} digits never seen in "
          f"training (loss {test['loss']:.4f}), after global step {global_step:,} "
          f"({mode} SGD, {workers} workers)")
    print(f"{'':<10}{'steps':>8}{'examples/s':>12}")
    for i in range(workers):
        rate = speeds[f"worker_{i}"]
        note = " (the chief)" if i == 0 else (" (did not finish)" if i in gone else "")
        print(f"worker:{i:<3}{steps[i]:>8,}{'-' if rate is None else f'{rate:,.0f}':>12}{note}")
    print(f"{'cluster':<10}{sum(steps):>8,}{speeds['cluster']:>12,.0f}"
          f"  (global step {global_step:,})")
    return {"test_accuracy": test["accuracy"], "test_loss": test["loss"],
            "validation_accuracy": scores["validation"]["accuracy"],
            "global_step": global_step, "steps_per_worker": steps,
            "examples_per_worker": examples, "examples_per_second": speeds,
            "workers": workers, "sync": args.sync, "run_dir": str(run.dir),
            "not_finished": [f"worker:{i}" for i in gone],
            "summary_steps": chief.summary_steps, "scalar_steps": chief.scalar_steps,
            "continue": run.continue_command()}


def run_task(args):
    """One task of the cluster in --cluster, as it would run on its own machine."""
    spec = task_spec(args)
    cluster.die_with_parent()
    address = spec[args.job_name][args.task_index]
    port = cluster.parse_address(address)[1]
    if cluster.port_taken(port):                 # said before TensorFlow's slow import
        raise UserError(f"port {port} of {args.job_name}:{args.task_index} ({address}) is "
                        f"already taken by another program: choose a free one in --cluster")
    tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)  # deprecation notes
    server = start_server(spec, args.job_name, args.task_index)
    if args.job_name == "ps":
        return serve(server, spec, args.task_index)
    result = work(server, spec, args.task_index, args)
    cluster.emit("result", **result)
    if "run_dir" in result and not cluster.started_by_launcher():
        board.show(args, result["run_dir"])        # the chief, started by hand
    return result


def task_spec(args):
    """--cluster, --job-name, --task-index checked together: the cluster as a dict."""
    if not args.cluster:
        raise UserError("--job-name and --task-index need --cluster (the address of every "
                        "task); without all three the lesson starts a whole cluster here")
    spec = cluster.cluster_spec(args.cluster)
    if args.job_name is None or args.task_index is None:
        raise UserError("with --cluster, say which task this process is: --job-name "
                        "ps|worker --task-index N")
    count = len(spec[args.job_name])
    if args.task_index >= count:
        raise UserError(f"--task-index {args.task_index} is outside the job "
                        f"{args.job_name}: --cluster gives it {count} task(s), numbered 0 to "
                        f"{count - 1}")
    return spec


# -- the whole cluster on this machine -----------------------------------------------------

def task_command(args, job, index, spec):
    """How the launcher starts one task: this lesson, with --cluster and this run's flags."""
    words = [sys.executable, "-m", f"lessons.{LESSON}", "--cluster", *cluster.spec_flag(spec),
             "--job-name", job, "--task-index", str(index)]
    words += ["--logdir", str(args.logdir)]
    if job == "ps":
        return words
    words += ["--seed", str(args.seed),
              "--epochs", str(args.epochs), "--batch-size", str(args.batch_size),
              "--learning-rate", repr(args.learning_rate), "--hidden", str(args.hidden),
              "--summary-every", str(args.summary_every),
              "--startup-timeout", repr(args.startup_timeout)]
    if args.data_dir:
        words += ["--data-dir", str(args.data_dir)]
    if args.train_size:
        words += ["--train-size", str(args.train_size)]
    if args.sync:
        words += ["--sync"]
    if index == 0 and args.run_name:
        words += ["--run-name", args.run_name]
    if index == 0 and args.resume:
        words += ["--resume", args.resume]
    return words


def launch(args):
    """Start the ps and the workers as processes here, stream their output, wait for the
    chief's result; stop everything that still runs, whatever happens."""
    if args.workers > MAX_WORKERS:
        raise UserError(f"--workers {args.workers}: at most {MAX_WORKERS} processes on one "
                        f"machine (on a real cluster, give their addresses in --cluster)")
    mode = "synchronous" if args.sync else "asynchronous"
    # The tasks import this lesson as the launcher does, installed or not.
    paths = [str(ROOT), os.environ.get("PYTHONPATH")]
    env = {"PYTHONPATH": os.pathsep.join(filter(None, paths))}
    with cluster.LocalCluster(lambda job, i, spec: task_command(args, job, i, spec),
                              workers=args.workers, error_prefix=f"python -m lessons.{LESSON}"
                              f": error: ", env=env) as local:
        tasks = ", ".join(f"{t.name} {'(chief) ' if t is local.chief else ''}at "
                          f"{local.spec[t.job][t.index]}" for t in local.tasks)
        print(f"A cluster of {len(local.tasks)} processes on this machine ({mode} SGD): "
              f"{tasks}", flush=True)
        outcome = local.wait()
    result = {**outcome.result, "died": outcome.died,
              "worker_results": outcome.workers}
    for name in outcome.died:
        print(f"\n{name} ended before its work was done: its share of the data is not fully "
              f"trained. The chief's checkpoint and summaries are in {result['run_dir']}; "
              f"continue with: {result['continue']}")
    board.show(args, result["run_dir"])
    return result


def main(argv=None):
    p = cli.parser(LESSON, __doc__, epochs=EPOCHS, batch_size=BATCH_SIZE,
                   learning_rate=LEARNING_RATE, data_dir=True, summary_every=SUMMARY_EVERY,
                   resume=True)
    cli.add_hidden(p, HIDDEN)
    g = p.add_argument_group("the cluster")
    g.add_argument("--workers", type=cli.positive_int, default=WORKERS, metavar="N",
                   help="workers to start on this machine, besides one parameter server "
                        "(default: %(default)s)")
    g.add_argument("--sync", action="store_true",
                   help="synchronous SGD: average one gradient of every worker per step "
                        "(default: asynchronous, each worker updates when ready)")
    g.add_argument("--cluster", nargs="+", type=cluster.job_flag, default=None,
                   metavar="JOB=HOST:PORT[,HOST:PORT]",
                   help="every task's address, e.g. ps=a:2222 worker=b:2222,c:2222; with "
                        "--job-name and --task-index this process runs one task of it")
    g.add_argument("--job-name", choices=cluster.JOBS, default=None,
                   help="the job of this process's task (with --cluster)")
    g.add_argument("--task-index", type=cli.non_negative_int, default=None, metavar="N",
                   help="the task's number in its job, from 0 (with --cluster); worker 0 is "
                        "the chief")
    g.add_argument("--startup-timeout", type=cli.positive_float, default=STARTUP_TIMEOUT,
                   metavar="SECONDS",
                   help="how long a task waits for the parameter server, and a worker for "
                        "the chief, before giving up (default: %(default)s)")
    args = cli.parse(p, argv)
    if args.cluster or args.job_name is not None or args.task_index is not None:
        return run_task(args)        # one task, as on its own machine
    return launch(args)              # the whole cluster, here


def program(argv=None):
    """The command line: a run in which a worker died ends with exit code 1."""
    result = main(argv)
    if result.get("died"):
        sys.exit(1)


if __name__ == "__main__":
    code = 0
    try:
        cli.run(program)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:                   # a bug: its traceback, then out
        import traceback
        traceback.print_exc()
        code = 1
    # A task's gRPC server cannot be shut down, and would keep a normal exit waiting.
    cluster.end_process(code)
