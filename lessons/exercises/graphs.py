"""What the checks share: build a learner's function in a fresh graph, run it, describe it.

Every check builds in its own graph (`tfgraph.new_graph`), so one check never sees another's
ops, and a learner's mistake in one check cannot spoil the next.
"""

import numpy as np

from lessons.exercises import Hint
from tfgraph import new_graph, tf
from tfgraph.support.i18n import _, number


class Built:
    """A learner's function built on placeholders: `graph`, `inputs` (placeholders), `output`
    (what it returned), and `run(*arrays)` / `run(tensor, *arrays)` to evaluate it."""

    def __init__(self, function, *arrays, seed=0, names=None):
        self.graph = new_graph(seed)
        with self.graph.as_default():
            names = names or [f"input_{i}" for i in range(len(arrays))]
            self.inputs = [tf.compat.v1.placeholder(tf.as_dtype(np.asarray(a).dtype),
                                                    [None, *np.shape(a)[1:]], name=n)
                           for a, n in zip(arrays, names)]
            self.output = function(*self.inputs)
            self._init = tf.compat.v1.global_variables_initializer()
        self.session = tf.compat.v1.Session(graph=self.graph)
        self.session.run(self._init)

    def run(self, *arrays, fetch=None):
        with self.graph.as_default():
            return self.session.run(self.output if fetch is None else fetch,
                                    dict(zip(self.inputs, arrays)))

    def gradient(self, of, wrt):
        with self.graph.as_default():
            return tf.compat.v1.gradients(of, wrt)

    def op_types(self):
        return {op.type for op in self.graph.get_operations()}

    def close(self):
        self.session.close()


def shape_text(shape):
    return "[" + ", ".join("batch" if d is None else str(d) for d in shape) + "]"


def must_be_tensor(value, what):
    if not isinstance(value, (tf.Tensor, tf.Variable)) and not hasattr(value, "op"):
        raise Hint(_("`{what}` should return a tensor; it returned {kind}").format(
            what=what, kind=type(value).__name__))


def must_have_shape(value, expected, what, fed=""):
    """Hint when a computed array's shape is not `expected` (a tuple). `fed`: what it was
    computed for, translated (`_(" for a batch of {n}")`)."""
    shape = tuple(np.shape(value))
    if shape != tuple(expected):
        raise Hint(_("`{what}` has shape {shape}{fed}; it needs {expected}").format(
            what=what, shape=list(shape), fed=fed, expected=list(expected)))


def must_be_close(value, expected, what, at="", atol=1e-5, rtol=1e-4):
    value, expected = np.asarray(value, np.float64), np.asarray(expected, np.float64)
    must_have_shape(value, expected.shape, what)
    if not np.all(np.isfinite(value)):
        raise Hint(_("`{what}` is NaN or infinite{at}").format(what=what, at=at))
    if not np.allclose(value, expected, atol=atol, rtol=rtol):
        worst = np.unravel_index(np.argmax(np.abs(value - expected)), value.shape) \
            if value.shape else ()
        where = _(" (at index {index})").format(index=list(map(int, worst))) if worst else ""
        raise Hint(_("`{what}` is {value}{where}{at}; expected {expected}").format(
            what=what, value=number(np.asarray(value)[worst], ".6g"), where=where, at=at,
            expected=number(np.asarray(expected)[worst], ".6g")))


def run_or_hint(built, *arrays, fetch=None, what=None, fed=""):
    """`built.run(...)`, with an error of the learner's graph that only shows when it runs (a
    shape that does not fit the fed batch, an uninitialised variable) turned into a Hint
    that quotes TensorFlow's first line, instead of an error of the check."""
    what = _("your graph") if what is None else what
    try:
        return built.run(*arrays, fetch=fetch)
    except tf.errors.OpError as e:
        raise Hint(_("running {what}{fed} failed: {error}: {reason}").format(
            what=what, fed=fed, error=type(e).__name__, reason=op_error_reason(e))) from None


def op_error_reason(error):
    """The line of a TensorFlow run error (tf.errors.OpError) that says what went wrong, not
    where: its message starts "Graph execution error:", then the op's traceback, then "Node:
    'name'" and the reason ("Input matrix and rhs are incompatible.")."""
    lines = [ln.strip() for ln in str(error.message).splitlines() if ln.strip()]
    after_node = [lines[i + 1] for i, ln in enumerate(lines[:-1]) if ln.startswith("Node:")]
    rest = [ln for ln in lines if not ln.startswith(("[[", "Graph execution error"))]
    return (after_node or rest or ["(no message)"])[-1].split(" Debug info:")[0]
