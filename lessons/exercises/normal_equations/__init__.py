"""Linear regression's normal equations, (XᵀX)θ = Xᵀy, as one chain of ops (lesson ml101)."""

import numpy as np

from lessons.exercises import Hint
from lessons.exercises.graphs import must_be_tensor, must_have_shape, op_error_reason
from tfgraph import new_graph, tf
from tfgraph.data import line

TASK = "linear regression by the normal equations (XᵀX)θ = Xᵀy, in one chain of ops"
MISTAKES = {
    "mistake_no_column_of_ones": "column of ones",
    "mistake_x_times_x_transposed": "that is X·Xᵀ",
}

# Points around the lesson's line y = 2x - 1 (noise 1, x in [0, 10]); fewer points around a
# line far from the origin, where a line forced through (0, 0) is plainly wrong; n is never 2,
# so an [n, n] matrix cannot pass for [2, 2].
LESSON_LINE = line.points(2.0, -1.0, 1.0, 20, seed=3)
HIGH_LINE = line.points(0.5, 8.0, 0.5, 7, seed=4)
MATMULS = {"MatMul", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3"}


def reference(x, y):
    """numpy's least-squares line in float64: [[slope], [intercept]]."""
    return np.array(line.lstsq(x, y))[:, None]


def _theta(learner, points):
    """Build `fit_line` on placeholders x, y [n, 1] in a fresh graph; run it on `points`.
    A run that fails becomes a hint, naming an [n, n] product when the graph has one."""
    x, y = points
    graph = new_graph(0)
    with graph.as_default():
        x_in = tf.compat.v1.placeholder(tf.float32, [None, 1], name="x")
        y_in = tf.compat.v1.placeholder(tf.float32, [None, 1], name="y")
        theta = learner.fit_line(x_in, y_in)
        must_be_tensor(theta, "fit_line")
    feed = {x_in: x[:, None], y_in: y[:, None]}
    with tf.compat.v1.Session(graph=graph) as session:
        try:
            return session.run(theta, feed)
        except tf.errors.OpError as error:
            _square_product_hint(graph, session, feed, len(x))
            raise Hint(f"running `fit_line`'s graph failed for {len(x)} points: "
                       f"{type(error).__name__}: {op_error_reason(error)}") from None


def _square_product_hint(graph, session, feed, n):
    """Hint if some matrix product of the learner's graph is [n, n]: X·Xᵀ for XᵀX."""
    for op in graph.get_operations():
        if op.type not in MATMULS:
            continue
        try:
            shape = np.shape(session.run(op.outputs[0], feed))
        except tf.errors.OpError:
            continue
        if shape == (n, n):
            raise Hint(f"`{op.name}` is {list(shape)} for {n} points ([n, n]): that is X·Xᵀ, one "
                       f"row per point; the normal equations need XᵀX, [2, 2], one row per "
                       f"weight: tf.matmul(X, X, transpose_a=True)")


def _must_be_two_by_one(theta, n):
    if np.shape(theta) == (1, 1):
        raise Hint(f"`theta` has shape [1, 1] for {n} points; it needs [2, 1], (slope, "
                   f"intercept): one weight per column of X = [x, 1]. Is the column of ones "
                   f"missing? (tf.concat([x, tf.ones_like(x)], axis=1))")
    must_have_shape(theta, (2, 1), "theta", fed=f" for {n} points")


def check_theta_is_two_by_one(learner):
    x, _ = LESSON_LINE
    _must_be_two_by_one(_theta(learner, LESSON_LINE), len(x))


def check_matches_numpy_lstsq(learner):
    for points, about in ((LESSON_LINE, "around y = 2x - 1"), (HIGH_LINE, "around y = 0.5x + 8")):
        x, y = points
        theta = _theta(learner, points)
        _must_be_two_by_one(theta, len(x))
        expected = reference(x, y)
        if not np.all(np.isfinite(theta)):
            raise Hint(f"`theta` is NaN or infinite for {len(x)} points {about}: is XᵀX [2, 2] "
                       f"and invertible?")
        # float32 normal equations land within about 1e-5 of numpy's float64 line here
        if not np.allclose(theta, expected, rtol=1e-3, atol=1e-3):
            got, want = theta.ravel(), expected.ravel()
            raise Hint(f"for {len(x)} points {about}, `theta` is (slope {got[0]:.5g}, intercept "
                       f"{got[1]:.5g}); numpy.linalg.lstsq gives ({want[0]:.5g}, {want[1]:.5g})")


def check_intercept_is_there(learner):
    x, y = HIGH_LINE
    theta = _theta(learner, HIGH_LINE)
    _must_be_two_by_one(theta, len(x))
    slope, intercept = reference(x, y).ravel()
    got = np.asarray(theta, np.float64).ravel()
    if abs(got[1]) < 1e-6:
        raise Hint(f"the intercept is 0 for points around y = 0.5x + 8; numpy.linalg.lstsq "
                   f"gives {intercept:.5g}: X = [x, 1] needs its column of ones; without it "
                   f"the line is forced through (0, 0)")
    if not np.isclose(got[1], intercept, rtol=1e-3, atol=1e-3):
        raise Hint(f"the intercept (theta's second row) is {got[1]:.5g} for points around "
                   f"y = 0.5x + 8; numpy.linalg.lstsq gives {intercept:.5g} (slope "
                   f"{slope:.5g}): theta is (slope, intercept), in the order of X's columns "
                   f"[x, 1]")


def check_solved_by_the_normal_equations(learner):
    graph = new_graph(0)
    with graph.as_default():
        theta = learner.fit_line(tf.compat.v1.placeholder(tf.float32, [None, 1], name="x"),
                                 tf.compat.v1.placeholder(tf.float32, [None, 1], name="y"))
        must_be_tensor(theta, "fit_line")
    used = {op.type for op in graph.get_operations()}
    # tf.linalg.lstsq hides its ops in a cond's functions: its name scope gives it away
    shortcut = (used & {"MatrixSolveLs", "Qr", "Svd"}) | {
        "tf.linalg.lstsq" for op in graph.get_operations() if "matrix_solve_ls" in op.name}
    if shortcut:
        raise Hint(f"the graph uses {', '.join(sorted(shortcut))}, a ready-made least-squares "
                   f"solver: write the normal equations yourself, XᵀX and Xᵀy with tf.matmul, "
                   f"then tf.linalg.solve")
    if not used & MATMULS:
        raise Hint("the graph has no matrix product: XᵀX and Xᵀy are tf.matmul(X, X, "
                   "transpose_a=True) and tf.matmul(X, y, transpose_a=True)")
    if not used & {"MatrixSolve", "MatrixInverse", "Cholesky", "MatrixTriangularSolve"}:
        raise Hint(f"the graph solves nothing (its ops: {', '.join(sorted(used))}): θ is the "
                   f"solution of (XᵀX) θ = Xᵀy, tf.linalg.solve(XᵀX, Xᵀy)")
