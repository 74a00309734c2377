"""Exercise playground_features — the reference solution (lesson playground)."""

from tfgraph import tf


def input_features(points):
    # Columns of shape [n, 1] (the slice 0:1 keeps the axis), so that concatenating them
    # along axis 1 puts the features side by side: one row per point.
    x1, x2 = points[:, 0:1], points[:, 1:2]
    columns = [x1, x2, x1 * x1, x2 * x2, x1 * x2, tf.sin(x1), tf.sin(x2)]     # [n, 1] each
    names = ["x1", "x2", "x1_squared", "x2_squared", "x1_times_x2", "sin_x1", "sin_x2"]
    # Named as the Playground names its input neurons, so the graph shows them.
    columns = [tf.identity(c, name=name) for c, name in zip(columns, names)]
    return tf.concat(columns, axis=1, name="features")                         # [n, 7]
