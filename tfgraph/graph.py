"""A fresh, seeded graph for each lesson, and the session settings every lesson uses.

    graph = new_graph(seed)            # a fresh tf.Graph, nothing left from other lessons
    with graph.as_default():
        net = build_graph(...)         # placeholders, variables, ops: nothing runs yet

Each lesson builds in its own graph (never the process's default graph), so two lessons in
one process, or one lesson run twice by a test, never see each other's ops.
"""

from tfgraph.support.lazy import tf


def new_graph(seed):
    """A new, empty `tf.Graph` whose random ops are seeded from `seed`.

    Op determinism makes the same seed give the same numbers bit for bit on this machine
    (it is a process-wide setting; it costs a few percent of speed).
    """
    tf.config.experimental.enable_op_determinism()
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.set_random_seed(seed)
    return graph


def session_config():
    """Thread settings for a small CPU: TensorFlow's defaults measured best here."""
    return tf.compat.v1.ConfigProto(allow_soft_placement=True)
