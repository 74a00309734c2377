"""The var_list that freezes the reused conv layers and trains the new dense ones (lesson
transfer_learning)."""

import numpy as np

from lessons import going_deep
from lessons.exercises import Hint
from tfgraph import losses, new_graph, optimizers, tf
from tfgraph.support.i18n import N_, _, number

TASK = N_("the var_list that trains the new dense layers and keeps the reused conv layers frozen")
MISTAKES = {
    "mistake_every_variable": "changed during training: leave it out of `var_list`",
    "mistake_conv_not_dense": "did not change during training: put it in `var_list`",
    "mistake_weights_only": "`head/fc4/biases` did not change during training",
}

NEW_DIGITS = 5          # the lesson's new layers tell the digits 5-9 apart
STEPS = 3               # Adam steps: any trained variable moves at the first
LEARNING_RATE = 0.001   # the lesson's
_RNG = np.random.default_rng(10)
IMAGES = _RNG.random((8, 28 * 28), dtype=np.float32)                          # [8, 784]
TARGETS = np.eye(NEW_DIGITS, dtype=np.float32)[_RNG.integers(0, NEW_DIGITS, 8)]  # [8, 5]

# What the lesson prints for its frozen variant, counted here from going_deep's shapes (not
# from tfgraph.counts): three pools take 28x28 to 3x3, the last block has 4 x 16 channels.
FEATURES = 3 * 3 * 4 * going_deep.CHANNELS                           # 576 inputs of fc4
FC4 = FEATURES * going_deep.DENSE + going_deep.DENSE                   # 73,856
FC5 = going_deep.DENSE * NEW_DIGITS + NEW_DIGITS                       # 645
CONV = sum(3 * 3 * c_in * c_out + c_out for c_in, c_out in
           [(1, 16), (16, 16), (16, 32), (32, 32), (32, 64), (64, 64)])   # 71,792


class Network:
    """Lesson transfer_learning's network, built as its build_graph builds it (scope `base`:
    going_deep's conv blocks, conv1_1 ... conv3_2; scope `head`: new fc4, fc5 for 5 digits),
    then trained STEPS Adam steps on the learner's var_list."""

    def __init__(self, learner):
        self.graph = new_graph(0)
        with self.graph.as_default():
            x = tf.compat.v1.placeholder(tf.float32, [None, 28 * 28], name="x")
            targets = tf.compat.v1.placeholder(tf.float32, [None, NEW_DIGITS], name="targets")
            images = tf.reshape(x, [-1, 28, 28, 1], name="images")
            with tf.compat.v1.variable_scope("base"):
                features, _, _, _ = going_deep.conv_blocks(images)
            with tf.compat.v1.variable_scope("head"):
                logits, _, _ = going_deep.dense_layers(features, classes=NEW_DIGITS)
            loss = losses.cross_entropy(logits, targets)
            self.variables = tf.compat.v1.trainable_variables()
            self.var_list = _as_var_list(learner.var_list(list(self.variables)), self.variables)
            self.train_op, _, _ = optimizers.adam(loss, LEARNING_RATE, var_list=self.var_list)
            init = tf.compat.v1.global_variables_initializer()
        self.feed = {x: IMAGES, targets: TARGETS}
        self.init = init

    def changed(self):
        """{variable name: whether STEPS training steps moved any of its values}."""
        with tf.compat.v1.Session(graph=self.graph) as session:
            session.run(self.init)
            before = session.run(self.variables)
            for _step in range(STEPS):
                session.run(self.train_op, self.feed)
            after = session.run(self.variables)
        return {v.op.name: bool(np.any(a != b))
                for v, a, b in zip(self.variables, before, after)}

    def op_count(self, op_type):
        return sum(op.type == op_type for op in self.graph.get_operations())


def _as_var_list(value, variables):
    """The learner's answer as a list of this graph's variables, or a Hint saying why not."""
    if value is None:
        raise Hint(_("`var_list` returned None: return the list of variables to train"))
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise Hint(_("`var_list` should return a list of variables; it returned {kind}").format(
            kind=type(value).__name__))
    found = list(value)
    known = {id(v): v for v in variables}
    for v in found:
        if id(v) not in known:
            what = f"{v!r}" if isinstance(v, str) else type(v).__name__
            raise Hint(_("`var_list` holds {what}: it should hold the variables themselves "
                         "(tf.Variable), picked from the list it is given").format(what=what))
    if not found:
        raise Hint(_("`var_list` is empty: nothing would train; the new dense layers (scope "
                     "`head`: fc4, fc5) must"))
    names = [v.op.name for v in found]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise Hint(_("`var_list` holds {names} more than once: each variable once").format(
            names=", ".join(twice)))
    return found


def check_new_dense_layers_train(learner):
    changed = Network(learner).changed()
    for name, moved in changed.items():
        if name.startswith("head/") and not moved:
            raise Hint(_("`{name}` did not change during training: put it in `var_list` (the "
                         "new dense layers fc4, fc5, weights and biases, learn the digits "
                         "5-9)").format(name=name))


def check_reused_conv_layers_stay_frozen(learner):
    changed = Network(learner).changed()
    for name, moved in changed.items():
        if name.startswith("base/") and moved:
            raise Hint(_("`{name}` changed during training: leave it out of `var_list` (the "
                         "reused conv layers stay frozen)").format(name=name))


def check_no_gradient_through_the_frozen_layers(learner):
    # A conv layer's filters get their gradient from a Conv2DBackpropFilter op: a frozen
    # layer needs none (the lesson: "frozen's `gradients` box has none").
    found = Network(learner).op_count("Conv2DBackpropFilter")
    if found:
        raise Hint(_("the `gradients` box holds {n} Conv2DBackpropFilter ops (the backward "
                     "pass of conv filters); with the conv layers frozen it needs none: leave "
                     "them out of `var_list`").format(n=found))


def check_trainable_parameters_as_the_lesson_prints(learner):
    network = Network(learner)
    trained = sum(int(np.prod(v.shape.as_list())) for v in network.var_list)
    if trained != FC4 + FC5:
        raise Hint(_("`var_list` holds {n} parameters; the frozen variant trains {need} "
                     "(fc4 {fc4} + fc5 {fc5}), as the lesson prints: {line}").format(
            n=number(trained, ","), need=number(FC4 + FC5, ","), fc4=number(FC4, ","),
            fc5=number(FC5, ","), line='"' + _("trainable parameters {before} -> {after}").format(
                before=number(CONV + FC4 + FC5, ","), after=number(FC4 + FC5, ",")) + '"'))
