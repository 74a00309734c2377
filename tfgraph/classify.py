"""Loss, training and evaluation of a classifier, as graph ops.

TensorFlow's own MNIST tutorial splits a model into inference -> loss -> training ->
evaluation; the network (inference) is each lesson's own, these three are shared.
Introduced in lesson `mnist_softmax`, reused by `mnist_dense` and `tensorboard`.
"""

from tfgraph._lazy import tf


def cross_entropy(logits, labels):
    """Mean cross-entropy between one-hot labels and the softmax of the logits.

    logits: float32 [batch, classes], the raw scores. labels: float32 [batch, classes],
    one-hot. Returns a float32 scalar, named "cross_entropy/loss".
    """
    with tf.name_scope("cross_entropy"):
        # From the logits, never log(softmax(logits)): a probability that underflows to 0
        # makes log() -inf and the loss NaN. This op works with log-sum-exp directly.
        per_example = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        return tf.reduce_mean(per_example, name="loss")


def evaluation(logits, labels):
    """The network's answers and how many are right.

    Returns (predicted: int64 [batch], the class with the largest logit; accuracy: float32
    scalar, the fraction of examples whose prediction is the labelled class).
    """
    with tf.name_scope("evaluation"):
        predicted = tf.argmax(logits, axis=1, name="predicted")          # [batch]
        correct = tf.equal(predicted, tf.argmax(labels, axis=1))         # [batch] bool
        return predicted, tf.reduce_mean(tf.cast(correct, tf.float32), name="accuracy")


def sgd(loss, learning_rate):
    """Backpropagation, then one small step of gradient descent on every trainable variable.

    Written as the slide's graph draws it: a "gradients" box (tf.gradients builds the
    backward pass as ops) feeding an "sgd_trainer" box (w <- w - learning_rate * dL/dw),
    which also counts the steps in the global step. Returns (train_op, [(gradient,
    variable)], global_step).
    """
    global_step = tf.compat.v1.train.get_or_create_global_step()
    variables = tf.compat.v1.trainable_variables()
    gradients = tf.compat.v1.gradients(loss, variables, name="gradients")
    pairs = list(zip(gradients, variables))
    with tf.name_scope("sgd_trainer"):
        optimizer = tf.compat.v1.train.GradientDescentOptimizer(learning_rate)
        train_op = optimizer.apply_gradients(pairs, global_step=global_step, name="train")
    return train_op, pairs, global_step
