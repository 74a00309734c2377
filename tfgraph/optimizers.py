"""Training as graph ops: the "gradients" box (backpropagation) and an optimizer's box.

Introduced in lesson `mnist_dense` (the slide's "gradients" -> "SGD Trainer"); Adam in
lesson `going_deep`; `var_list` (what trains, what stays frozen) in `transfer_learning`.
"""

from tfgraph.support.lazy import tf


def backward(loss, variables):
    """The "gradients" box: dL/dv for every variable, as ops. Returns [(gradient, variable)].

    A variable behind a step function (lesson `activations`) gets None from tf.gradients:
    the step's comparison op has no gradient, because the step's derivative is 0 everywhere
    it exists. That 0 is the honest value, so it is written in as zeros (named
    `gradients/zero_for_<variable>`): the update leaves the variable exactly where it was,
    and a histogram of its gradient shows the zeros instead of failing on None.
    """
    gradients = tf.compat.v1.gradients(loss, variables, name="gradients")
    pairs = []
    for gradient, variable in zip(gradients, variables):
        if gradient is None:
            with tf.name_scope("gradients/"):
                gradient = tf.zeros_like(
                    variable, name="zero_for_" + variable.op.name.replace("/", "_"))
        pairs.append((gradient, variable))
    return pairs


def sgd(loss, learning_rate, var_list=None):
    """Backpropagation, then one small step of gradient descent on every trainable variable.

    Written as the slide's graph draws it: a "gradients" box (tf.gradients builds the
    backward pass as ops) feeding an "sgd_trainer" box (w <- w - learning_rate * dL/dw),
    which also counts the steps in the global step. Returns (train_op, [(gradient,
    variable)], global_step).
    var_list: the variables to train (default: every trainable one); the others stay
      frozen, and no gradient is computed for them (lesson transfer_learning).
    """
    return _train(loss, var_list, "sgd_trainer",
                  lambda: tf.compat.v1.train.GradientDescentOptimizer(learning_rate))


def adam(loss, learning_rate, var_list=None):
    """Backpropagation, then one step of Adam on `var_list` (default: every trainable variable).

    The same "gradients" box as `sgd`, feeding an "adam_trainer" box. Adam (Kingma and Ba)
    keeps, for every weight, running averages of its gradient and of the gradient's square,
    and moves each weight by about `learning_rate` in the direction of the average: deep
    networks, whose layers see gradients of very different sizes, learn in far fewer steps
    than with one global step size. learning_rate: a float or a float32 scalar tensor (a
    schedule). Variables outside var_list stay frozen, and no gradient is computed for them
    (lesson transfer_learning). Returns (train_op, [(gradient, variable)], global_step).
    Introduced in lesson `going_deep`.
    """
    return _train(loss, var_list, "adam_trainer",
                  lambda: tf.compat.v1.train.AdamOptimizer(learning_rate))


def _train(loss, var_list, scope, make_optimizer):
    """The "gradients" box, then the optimizer's update in its own box `scope`, counting
    the steps in the global step. Returns (train_op, [(gradient, variable)], global_step)."""
    global_step = tf.compat.v1.train.get_or_create_global_step()
    variables = tf.compat.v1.trainable_variables() if var_list is None else list(var_list)
    pairs = backward(loss, variables)
    with tf.name_scope(scope):
        optimizer = make_optimizer()     # inside the box: its slots and update ops too
        train_op = optimizer.apply_gradients(pairs, global_step=global_step, name="train")
    return train_op, pairs, global_step
