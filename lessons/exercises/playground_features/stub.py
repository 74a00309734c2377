"""Exercise playground_features — lesson playground ("O Playground").

The Playground does not feed its network the point (x1, x2) alone: its input neurons are
features computed from the point, and the right ones make a hard shape easy (xor is a line in
x1·x2, the circle a line in x1² and x2²). In lesson playground they are graph ops, the box
`features` in TensorBoard. Here you write them.

Write `input_features(points)`:
    points: float32 [n, 2], one point (x1, x2) per row; n is any number (a placeholder
            [None, 2]: 6 points, 1 point, the heatmap's grid)
    returns: float32 [n, 7], one row per point, one column per input feature, in the
             Playground's order (tfgraph.data.playground.FEATURES):
                 x1, x2, x1_squared (x1²), x2_squared (x2²), x1_times_x2 (x1·x2),
                 sin_x1 (sin(x1)), sin_x2 (sin(x2))
Graph ops only (slicing, *, tf.sin, tf.concat or tf.stack), no numpy: the points have no
values while the graph is built.

Check it:   python -m lessons.exercises check playground_features
"""

from tfgraph import tf


def input_features(points):
    raise NotImplementedError
