"""A mistake learners make: log(softmax(z)) written as it reads (NaN once a logit is large)."""

from tfgraph import tf


def cross_entropy(logits, labels):
    exp = tf.exp(logits)
    softmax = exp / tf.reduce_sum(exp, axis=1, keepdims=True)
    return tf.reduce_mean(-tf.reduce_sum(labels * tf.math.log(softmax), axis=1))
