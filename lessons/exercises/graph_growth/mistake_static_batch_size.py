"""A mistake learners make: the static shape's first dimension, None for a [None, 3] placeholder."""

from tfgraph import tf


def build(counter):
    return tf.compat.v1.assign_add(counter, 1)


def count(session, counter, step, n):
    for _ in range(n):
        value = session.run(step)
    return value


def batch_size(x):
    return x.shape[0]
