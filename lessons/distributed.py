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
Here a launcher (tfgraph.support.cluster) starts each task as this same command plus
--cluster, --job-name and --task-index, the way TensorFlow's own mnist_replica.py is run.
On three machines a, b, c, start one task each yourself, in any order within
--startup-timeout (60 s) of each other; the same training flags (e.g. --data-dir) on every
worker, --resume only on worker 0; the ps ends when both workers are done:
    python -m lessons.distributed --cluster ps=a:2222 worker=b:2222,c:2222 --job-name ps --task-index 0
    python -m lessons.distributed --cluster ps=a:2222 worker=b:2222,c:2222 --job-name worker --task-index 0
    python -m lessons.distributed --cluster ps=a:2222 worker=b:2222,c:2222 --job-name worker --task-index 1
    python -m lessons.exercises start place_on_ps       # your turn: then check it

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
from typing import NamedTuple

from lessons import mnist_dense
from tfgraph import new_graph, tf
from tfgraph.data.mnist import Split, load_mnist
from tfgraph.support import Run, board, cli, cluster, replicas, report
from tfgraph.support.i18n import _, ngettext, number
from tfgraph.support.watch import Progress
from tfgraph.train import steps_per_epoch, training_batches

LESSON = "distributed"
EPOCHS = 20               # mnist_dense's training (its defaults), shared out among the workers
BATCH_SIZE = 10
LEARNING_RATE = 0.01
HIDDEN = 256
WORKERS = 2
SUMMARY_EVERY = 200       # global steps between the chief's summaries
STARTUP_TIMEOUT = 60      # seconds a task waits for the ps, and a worker for the chief
SYNC_STEP_TIMEOUT = 30    # seconds a --sync step may wait for the other workers' gradients
ENDLESS = 10 ** 6         # --sync: epochs enough for any run; the global step ends the loop
PROGRESS_SECONDS = 5      # between a worker's progress lines


class ReplicaGraph(NamedTuple):
    net: object            # mnist_dense.DenseGraph: the network, its variables on the ps
    update: object         # applies this worker's gradients to the shared weights
    book: object           # replicas.Bookkeeping: train_op (the update, then the step
    #                        counted), step_after (int64 []), each worker's counts (ps)
    uninitialized: object  # string [n]: the shared variables not initialised yet
    local_init: object     # this worker's own state (--sync: its copy of the global step)
    sync: object           # --sync: the SyncReplicasOptimizer, else None
    sync_tokens: object    # --sync, chief: the first tokens that let every worker start
    sync_runner: object    # --sync, chief: the queue runner that applies averaged gradients


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
        # `workers`: the steps, examples and reports of each worker, kept on the ps; `done`
        book = replicas.bookkeeping(spec, task_index, update, net)

    with tf.compat.v1.device(here):
        uninitialized = tf.compat.v1.report_uninitialized_variables(
            tf.compat.v1.global_variables())
        if sync:
            local_init = (optimizer.chief_init_op if task_index == 0
                          else optimizer.local_step_init_op)
        else:
            local_init = tf.no_op(name="local_init")
    return ReplicaGraph(net, update, book, uninitialized, local_init, optimizer, tokens, runner)


def session_config(task_index):
    # Device filters: this worker talks to the ps and to itself only, so it neither waits
    # for the other workers to start nor depends on them staying up.
    return tf.compat.v1.ConfigProto(
        allow_soft_placement=True,
        device_filters=["/job:ps", f"/job:worker/task:{task_index}"])


def shard_of(train, task_index, workers):
    """Worker `task_index`'s share of the training data: every `workers`-th example."""
    return Split(train.images[task_index::workers], train.labels[task_index::workers])


def train(session, rep, shard, args, task_index, target, chief=None):
    """A worker's training: its share of the data, its session, the weights on the ps.

    Asynchronous: `--epochs` passes over its shard. --sync: until the global step reaches
    `target`. It reports its loss, accuracy and speed to the ps as it goes; the chief
    (`chief`, a replicas.Chief) also writes the summaries and validates.
    Returns what this worker did: {"steps", "examples", "seconds", "examples_per_second"}.
    """
    net, book, sync = rep.net, rep.book, rep.sync is not None
    step = session.make_callable([book.train_op, net.loss, net.accuracy, book.step_after],
                                 [net.x, net.y], accept_options=True)
    reporter = replicas.Reporter(session, book)
    # A resumed run continues each worker's batches where the checkpoint left them.
    start = int(session.run(book.steps)[task_index])
    options = tf.compat.v1.RunOptions(timeout_in_ms=SYNC_STEP_TIMEOUT * 1000) if sync else None
    own_steps = args.epochs * steps_per_epoch(len(shard), args.batch_size)
    # Progress warns when the loss ends an epoch above its first step's: right for the
    # chief, whose first step is the network's first, not for a worker that joins later
    # (its first loss is already lower). Those warnings of the others are not shown.
    progress = Progress(target if sync else own_steps, args.learning_rate, PROGRESS_SECONDS,
                        err=None if chief is not None else io.StringIO())
    batches = training_batches(shard, args.batch_size, ENDLESS if sync else args.epochs,
                               args.seed, start_step=start)
    if sync and session.run(net.global_step) >= target:
        batches = []                                     # resumed after the end
    for batch in batches:
        try:
            _update, loss, accuracy, global_step = step(batch.images, batch.labels, options=options)
        except tf.errors.DeadlineExceededError:
            print(_("waited {seconds} s for the other workers' gradients: stopping").format(
                seconds=SYNC_STEP_TIMEOUT))
            break
        progress.update(batch, loss)
        reporter.update(batch, loss, accuracy)
        if chief is not None:
            chief.after_step(batch, global_step)
        if sync and global_step >= target:
            break
    return reporter.done()


def sgd_mode(args):
    """How the cluster trains, in words: "asynchronous SGD" or, with --sync, "synchronous SGD"."""
    return _("synchronous SGD") if args.sync else _("asynchronous SGD")


def lead(server, spec, graph, rep, data, shard, args, target):
    """The chief, worker 0: initialise (or restore) the shared variables, train its own
    shard, write the summaries and checkpoints, wait for the others, test the shared
    weights."""
    workers, config = len(spec["worker"]), session_config(0)
    replicas.first_contact(server, graph, rep.uninitialized, config, spec, args.startup_timeout)
    writers = ("cluster", *(f"worker_{i}" for i in range(workers)), "validation", "test")
    with graph.as_default(), tf.compat.v1.device("/job:worker/task:0"):
        run = Run(cluster.experiment(args, spec), graph, writers, target=server.target,
                  config=config)             # its initializer and Saver: on the chief
    final_step = target if args.sync else sum(
        args.epochs * steps_per_epoch(len(shard_of(data.train, i, workers)), args.batch_size)
        for i in range(workers))
    with run:
        cluster.emit("run", run_dir=str(run.dir), hint=_("continue with: {command}").format(
            command=run.continue_command()))
        run.session.run(rep.local_init)
        if args.sync:
            run.session.run(rep.sync_tokens)
            rep.sync_runner.create_threads(run.session, coord=tf.train.Coordinator(),
                                           daemon=True, start=True)
        chief = replicas.Chief(run, rep.net, rep.book, data, args.summary_every, workers,
                               final_step)
        train(run.session, rep, shard, args, 0, target, chief)
        chief.wait_for_others()
        global_step, scores, speeds, steps, examples = chief.finish()
    replicas.announce_done(tf.compat.v1.Session(server.target, graph=graph, config=config),
                           rep.book, [*chief.gone, 0])

    test = scores["test"]
    print("\n" + ngettext("{accuracy}, after global step {step} ({mode}, {workers} worker)",
                          "{accuracy}, after global step {step} ({mode}, {workers} workers)", workers).format(
        accuracy=report.test_accuracy(test, len(data.test)), step=number(global_step, ","),
        mode=sgd_mode(args), workers=workers))
    print(report.table(chief.rows(steps, speeds, global_step), formats=("", ","),
                       header=("", _("steps"), _("examples/s"), "")))
    return {"test_accuracy": test["accuracy"], "test_loss": test["loss"],
            "validation_accuracy": scores["validation"]["accuracy"],
            "global_step": global_step, "steps_per_worker": steps,
            "examples_per_worker": examples, "examples_per_second": speeds,
            "workers": workers, "sync": args.sync, "run_dir": str(run.dir),
            "not_finished": [f"worker:{i}" for i in chief.gone],
            "summary_steps": chief.summary_steps, "scalar_steps": chief.scalar_steps,
            "continue": run.continue_command()}


def main(argv=None):
    p = cli.parser(LESSON, __doc__, epochs=EPOCHS, batch_size=BATCH_SIZE,
                   learning_rate=LEARNING_RATE, data_dir=True, summary_every=SUMMARY_EVERY,
                   resume=True)
    cli.add_hidden(p, HIDDEN)
    cluster.add_flags(p, WORKERS, STARTUP_TIMEOUT).add_argument(
        "--sync", action="store_true",
        help=_("synchronous SGD: average one gradient of every worker per step "
               "(default: asynchronous, each worker updates when ready)"))
    args = cluster.parse(p, argv)
    if not cluster.is_task(args):
        # The whole cluster on this machine: this same command line, once per task.
        result = cluster.launch(f"lessons.{LESSON}", argv, args.workers, sgd_mode(args))
        board.show(args, result["run_dir"])
        return result
    spec, index = cluster.task_spec(args), args.task_index
    if args.job_name == "ps":      # mnist_replica.py's `server.join()`, until all are done
        return replicas.serve(replicas.start_server(spec, "ps", index), spec, index)
    server = replicas.start_server(spec, "worker", index, session_config(index))
    replicas.wait_for_ps(spec, args.startup_timeout)
    workers = len(spec["worker"])

    # 1. Data: this worker's share, every `workers`-th training example
    data = load_mnist(args.data_dir, train_size=args.train_size)
    shard = shard_of(data.train, index, workers)
    print(_("worker:{index}: {shard} of the {total} training examples").format(
        index=index, shard=number(len(shard), ","), total=number(len(data.train), ",")))

    # 2. Graph: the same on every worker (between-graph replication), variables on the ps
    graph = new_graph(args.seed)
    with graph.as_default():
        rep = build_graph(spec, index, args.sync, args.learning_rate, args.hidden,
                          data.image_shape)
    # --sync: the global step to reach, `--epochs` passes over the largest shard (each
    # global step averages one batch of every worker)
    target = args.epochs * steps_per_epoch(-(-len(data.train) // workers), args.batch_size)

    # 3. Session: on this worker's server; the chief initialises, the others wait for it
    if index == 0:
        result = lead(server, spec, graph, rep, data, shard, args, target)
    else:
        session = replicas.session_once_initialised(server, graph, rep.uninitialized,
                                                    session_config(index), args.startup_timeout)
        session.run(rep.local_init)
        graph.finalize()
        result = train(session, rep, shard, args, index, target)
        print(_("worker:{index}: done, {steps} steps at {speed} examples/s").format(
            index=index, steps=number(result["steps"], ","),
            speed=number(result["examples_per_second"], ",.0f")))
        replicas.announce_done(session, rep.book, [index])

    # 4. TensorBoard: the launcher shows it, or the chief when it was started by hand
    cluster.emit("result", **result)
    if "run_dir" in result and not cluster.started_by_launcher():
        board.show(args, result["run_dir"])
    return result


if __name__ == "__main__":
    cluster.run(main)        # as cli.run; a task ends with os._exit (its gRPC server stays)
