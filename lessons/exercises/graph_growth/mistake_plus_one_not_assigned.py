"""A mistake learners make: `counter + 1` is a new value, not a change of the variable."""

from tfgraph import tf


def build(counter):
    return counter + 1


def count(session, counter, step, n):
    for _ in range(n):
        value = session.run(step)
    return value


def batch_size(x):
    return tf.shape(x)[0]
