"""How fast do the lessons train? Their own loop against Keras `model.fit` and the machine.

For two models — softmax regression (784 -> 10, lesson mnist_softmax) and the ReLU network
(784 -> 256 -> 10, lesson mnist_dense) — trains one epoch of MNIST-shaped data at the same
batch size in three ways and prints examples per second:

  lesson loop     the lessons' own code: their build_graph, tfgraph.Run, TrainStep (with
                  summaries at the lesson's default cadence), training_batches, Progress
  no summaries    the same loop without summaries
  summary cost    the summaries' share of training time at the lesson's cadence, measured
                  step against step in one session (the difference of the two loops above
                  drowns in the machine's noise)
  Keras fit       the same layers as a Keras model, `model.fit`, in its own process (eager,
                  as Keras expects; Keras's default compilation settings)
  matmul ceiling  only the network's matrix products (forward and backward, at its shapes),
                  with 2 threads: what the arithmetic alone allows

Every figure times the second epoch (the first warms up: graph optimisation, Keras
tracing) and is the median of --repeats runs, because these machines are noisy.

    python benchmarks/train_speed.py                  # 5 repeats, about 3 minutes
    python benchmarks/train_speed.py --repeats 1      # a quick look
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

MODELS = {"softmax": None, "relu": 256}        # hidden units (None: no hidden layer)
LEARNING_RATE = 0.01


def synthetic(n, seed=0):
    """MNIST-shaped data: images float32 [n, 784] in [0, 1], labels int64 [n]."""
    rng = np.random.default_rng(seed)
    return rng.random((n, 784), dtype=np.float32), rng.integers(0, 10, n)


# -- 1. the lessons' own loop -----------------------------------------------------------------

def lesson_graph(model):
    """(lesson module, its graph, its tensors) for `model`, built as the lesson builds it."""
    from lessons import mnist_dense, mnist_softmax
    from tfgraph import new_graph

    graph = new_graph(0)
    with graph.as_default():
        if MODELS[model] is None:
            return mnist_softmax, graph, mnist_softmax.build_graph(LEARNING_RATE)
        return mnist_dense, graph, mnist_dense.build_graph(LEARNING_RATE, hidden=MODELS[model])


def lesson_loop(model, n, batch_size, summaries=True):
    from tfgraph import Run
    from tfgraph.data.mnist import Split
    from tfgraph.train import Progress, TrainStep, steps_per_epoch, training_batches

    images, labels = synthetic(n)
    split = Split(images, labels)
    lesson, graph, net = lesson_graph(model)
    with tempfile.TemporaryDirectory() as logdir:
        args = Namespace(lesson="benchmark", logdir=Path(logdir), run_name=None)
        with Run(args, graph, writers=("train",), checkpoints=False) as run:
            train_step = TrainStep(run.session, net.train_op, net.loss, net.x, net.y,
                                   net.summary if summaries else None, run.writer("train"),
                                   lesson.SUMMARY_EVERY)
            per_epoch = steps_per_epoch(n, batch_size)
            progress = Progress(2 * per_epoch, LEARNING_RATE, out=io.StringIO())
            started = None
            for batch in training_batches(split, batch_size, 2, seed=0):
                if batch.epoch == 2 and started is None:
                    started = time.perf_counter()
                progress.update(batch, train_step(batch))
            return n / (time.perf_counter() - started)


def summary_cost(model, batch_size, blocks=7):
    """The share of training time the lesson's summaries take at its default cadence.

    Measured directly in one session, so machine noise between runs cancels out: the time
    of computing and writing the summaries (what `TrainStep` adds on a summary step),
    divided by the time of the `SUMMARY_EVERY` plain steps it stands for.
    """
    from tfgraph import Run

    images, labels = synthetic(batch_size)
    one_hot = np.eye(10, dtype=np.float32)[labels]
    lesson, graph, net = lesson_graph(model)
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

            per_call(lambda: plain(images, one_hot), 50)                # warm-up
            shares = []
            for _ in range(blocks):
                step = per_call(lambda: plain(images, one_hot), 200)
                extra = per_call(summarised, 10)
                shares.append(extra / (lesson.SUMMARY_EVERY * step))
            return statistics.median(shares)


# -- 2. Keras model.fit, in its own process ----------------------------------------------------

def keras_fit(model, n, batch_size):
    """Run `_keras_worker` in a fresh process (Keras wants an eager process of its own)."""
    out = subprocess.run([sys.executable, __file__, "--keras-worker", model, str(n),
                          str(batch_size)], capture_output=True, text=True, check=True,
                         env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    return float(out.stdout.strip().splitlines()[-1])


def _keras_worker(model, n, batch_size):
    import keras

    images, labels = synthetic(n)
    layers = [keras.Input((784,))]
    if MODELS[model]:
        layers.append(keras.layers.Dense(MODELS[model], activation="relu"))
    layers.append(keras.layers.Dense(10))
    net = keras.Sequential(layers)
    net.compile(optimizer=keras.optimizers.SGD(LEARNING_RATE),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds = time.perf_counter() - self.start

    timer = EpochTimer()
    net.fit(images, labels, batch_size=batch_size, epochs=2, shuffle=True, verbose=0,
            callbacks=[timer])
    print(n / timer.seconds)


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
    with tf.compat.v1.Session(graph=graph, config=config) as sess:
        sess.run(init)
        sess.run(fetch)                                         # warm-up
        runs = max(1, n // (batch_size * replicas))
        start = time.perf_counter()
        for _ in range(runs):
            sess.run(fetch)
        return runs * replicas * batch_size / (time.perf_counter() - start)


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
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--repeats", type=int, default=5, help="runs per figure (median)")
    p.add_argument("--models", nargs="+", choices=list(MODELS), default=list(MODELS))
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    p.add_argument("--keras-worker", nargs=3, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.keras_worker:
        model, n, batch = args.keras_worker
        return _keras_worker(model, int(n), int(batch))

    ways = {"lesson loop": lambda m: lesson_loop(m, args.examples, args.batch_size),
            "no summaries": lambda m: lesson_loop(m, args.examples, args.batch_size, False),
            "Keras fit": lambda m: keras_fit(m, args.examples, args.batch_size),
            "matmul ceiling": lambda m: matmul_ceiling(m, args.examples, args.batch_size)}
    print(f"Machine: {machine()}")
    print(f"Data: {args.examples:,} synthetic MNIST-shaped examples, batch {args.batch_size}, "
          f"second epoch timed, median of {args.repeats} (repeats interleaved, so a slow "
          f"minute of the machine does not land on one way only)\n")
    samples = {m: {way: [] for way in ways} for m in args.models}
    for repeat in range(args.repeats):
        for model in args.models:
            for way, run in ways.items():
                samples[model][way].append(run(model))
        print(f"  repeat {repeat + 1}/{args.repeats} done", flush=True)
    figures = {}
    for model in args.models:
        figures[model] = {way: statistics.median(v) for way, v in samples[model].items()}
        figures[model]["summary cost"] = summary_cost(model, args.batch_size)
        for way, values in samples[model].items():
            print(f"  {model:<8} {way:<15} {figures[model][way]:>10,.0f} examples/s  "
                  f"(runs: {', '.join(f'{v:,.0f}' for v in values)})")
    print(f"\n{'model':<9}{'lesson loop':>13}{'Keras fit':>11}{'ceiling':>10}"
          f"{'lesson/Keras':>14}{'lesson/ceiling':>16}{'summary cost':>14}")
    for model, f in figures.items():
        cost = f["summary cost"]
        print(f"{model:<9}{f['lesson loop']:>13,.0f}{f['Keras fit']:>11,.0f}"
              f"{f['matmul ceiling']:>10,.0f}{f['lesson loop'] / f['Keras fit']:>13.2f}x"
              f"{f['lesson loop'] / f['matmul ceiling']:>15.0%}{cost:>14.1%}")
    print("\nGoals: lesson/Keras >= 2.5x (softmax), >= 2x (relu); relu lesson/ceiling >= 50%;"
          " summary cost <= 5%.")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "batch_size": args.batch_size,
                                         "examples": args.examples, "figures": figures},
                                        indent=2))


if __name__ == "__main__":
    main()
