"""The loss and the evaluation of a classifier, as graph ops.

TensorFlow's own MNIST tutorial splits a model into inference -> loss -> training ->
evaluation; the network (inference) is each lesson's own, the loss and the evaluation are
here, the training in `tfgraph.optimizers`. Introduced in lesson `mnist_softmax`.
"""

from tfgraph.support.lazy import tf


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
