"""Exercise normal_equations — lesson ml101 ("Tipos de modelos": 1. Linear regression).

Lesson ml101 finds the best line through noisy points twice: by gradient descent, one step
per session.run, and by the normal equations, in one chain of ops with no loop. Write the
second one yourself.

A line y = slope·x + intercept is the product X·θ, with one column of X per weight: the
slope multiplies x, the intercept multiplies 1, so X = [x, 1] ([n, 2]) and θ = (slope,
intercept) ([2, 1]). The θ that makes |X·θ - y|² smallest solves the normal equations

    (XᵀX) θ = Xᵀy          XᵀX is [2, 2], Xᵀy is [2, 1], whatever the number of points n

Write `fit_line(x, y)`:
    x: float32 [n, 1], the inputs, one point per row (n is not known when the graph is built)
    y: float32 [n, 1], the noisy targets
    returns: float32 [2, 1], θ = (slope, intercept): the solution of (XᵀX) θ = Xᵀy
Graph ops only, in one chain: tf.ones_like, tf.concat, tf.matmul (see its transpose_a),
tf.linalg.solve. Not tf.linalg.lstsq (numpy's lstsq is what the check compares with), no
numpy, no Python loop.

Check it:   python -m lessons.exercises check normal_equations
"""

from tfgraph import tf


def fit_line(x, y):
    raise NotImplementedError
