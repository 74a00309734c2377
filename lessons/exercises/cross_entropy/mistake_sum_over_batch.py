"""A mistake learners make: the loss per example returned, not its mean over the batch."""

from tfgraph import tf


def cross_entropy(logits, labels):
    shifted = logits - tf.reduce_max(logits, axis=1, keepdims=True)
    log_softmax = shifted - tf.math.log(tf.reduce_sum(tf.exp(shifted), axis=1, keepdims=True))
    return -tf.reduce_sum(labels * log_softmax, axis=1)
