"""A mistake learners make: the loop runs the built op, but reads the counter with a new op
(and a new constant) on every pass to show progress."""

from tfgraph import tf


def build(counter):
    return tf.compat.v1.assign_add(counter, 1)


def count(session, counter, step, n):
    for i in range(n):
        session.run(step)
        value, done = session.run([counter.read_value(), tf.constant(i + 1)])
    return value


def batch_size(x):
    return tf.shape(x)[0]
