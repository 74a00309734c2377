"""Lesson 5 — the TensorFlow Playground as a graph ("O Playground")

The talk sends its audience to the TensorFlow Playground (playground.tensorflow.org), where a
small network learns to colour the plane in the browser. This lesson runs its experiments as
a compat.v1 graph, read from its source (tensorflow/playground: dataset.ts the data, nn.ts
the network and its update rule, state.ts the link): which features and how many layers a
shape needs, and the Playground's training rule as graph ops. TensorBoard replays the
training like the Playground's animation.

The same as there: 500 points (regression: 1,200) split by --perc-train-data; the input
features (x1, x2, x1_squared, ..., sin_x2, and cos_x1, cos_x2, no longer on the page)
computed in the graph; --network-shape hidden layers of --activation neurons, one output
(tanh; linear for regression); weights uniform in [-0.5, 0.5), biases 0.1; the loss 0.5
(output - label)^2. One epoch is one tick of its "Epoch" counter: the training points in one
fixed order, an update by --learning-rate times the mean gradient every --batch-size points
(leftovers join the next epoch's first), then --regularization L1 or L2 (a weight L1 pushes
across 0 is set to 0 for good: a "dead link"). Added here: accuracy, the share of outputs
with the label's sign.

Run it:
    python -m lessons.playground                       # the Playground's default experiment
    python -m lessons.playground --dataset xor --network-shape "" --features x1,x2
    python -m lessons.playground --dataset xor --network-shape "" --features x1,x2,x1_times_x2
    python -m lessons.playground --dataset spiral --network-shape 8,8,8 --learning-rate 0.1 \\
        --epochs 400
    python -m lessons.playground --url "https://playground.tensorflow.org/#dataset=xor&..."
    python -m lessons.exercises start playground_features # your turn: then check it

--url runs a Playground link's experiment: every key of state.ts is read, those that change
only its page (showTestData, discretize, collectStats, tutorial, hideText, *_hide) are named
as ignored, an unknown key or an unusable value is an error, flags beside it win. Its seed,
a text ("0.59624"), always gives the same --seed (its SHA-256): the same kind of points, not
the very points of the Playground's page (numpy draws them here, seedrandom there).

What to expect (seed 0, measured; tests/test_playground.py holds each):
  - the default (circle, x1 x2 -> 4, 2 tanh): test accuracy 1.0 from epoch 45, test loss
    0.004 after the 300 epochs, about 10 s;
  - xor from x1, x2 without a hidden layer: 0.62 on the test points, a coin toss (seeds
    1-4: 0.35-0.62): no line splits the four quadrants; add x1_times_x2 and it is 1.0;
  - circle without a hidden layer from x1_squared, x2_squared: 1.0 (in those features the
    circle is a line); from x1, x2 with one hidden layer of 4 ReLUs: 1.0 (100 epochs);
  - spiral from x1, x2 (400 epochs, learning rate 0.1): one hidden layer of 8 tanh neurons
    0.66, three layers of 8 (the flags above) 0.98 (seeds 1 and 2: 0.91). Depth is not the
    only way: 32 neurons in one layer reach 0.94 after 600 epochs; sin_x1 and sin_x2 as
    features make the spiral easy even for one layer of 8 (0.99).

In TensorBoard (the lesson prints the command):
    Images   `output/heatmap`: the output over the plane (x1, x2 from -6 to 6; orange -1,
             grey 0, blue +1) with the training points in run `train`, the test points in
             run `test`, at --frames epochs from 0 to the last: drag the step slider to
             replay the training; `network/neurons` (run train): the middle of the
             Playground's page, every neuron's output over the plane joined by the weights
             (blue positive, orange negative, wider when larger): which neuron learnt what
    Scalars  `loss` of runs `train` and `test` overlaid (the Playground's two curves) and
             `accuracy`, one point per epoch; epoch 0 is the untrained network
    Graphs   (run `train`) `data` -> `features` -> `hidden_1` -> `hidden_2` -> `output` ->
             `loss` -> `gradients` -> `trainer`, the update rule as `AssignSubVariableOp`s;
             `accuracy` beside them
    Text     `experiment`: the settings, and a link to the same experiment in the Playground
"""

import math
from typing import NamedTuple

from tfgraph import activations, figures, layers, new_graph, optimizers, summaries, tf
from tfgraph.data import playground as pg, playground_link
from tfgraph.support import Run, board, cli, playground_flags
from tfgraph.support.i18n import N_, _, ngettext, number
from tfgraph.support.watch import Diverged
from tfgraph.train import Batch, TrainStep

LESSON = "playground"
EPOCHS = 300        # the default experiment is learnt (test loss below 0.01) well before
FRAMES = 10         # heatmaps per run: TensorBoard keeps 10 images per tag unless told more
DENSITY = 100       # the heatmap's grid, 100 x 100 points, as the Playground's
GRID = pg.grid(DENSITY)     # float32 [10000, 2]: the plane, row by row from the top
INIT_WEIGHT = 0.5   # weights start uniform in [-0.5, 0.5): nn.ts's Math.random() - 0.5
INIT_BIAS = 0.1
WORDS = N_("loss"), N_("accuracy"), N_("train"), N_("test")    # metrics and splits, shown as _(name)


class PlaygroundGraph(NamedTuple):
    points: object       # float32 [batch, 2]: (x1, x2)
    labels: object       # float32 [batch, 1]: +1 / -1, or the regression target
    features: object     # float32 [batch, features]: the input neurons
    hidden: list         # layers.Dense per hidden layer, output float32 [batch, units]
    output: object       # layers.Dense: weights [last, 1], output float32 [batch, 1]
    loss: object         # float32 []: mean of 0.5 (output - label)^2
    accuracy: object     # float32 []: share of outputs with the label's sign (None: regression)
    gradients: list      # [(dloss/dvariable, variable)] for every weight and bias
    alive: list          # L1 only: float32 [inputs, units] per layer, 0 = a dead link
    train_op: object     # one update of every weight and bias
    global_step: object  # int64 []: updates so far


def feature_layer(points, keys):
    """float32 [batch, 2] -> float32 [batch, len(keys)]: the input neurons, one op each."""
    with tf.name_scope("features"):
        x1, x2 = points[:, 0:1], points[:, 1:2]                  # [batch, 1] each
        columns = [tf.identity(pg.FEATURE_BY_NAME[k].compute(x1, x2, tf.math),
                               name=pg.FEATURE_BY_NAME[k].name) for k in keys]
        return tf.concat(columns, axis=1, name="inputs")


def playground_update(gradients, learning_rate, regularization="none", rate=0.0):
    """nn.ts's updateWeights as graph ops: returns (train_op, [alive masks], global_step).

    Each variable moves by -learning_rate * its gradient (the loss is a mean over the
    batch, so this is the mean of the points' gradients). Then, for weights only, the
    regularization step -learning_rate * rate * dR/dw, with dR/dw taken at the weight
    before this update: sign(w) for L1 (+1 at 0), w for L2. With L1 a weight that this
    second step pushes across 0 is set to 0 and its link dies: a non-trainable mask stops
    every later update of it.
    """
    global_step = tf.compat.v1.train.get_or_create_global_step()
    updates, masks = [], []
    with tf.compat.v1.variable_scope("trainer"):
        for grad, var in gradients:
            layer, kind = var.op.name.split("/")[-2:]
            with tf.name_scope(f"{layer}_{kind}"):
                if kind != "weights" or regularization == "none":
                    updates.append(tf.compat.v1.assign_sub(var, learning_rate * grad))
                    continue
                before = tf.identity(var, name="before")      # one read, before any assign
                if regularization == "L2":
                    penalty_slope = before
                else:
                    penalty_slope = tf.where(before < 0, -tf.ones_like(before),
                                             tf.ones_like(before), name="sign")
                    alive = tf.compat.v1.get_variable(
                        f"{layer}_alive", var.shape, tf.float32,
                        tf.compat.v1.ones_initializer(), trainable=False)
                    masks.append(alive)
                    alive_now = tf.identity(alive)
                    grad = grad * alive_now                   # a dead link learns nothing
                stepped = before - learning_rate * grad
                regularized = tf.subtract(stepped, learning_rate * rate * penalty_slope,
                                          name="regularized")
                if regularization == "L2":
                    updates.append(tf.compat.v1.assign(var, regularized))
                    continue
                crossed = stepped * regularized < 0           # L1 pushed it across 0
                dead = tf.logical_or(crossed, alive_now <= 0, name="dead_link")
                updates.append(tf.compat.v1.assign(var, tf.where(dead, tf.zeros_like(before),
                                                                 regularized)))
                updates.append(tf.compat.v1.assign(alive, tf.where(
                    dead, tf.zeros_like(alive_now), alive_now)))
        updates.append(tf.compat.v1.assign_add(global_step, 1))
        train_op = tf.group(*updates, name="train")
    return train_op, masks, global_step


def build_graph(settings=playground_link.Settings()):
    """data -> features -> hidden_1 -> ... -> output; loss, gradients, trainer (nothing runs).

    settings: a playground_link.Settings (default: the Playground's own experiment): its
    features, network_shape, activation, problem, init_zero, learning_rate, regularization*.
    """
    with tf.name_scope("data"):
        points = tf.compat.v1.placeholder(tf.float32, [None, 2], name="points")
        labels = tf.compat.v1.placeholder(tf.float32, [None, 1], name="labels")
    x = inputs = feature_layer(points, settings.features)             # [batch, features]

    if settings.init_zero:   # every neuron of a layer equal, and staying equal: try it
        init, bias = "zeros", 0.0
    else:
        init, bias = tf.compat.v1.random_uniform_initializer(-INIT_WEIGHT, INIT_WEIGHT), INIT_BIAS
    hidden_activation = None if settings.activation == "linear" else activations.BY_NAME[settings.activation]
    hidden = []
    for i, units in enumerate(settings.network_shape, 1):
        hidden.append(layers.dense(x, units, hidden_activation, f"hidden_{i}", init, bias))
        x = hidden[-1].output                                         # [batch, units]
    classification = settings.problem == "classification"
    output = layers.dense(x, 1, activations.tanh if classification else None, "output", init, bias)  # [batch, 1]

    with tf.name_scope("loss"):
        loss = tf.reduce_mean(0.5 * tf.square(output.output - labels), name="square_error")
    accuracy = None
    if classification:
        with tf.name_scope("accuracy"):
            predicted = tf.where(output.output >= 0, tf.ones_like(labels), -tf.ones_like(labels))
            accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, labels), tf.float32),
                                      name="accuracy")

    variables = [v for layer in [*hidden, output] for v in (layer.weights, layer.biases)]
    gradients = optimizers.backward(loss, variables)
    train_op, alive, global_step = playground_update(
        gradients, settings.learning_rate, settings.regularization, settings.regularization_rate)
    return PlaygroundGraph(points, labels, inputs, hidden, output, loss, accuracy, gradients,
                           alive, train_op, global_step)


def score(run, net, data, epoch, learning_rate):
    """{"train" | "test": {"loss", "accuracy"}} on every point of each split, written to the
    split's run at `epoch`; a loss that is not a number any more stops the run."""
    fetch = {"loss": net.loss}
    if net.accuracy is not None:
        fetch["accuracy"] = net.accuracy
    scores = {}
    for name, split in (("train", data.train), ("test", data.test)):
        values = run.session.run(fetch, {net.points: split.points, net.labels: split.labels[:, None]})
        scores[name] = {k: float(v) for k, v in values.items()}
        if not math.isfinite(scores[name]["loss"]):
            raise Diverged(_("the {split} loss became {loss} at epoch {epoch}; try a smaller "
                             "--learning-rate than {learning_rate}; the summaries up to that epoch "
                             "are kept").format(split=_(name), loss=scores[name]["loss"], epoch=epoch,
                                                learning_rate=f"{learning_rate:g}"))
        run.log(name, epoch, **scores[name])
    return scores


def draw(run, net, data, epoch, scores, feature_keys):
    """The Playground's pictures of the network as it is now: `network/neurons`, every
    neuron over the plane (run train); `output/heatmap` with the training points (run
    train) and with the test points (run test)."""
    neurons = [*net.hidden, net.output]
    maps = [v.reshape(DENSITY, DENSITY, -1) for v in         # [100, 100, units] per column
            run.session.run([net.features, *[n.output for n in neurons]], {net.points: GRID})]
    weights = run.session.run([n.weights for n in neurons])
    figures.write(run.writer("train"), "network/neurons", figures.playground_network(
        maps, weights, [pg.FEATURE_BY_NAME[k].label for k in feature_keys], pg.COLOURS,
        _("epoch {epoch}").format(epoch=epoch)), epoch)
    for name, split, rim in (("train", data.train, "white"), ("test", data.test, "black")):
        title = _("epoch {epoch}: {split} {scores}").format(epoch=epoch, split=_(name), scores=", ".join(
            f"{_(metric)} {number(value, '.3f')}" for metric, value in scores[name].items()))
        figures.write(run.writer(name), "output/heatmap", figures.playground_heatmap(
            maps[-1][:, :, 0], pg.RADIUS, pg.COLOURS, split.points, split.labels, rim, title),
            epoch)


def main(argv=None):
    p = cli.parser(LESSON, __doc__, epochs=EPOCHS)
    playground_flags.add(p, frames=FRAMES)      # --url, --dataset, ..., --frames
    args = cli.parse(p, argv)

    # 1. Data: the experiment (flags written, else the link's, else the Playground's), its points
    settings = playground_link.settings_from(args.url, vars(args), cli.given(p, argv))
    data = pg.make_data(settings.data_name, settings.noise, settings.perc_train_data, settings.seed)
    print(settings.describe(len(data.train), len(data.test)))

    # 2. Graph
    graph = new_graph(settings.seed)
    with graph.as_default():
        net = build_graph(settings)

    # 3. Session: epochs of the Playground's updates; pictures at a few epochs
    frames = figures.frame_steps(args.epochs, args.frames)
    history = {"train": [], "test": []}
    with Run(playground_flags.record(args, settings), graph, writers=("train", "test"), checkpoints=False) as run:
        summaries.text(run.writer("train"), "experiment", settings.markdown(args.epochs))
        train_step = TrainStep(run.session, net.train_op, net.loss, net.points, net.labels)
        train_labels = data.train.labels[:, None]                         # [n, 1]
        for epoch in range(args.epochs + 1):
            if epoch > 0:    # epoch 0 is the untrained network, the Playground's first picture
                for indices in pg.update_batches(len(data.train), settings.batch_size, epoch):
                    train_step(Batch(0, epoch, data.train.points[indices], train_labels[indices], False))
            scores = score(run, net, data, epoch, settings.learning_rate)
            for name in history:
                history[name].append(scores[name])
            if epoch in frames:
                draw(run, net, data, epoch, scores, settings.features)
                print(_("epoch {epoch}").format(epoch=f"{epoch:>5}"), "", "  ".join(
                    _("{metric} train {train} test {test}").format(metric=_(metric), **{
                        split: number(scores[split][metric], ".4f") for split in scores})
                    for metric in scores["test"]), flush=True)
        steps = run.step
        dead = [int((m == 0).sum()) for m in run.session.run(net.alive)]

    final = {name: history[name][-1] for name in history}
    line = ngettext("After {epochs} epoch ({steps} updates of the weights): test loss {test_loss} (train {train_loss})",
                    "After {epochs} epochs ({steps} updates of the weights): test loss {test_loss} "
                    "(train {train_loss})", args.epochs)
    if net.accuracy is not None:
        line += _(", test accuracy {test_accuracy} (train {train_accuracy})")
    print("\n" + line.format(epochs=args.epochs, steps=number(steps, ","), **{
        f"{split}_{metric}": number(value, ".4f" if metric == "loss" else ".3f")
        for split in final for metric, value in final[split].items()}))
    if dead:
        total = sum(m.shape.num_elements() for m in net.alive)
        print(_("L1 set {dead} of {total} weights to 0 for good (dead links).").format(dead=sum(dead), total=total))
    print(_("The same settings in the Playground: {link}").format(link=settings.link()))

    # 4. TensorBoard
    if len(frames) > 10:
        print(_("TensorBoard shows 10 heatmaps per tag unless started with --samples_per_plugin "
                "images={frames}").format(frames=len(frames)))
    board.show(args, run.dir)
    return {"train_loss": final["train"]["loss"], "test_loss": final["test"]["loss"],
            "train_accuracy": final["train"].get("accuracy"),
            "test_accuracy": final["test"].get("accuracy"),
            "history": history, "epochs": args.epochs, "steps": steps, "frames": frames,
            "settings": settings, "seed": settings.seed, "ignored": list(settings.ignored),
            "link": settings.link(), "dead_links": sum(dead), "run_dir": str(run.dir),
            "neurons": list(settings.network_shape),
            "features": [pg.FEATURE_BY_NAME[k].name for k in settings.features]}


if __name__ == "__main__":
    cli.run(main)
