"""How fast do the lessons train? Their own loop against Keras `model.fit` and the machine.

For three models — softmax regression (784 -> 10, lesson mnist_softmax), the ReLU network
(784 -> 256 -> 10, lesson mnist_dense) and the VGG-style network of lesson going_deep (six
3x3 convolutions in three blocks, fc 128, fc 10; Adam) — trains one epoch of MNIST-shaped data
at the same batch size in several ways and prints examples per second:

  lesson loop     the lessons' own code: their build_graph, tfgraph.Run, TrainStep (with
                  summaries at the lesson's default cadence), training_batches, Progress
  no summaries    the same loop without summaries
  summary cost    the summaries' share of training time at the lesson's cadence, measured
                  step against step in one session (the difference of the two loops above
                  drowns in the machine's noise)
  Keras fit       the same layers as a Keras model, `model.fit`, in its own process (eager,
                  as Keras expects; Keras's default compilation settings)
  matmul ceiling  only the network's matrix products (forward and backward, at its shapes),
                  with 2 threads: what the arithmetic alone allows (for the deep network:
                  its convolutions and matrix products, forward and both backward ones)
  step ceiling    (deep network) the lesson's own training step, every op of it, run back
                  to back with the batch already inside the graph: no feeding, no
                  summaries, nothing between steps but a prepared call (~20 us against a
                  step of tens of milliseconds)

Every figure times the second epoch (the first warms up: graph optimisation, Keras
tracing) and is the median of --repeats runs, because these machines are noisy. The deep
network's epoch is --deep-examples long (10,000 by default: it trains at a few thousand
examples per second). Each figure also records the CPU time of the timed epoch (both cores
busy: CPU-seconds up to twice the wall-clock seconds).

    python benchmarks/train_speed.py                  # 5 repeats, about 7 minutes
    python benchmarks/train_speed.py --repeats 1      # a quick look
    python benchmarks/train_speed.py --models deep    # only the deep network
"""

import argparse
import contextlib
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from argparse import Namespace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MODELS = {"softmax": None, "relu": 256, "deep": "conv"}   # hidden units, or the conv network
LEARNING_RATE = 0.01                                     # (the MLPs; deep: going_deep's)


def synthetic(n, seed=0):
    """MNIST-shaped data: images float32 [n, 784] in [0, 1], labels int64 [n]."""
    rng = np.random.default_rng(seed)
    return rng.random((n, 784), dtype=np.float32), rng.integers(0, 10, n)


# -- 1. the lessons' own loop -----------------------------------------------------------------

def lesson_graph(model, n=60000, batch_size=100):
    """(lesson module, its graph, its tensors) for `model`, built as the lesson builds it."""
    from lessons import going_deep, mnist_dense, mnist_softmax
    from tfgraph import new_graph
    from tfgraph.train import steps_per_epoch

    graph = new_graph(0)
    with graph.as_default():
        if model == "deep":
            return going_deep, graph, going_deep.build_graph(
                going_deep.LEARNING_RATE, going_deep.DECAY, steps_per_epoch(n, batch_size))
        if MODELS[model] is None:
            return mnist_softmax, graph, mnist_softmax.build_graph(LEARNING_RATE)
        return mnist_dense, graph, mnist_dense.build_graph(LEARNING_RATE, hidden=MODELS[model])


def lesson_loop(model, n, batch_size, summaries=True):
    from tfgraph.support import Run
    from tfgraph.data.mnist import Split
    from tfgraph.train import TrainStep, steps_per_epoch, training_batches
    from tfgraph.support.watch import Progress

    images, labels = synthetic(n)
    split = Split(images, labels)
    lesson, graph, net = lesson_graph(model, n, batch_size)
    with tempfile.TemporaryDirectory() as logdir:
        args = Namespace(lesson="benchmark", logdir=Path(logdir), run_name=None)
        with Run(args, graph, writers=("train",), checkpoints=False) as run:
            train_step = TrainStep(run.session, net.train_op, net.loss, net.x, net.y,
                                   net.summary if summaries else None, run.writer("train"),
                                   lesson.SUMMARY_EVERY)
            per_epoch = steps_per_epoch(n, batch_size)
            # (random labels: the "not learning" warnings are true and beside the point)
            progress = Progress(2 * per_epoch, LEARNING_RATE, out=io.StringIO(),
                                err=io.StringIO())
            started = None
            for batch in training_batches(split, batch_size, 2, seed=0):
                if batch.epoch == 2 and started is None:
                    started, cpu = time.perf_counter(), time.process_time()
                progress.update(batch, train_step(batch))
            return timed(n, started, cpu)


def timed(n, started, cpu):
    """Examples per second since `started` (perf_counter), and the CPU-seconds used."""
    CPU_SECONDS.append(time.process_time() - cpu)
    return n / (time.perf_counter() - started)


CPU_SECONDS = []     # CPU time of each timed epoch, in this process (the report prints it)


def summary_cost(model, batch_size, blocks=7):
    """The share of training time the lesson's summaries take at its default cadence.

    Measured directly in one session, so machine noise between runs cancels out: the time
    of computing and writing the summaries (what `TrainStep` adds on a summary step),
    divided by the time of the `SUMMARY_EVERY` plain steps it stands for.
    """
    from tfgraph.support import Run

    images, labels = synthetic(batch_size)
    one_hot = np.eye(10, dtype=np.float32)[labels]
    lesson, graph, net = lesson_graph(model)
    plain_steps = 200 if model != "deep" else 20
    with tempfile.TemporaryDirectory() as logdir:
        args = Namespace(lesson="benchmark", logdir=Path(logdir), run_name=None)
        with Run(args, graph, writers=("train",), checkpoints=False) as run:
            plain = run.session.make_callable([net.train_op, net.loss], [net.x, net.y])
            summary = run.session.make_callable(net.summary, [net.x, net.y])

            def summarised():            # what TrainStep adds on a summary step
                run.writer("train").add_summary(summary(images, one_hot))

            def per_call(fn, n):
                start = time.perf_counter()
                for _ in range(n):
                    fn()
                return (time.perf_counter() - start) / n

            per_call(lambda: plain(images, one_hot), plain_steps // 4)  # warm-up
            shares = []
            for _ in range(blocks):
                step = per_call(lambda: plain(images, one_hot), plain_steps)
                extra = per_call(summarised, 10 if model != "deep" else 3)
                shares.append(extra / (lesson.SUMMARY_EVERY * step))
            return statistics.median(shares)


# -- 2. Keras model.fit, in its own process ----------------------------------------------------

def keras_fit(model, n, batch_size):
    """Run `_keras_worker` in a fresh process (Keras wants an eager process of its own)."""
    out = subprocess.run([sys.executable, __file__, "--keras-worker", model, str(n),
                          str(batch_size)], capture_output=True, text=True, check=True,
                         env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    rate, cpu = out.stdout.strip().splitlines()[-1].split()
    CPU_SECONDS.append(float(cpu))
    return float(rate)


def _keras_worker(model, n, batch_size):
    import keras

    images, labels = synthetic(n)
    layers = [keras.Input((784,))]
    if model == "deep":                   # going_deep's network, layer for layer
        from lessons import going_deep as deep
        layers.append(keras.layers.Reshape((28, 28, 1)))
        for block in range(deep.BLOCKS):
            for _ in range(deep.CONVS_PER_BLOCK):
                layers.append(keras.layers.Conv2D(deep.CHANNELS * 2 ** block, 3,
                                                  padding="same", activation="relu"))
            layers.append(keras.layers.MaxPooling2D(2))
        layers += [keras.layers.Flatten(), keras.layers.Dense(deep.DENSE, activation="relu")]
        optimizer = keras.optimizers.Adam(deep.LEARNING_RATE)
    else:
        if MODELS[model]:
            layers.append(keras.layers.Dense(MODELS[model], activation="relu"))
        optimizer = keras.optimizers.SGD(LEARNING_RATE)
    layers.append(keras.layers.Dense(10))
    net = keras.Sequential(layers)
    net.compile(optimizer=optimizer,
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start, self.cpu_start = time.perf_counter(), time.process_time()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds = time.perf_counter() - self.start
            self.cpu = time.process_time() - self.cpu_start

    timer = EpochTimer()
    net.fit(images, labels, batch_size=batch_size, epochs=2, shuffle=True, verbose=0,
            callbacks=[timer])
    print(n / timer.seconds, timer.cpu)


# -- 3. the matmul ceiling ---------------------------------------------------------------------

def matmul_ceiling(model, n, batch_size, replicas=50):
    """Only the network's matrix products: what the arithmetic alone allows.

    One training step needs, per layer, x·W forward, then x^T·g (the weight gradient) and,
    below the top layer, g·W^T (the gradient passed down). The graph holds `replicas`
    independent copies of one step's products (different inputs, so none is merged away),
    run with 2 threads one op at a time: per-run overhead is spread over the copies and no
    elementwise op is counted.
    """
    from tfgraph import tf

    if model == "deep":
        return conv_ceiling(n, batch_size)
    hidden = MODELS[model]
    sizes = [784, hidden, 10] if hidden else [784, 10]
    graph = tf.Graph()
    with graph.as_default():
        rand = tf.random.stateless_uniform
        weights = [tf.Variable(rand([a, b], [3, i])) for i, (a, b) in
                   enumerate(zip(sizes, sizes[1:]))]
        outputs = []
        for r in range(replicas):
            acts = [tf.Variable(rand([batch_size, 784], [1, r]))]
            for w in weights:
                acts.append(tf.matmul(acts[-1], w))                         # forward
            g = acts[-1]
            for layer in reversed(range(len(weights))):
                outputs.append(tf.matmul(acts[layer], g, transpose_a=True))  # dL/dW
                if layer:
                    g = tf.matmul(g, weights[layer], transpose_b=True)     # dL/d(input)
        # Fetch one number per product so every one runs, without copying results out.
        fetch = tf.add_n([o[0, 0] for o in outputs])
        init = tf.compat.v1.global_variables_initializer()
    config = tf.compat.v1.ConfigProto(intra_op_parallelism_threads=2,
                                      inter_op_parallelism_threads=1)
    return time_fetch(graph, init, fetch, n, batch_size, replicas, config)


def time_fetch(graph, init, fetch, n, batch_size, replicas, config=None):
    """Run `fetch` back to back for about n examples (`replicas` batches per run), after a
    warm-up; the ceilings' timing loop."""
    from tfgraph import tf
    with tf.compat.v1.Session(graph=graph, config=config) as sess:
        sess.run(init)
        sess.run(fetch)                                         # warm-up
        runs = max(1, n // (batch_size * replicas))
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(runs):
            sess.run(fetch)
        return timed(runs * replicas * batch_size, start, cpu)


def conv_ceiling(n, batch_size, replicas=2):
    """going_deep's convolutions and matrix products alone, forward and backward, at its
    shapes: Conv2D, Conv2DBackpropFilter (the weight gradient) and, above the first layer,
    Conv2DBackpropInput (the gradient passed down); then the dense layers' matmuls as in
    `matmul_ceiling`. No ReLU, pooling, bias, loss or update: the arithmetic alone."""
    from lessons import going_deep as deep
    from tfgraph import tf

    graph = tf.Graph()
    with graph.as_default():
        rand = tf.random.stateless_uniform
        outputs = []
        for r in range(replicas):
            side, channels = 28, 1
            for block in range(deep.BLOCKS):
                for i in range(deep.CONVS_PER_BLOCK):
                    out = deep.CHANNELS * 2 ** block
                    x = tf.Variable(rand([batch_size, side, side, channels], [r, 10 * block + i]))
                    w = tf.Variable(rand([3, 3, channels, out], [r, 100 + 10 * block + i]))
                    g = tf.nn.conv2d(x, w, 1, "SAME")                       # forward
                    outputs.append(g)
                    outputs.append(tf.compat.v1.nn.conv2d_backprop_filter(
                        x, [3, 3, channels, out], g, [1, 1, 1, 1], "SAME"))  # dL/dW
                    if channels > 1:
                        outputs.append(tf.compat.v1.nn.conv2d_backprop_input(
                            [batch_size, side, side, channels], w, g, [1, 1, 1, 1], "SAME"))
                    channels = out
                side //= 2
            for a, b in ((side * side * channels, deep.DENSE), (deep.DENSE, 10)):
                x = tf.Variable(rand([batch_size, a], [r, 1000 + a]))
                w = tf.Variable(rand([a, b], [r, 2000 + b]))
                g = tf.matmul(x, w)
                outputs += [g, tf.matmul(x, g, transpose_a=True),
                            tf.matmul(g, w, transpose_b=True)]
        fetch = tf.add_n([tf.reshape(o, [-1])[0] for o in outputs])
        init = tf.compat.v1.global_variables_initializer()
    return time_fetch(graph, init, fetch, n, batch_size, replicas)   # TF's default threads


def step_ceiling(model, n, batch_size):
    """The lesson's own training step, every op of it, with one batch inside the graph:
    the graph is imported with constants in place of the x and y placeholders, and its
    train op is run back to back. What the lesson's loop would reach with free feeding and
    no summaries."""
    from tfgraph import tf
    from tfgraph.graph import session_config

    lesson, graph, net = lesson_graph(model, n, batch_size)
    with graph.as_default():
        init = tf.compat.v1.global_variables_initializer()
    images, labels = synthetic(batch_size)
    inside = tf.Graph()
    with inside.as_default():
        tf.compat.v1.import_graph_def(graph.as_graph_def(), name="", input_map={
            net.x.name: tf.constant(images),
            net.y.name: tf.constant(np.eye(10, dtype=np.float32)[labels])})
    with tf.compat.v1.Session(graph=inside, config=session_config()) as sess:
        sess.run(init.name)
        step = sess.make_callable(inside.get_operation_by_name(net.train_op.name))
        for _ in range(5):                                      # warm-up
            step()
        runs = max(1, n // batch_size)
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(runs):
            step()
        return timed(runs * batch_size, start, cpu)


# -- the report ----------------------------------------------------------------------------------

def machine():
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    from tfgraph import tf
    tf_version = tf.__version__        # TensorFlow first, through tfgraph (quiet start-up)
    import keras
    return (f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, TensorFlow {tf_version}, "
            f"Keras {keras.__version__}, numpy {np.__version__}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--examples", type=int, default=60000, help="examples per epoch")
    p.add_argument("--deep-examples", type=int, default=10000,
                   help="examples per epoch of the deep network")
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--repeats", type=int, default=5, help="runs per figure (median)")
    p.add_argument("--models", nargs="+", choices=list(MODELS), default=list(MODELS))
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    p.add_argument("--keras-worker", nargs=3, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.keras_worker:
        model, n, batch = args.keras_worker
        return _keras_worker(model, int(n), int(batch))

    def n(model):
        return args.deep_examples if model == "deep" else args.examples

    b = args.batch_size
    ways = {"lesson loop": lambda m: lesson_loop(m, n(m), b),
            "no summaries": lambda m: lesson_loop(m, n(m), b, False),
            "Keras fit": lambda m: keras_fit(m, n(m), b),
            "matmul ceiling": lambda m: matmul_ceiling(m, n(m), b),
            "step ceiling": lambda m: step_ceiling(m, n(m), b) if m == "deep" else None}
    print(f"Machine: {machine()}")
    print(f"Data: {args.examples:,} synthetic MNIST-shaped examples ({args.deep_examples:,} "
          f"for the deep network), batch {b}, second epoch timed, median of {args.repeats} "
          f"(repeats interleaved, so a slow minute of the machine does not land on one way "
          f"only)\n")
    samples = {m: {way: [] for way in ways} for m in args.models}
    cpu = {m: {way: [] for way in ways} for m in args.models}
    for repeat in range(args.repeats):
        for model in args.models:
            for way, run in ways.items():
                before = len(CPU_SECONDS)
                rate = run(model)
                if rate is not None:
                    samples[model][way].append(rate)
                    cpu[model][way].append(CPU_SECONDS[-1] if len(CPU_SECONDS) > before
                                           else float("nan"))
        print(f"  repeat {repeat + 1}/{args.repeats} done", flush=True)
    figures = {}
    for model in args.models:
        figures[model] = {way: statistics.median(v) for way, v in samples[model].items() if v}
        figures[model]["summary cost"] = summary_cost(model, b)
        for way, values in samples[model].items():
            if not values:
                continue
            seconds = n(model) / figures[model][way]
            busy = ", ".join(f"{c / (n(model) / v):.2f}" for c, v in zip(cpu[model][way], values))
            print(f"  {model:<8} {way:<15} {figures[model][way]:>10,.0f} examples/s  "
                  f"(runs: {', '.join(f'{v:,.0f}' for v in values)}; CPU-s per wall-s of "
                  f"the timed epoch: {busy}; an epoch of {n(model):,}: {seconds:.1f} s)")
    print(f"\n{'model':<9}{'lesson loop':>13}{'Keras fit':>11}{'ceiling':>10}"
          f"{'lesson/Keras':>14}{'lesson/ceiling':>16}{'summary cost':>14}")
    for model, f in figures.items():
        ceiling = f.get("step ceiling", f["matmul ceiling"])
        print(f"{model:<9}{f['lesson loop']:>13,.0f}{f['Keras fit']:>11,.0f}"
              f"{ceiling:>10,.0f}{f['lesson loop'] / f['Keras fit']:>13.2f}x"
              f"{f['lesson loop'] / ceiling:>15.0%}{f['summary cost']:>14.1%}")
        if "step ceiling" in f:
            print(f"{'':<9}(ceiling: the lesson's step with the batch inside the graph; its "
                  f"convolutions and matmuls alone: {f['matmul ceiling']:,.0f}, lesson "
                  f"{f['lesson loop'] / f['matmul ceiling']:.0%} of that)")
    print("\nGoals: lesson/Keras >= 2.5x (softmax), >= 2x (relu), >= 1x (deep); relu "
          "lesson/ceiling >= 50%, deep >= 80%; summary cost <= 5%.")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "batch_size": b,
                                         "examples": args.examples,
                                         "deep_examples": args.deep_examples,
                                         "figures": figures,
                                         "runs": samples, "cpu_seconds": cpu}, indent=2))


if __name__ == "__main__":
    main()
