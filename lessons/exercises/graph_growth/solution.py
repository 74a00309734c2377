"""Exercise graph_growth — the reference solution (lesson tf_basics)."""

from tfgraph import tf


def build(counter):
    # The only place an op is made. assign_add changes the variable itself (counter + 1 would
    # only compute a new value); run, it gives back the counter's new value.
    return tf.compat.v1.assign_add(counter, 1, name="step")


def count(session, counter, step, n):
    # Only session.run here: the same `step` node runs n times, the graph stays as it was.
    value = session.run(counter)          # (n = 0: the value as it is)
    for _ in range(n):
        value = session.run(step)
    return value


def batch_size(x):
    # x.shape[0] is the static shape, None for a [None, 3] placeholder; tf.shape(x) is an op
    # whose value is the shape of what was actually fed.
    return tf.shape(x)[0]
