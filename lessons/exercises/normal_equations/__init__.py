"""Linear regression's normal equations, (XᵀX)θ = Xᵀy, as one chain of ops (lesson ml101)."""

import numpy as np

from lessons.exercises import Hint
from lessons.exercises.graphs import must_be_tensor, must_have_shape, op_error_reason
from tfgraph import new_graph, tf
from tfgraph.data import line
from tfgraph.support.i18n import N_, _, number

TASK = N_("linear regression by the normal equations (XᵀX)θ = Xᵀy, in one chain of ops")
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
            raise Hint(_("running `fit_line`'s graph failed for {n} points: {error}: "
                         "{reason}").format(n=len(x), error=type(error).__name__,
                                            reason=op_error_reason(error))) from None


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
            raise Hint(_("`{op}` is {shape} for {n} points ([n, n]): that is X·Xᵀ, one row per "
                         "point; the normal equations need XᵀX, [2, 2], one row per weight: "
                         "tf.matmul(X, X, transpose_a=True)").format(op=op.name, shape=list(shape),
                                                                     n=n))


def _must_be_two_by_one(theta, n):
    if np.shape(theta) == (1, 1):
        raise Hint(_("`theta` has shape [1, 1] for {n} points; it needs [2, 1], (slope, "
                     "intercept): one weight per column of X = [x, 1]. Is the column of ones "
                     "missing? (tf.concat([x, tf.ones_like(x)], axis=1))").format(n=n))
    must_have_shape(theta, (2, 1), "theta", fed=_(" for {n} points").format(n=n))


def check_theta_is_two_by_one(learner):
    x, _y = LESSON_LINE
    _must_be_two_by_one(_theta(learner, LESSON_LINE), len(x))


def check_matches_numpy_lstsq(learner):
    for points, line_text in ((LESSON_LINE, "y = 2x - 1"), (HIGH_LINE, "y = 0.5x + 8")):
        x, y = points
        about = _("around {line}").format(line=line_text)
        theta = _theta(learner, points)
        _must_be_two_by_one(theta, len(x))
        expected = reference(x, y)
        if not np.all(np.isfinite(theta)):
            raise Hint(_("`theta` is NaN or infinite for {n} points {about}: is XᵀX [2, 2] and "
                         "invertible?").format(n=len(x), about=about))
        # float32 normal equations land within about 1e-5 of numpy's float64 line here
        if not np.allclose(theta, expected, rtol=1e-3, atol=1e-3):
            got, want = theta.ravel(), expected.ravel()
            raise Hint(_("for {n} points {about}, `theta` is (slope {slope}, intercept "
                         "{intercept}); numpy.linalg.lstsq gives ({want_slope}, "
                         "{want_intercept})").format(
                n=len(x), about=about, slope=number(got[0], ".5g"),
                intercept=number(got[1], ".5g"), want_slope=number(want[0], ".5g"),
                want_intercept=number(want[1], ".5g")))


def check_intercept_is_there(learner):
    x, y = HIGH_LINE
    theta = _theta(learner, HIGH_LINE)
    _must_be_two_by_one(theta, len(x))
    slope, intercept = reference(x, y).ravel()
    got = np.asarray(theta, np.float64).ravel()
    if abs(got[1]) < 1e-6:
        raise Hint(_("the intercept is 0 for points around y = 0.5x + 8; numpy.linalg.lstsq "
                     "gives {intercept}: X = [x, 1] needs its column of ones; without it the "
                     "line is forced through (0, 0)").format(intercept=number(intercept, ".5g")))
    if not np.isclose(got[1], intercept, rtol=1e-3, atol=1e-3):
        raise Hint(_("the intercept (theta's second row) is {got} for points around "
                     "y = 0.5x + 8; numpy.linalg.lstsq gives {intercept} (slope {slope}): theta "
                     "is (slope, intercept), in the order of X's columns [x, 1]").format(
            got=number(got[1], ".5g"), intercept=number(intercept, ".5g"),
            slope=number(slope, ".5g")))


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
        raise Hint(_("the graph uses {ops}, a ready-made least-squares solver: write the normal "
                     "equations yourself, XᵀX and Xᵀy with tf.matmul, then tf.linalg.solve").format(
            ops=", ".join(sorted(shortcut))))
    if not used & MATMULS:
        raise Hint(_("the graph has no matrix product: XᵀX and Xᵀy are tf.matmul(X, X, "
                     "transpose_a=True) and tf.matmul(X, y, transpose_a=True)"))
    if not used & {"MatrixSolve", "MatrixInverse", "Cholesky", "MatrixTriangularSolve"}:
        raise Hint(_("the graph solves nothing (its ops: {ops}): θ is the solution of "
                     "(XᵀX) θ = Xᵀy, tf.linalg.solve(XᵀX, Xᵀy)").format(ops=", ".join(sorted(used))))
