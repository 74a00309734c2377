"""A mistake learners make: the assign op made inside the loop, a new node on every pass."""

from tfgraph import tf


def build(counter):
    return tf.compat.v1.assign_add(counter, 1)


def count(session, counter, step, n):
    for _ in range(n):
        value = session.run(counter.assign_add(1))
    return value


def batch_size(x):
    return tf.shape(x)[0]
