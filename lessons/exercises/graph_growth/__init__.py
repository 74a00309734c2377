"""Build once, run many times: the loop that grows the graph, found and fixed; a static vs a
dynamic shape (lesson tf_basics)."""

from collections import Counter

import numpy as np

from lessons.exercises import Hint
from lessons.exercises.graphs import Built, must_be_tensor, must_have_shape, run_or_hint
from tfgraph import new_graph, tf
from tfgraph.support.i18n import N_, _, ngettext

TASK = N_("build an op once and run it in a loop without growing the graph; a batch's size as "
          "a tensor")
MISTAKES = {
    "mistake_assign_add_in_the_loop": "the graph grew by",
    "mistake_read_in_the_loop": "the graph grew by",
    "mistake_plus_one_not_assigned": "is still 0",
    "mistake_static_batch_size": "static shape",
}

# The lesson's two feeds of x [None, 3]: one row, then four.
ONE_ROW = np.array([[1, 0, 0]], np.float32)                                        # [1, 3]
FOUR_ROWS = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], np.float32)      # [4, 3]


class Counting:
    """A fresh graph holding `counter` (int32 [], starts at 0), the learner's `step` =
    build(counter), an initialised session, and the check's own read of the counter."""

    def __init__(self, learner):
        self.graph = new_graph(0)
        with self.graph.as_default():
            self.counter = tf.compat.v1.get_variable("counter", [], tf.int32,
                                                     tf.compat.v1.zeros_initializer())
            self.value = tf.identity(self.counter, name="value")    # the check's read
            self.step = learner.build(self.counter)
            if self.step is None:
                raise Hint(_("`build` returned None: return the op that adds 1 to the counter "
                             "(counter.assign_add(1)), for `count` to run"))
            init = tf.compat.v1.global_variables_initializer()
        self.session = tf.compat.v1.Session(graph=self.graph)
        self.session.run(init)

    def ops(self):
        return self.graph.get_operations()

    def read(self):
        return int(self.session.run(self.value))

    def count(self, learner, n):
        """The learner's count(session, counter, step, n), called as in a lesson's script:
        with the graph as the default graph, so an op made in the loop lands in it."""
        with self.graph.as_default():
            try:
                return learner.count(self.session, self.counter, self.step, n)
            except tf.errors.OpError as e:
                first = str(e.message).strip().splitlines()[0]
                raise Hint(_("running `count` failed: {error}: {reason}").format(
                    error=type(e).__name__, reason=first)) from None


def _must_be_the_count(value, expected, n):
    if isinstance(value, (tf.Tensor, tf.Variable, tf.Operation)) or hasattr(value, "op"):
        raise Hint(_("`count` returned a tensor ({name}); return the counter's value, a "
                     "number: what session.run gives back").format(name=value.name))
    if value is None or np.shape(value) != ():
        raise Hint(_("`count` returned {value!r}; it should return the counter's value after "
                     "the {n} runs, one number ({expected})").format(
            value=value, n=n, expected=expected))
    if int(value) != expected:
        raise Hint(_("`count` returned {value} after {n} runs; it should return {expected}, the "
                     "counter's value after them").format(value=int(value), n=n,
                                                          expected=expected))


def check_build_makes_an_op_that_adds_one(learner):
    counting = Counting(learner)
    if counting.read() != 0:
        raise Hint(_("the counter is {value} before anything ran: `build` only builds the op, "
                     "it runs nothing").format(value=counting.read()))
    for _i in range(3):
        try:
            counting.session.run(counting.step)
        except (TypeError, ValueError) as e:
            raise Hint(_("`build` returned {step!r}, which a session cannot run: return an op "
                         "or a tensor ({error})").format(step=counting.step, error=e)) from None
    if counting.read() == 0:
        raise Hint(_("the counter is still 0 after running `build`'s op 3 times: the op must "
                     "change the variable (counter.assign_add(1)); counter + 1 only computes "
                     "a new value and leaves the variable as it was"))
    if counting.read() != 3:
        raise Hint(_("the counter is {value} after running `build`'s op 3 times; it should be 3: "
                     "the op adds 1 each time it runs").format(value=counting.read()))


def check_count_runs_it_n_times(learner):
    counting = Counting(learner)
    _must_be_the_count(counting.count(learner, 5), 5, 5)
    if counting.read() != 5:
        raise Hint(_("the counter is {value} after count(session, counter, step, 5); it should "
                     "be 5: run the op 5 times").format(value=counting.read()))
    # The variable keeps its value between runs of the same session: the count goes on.
    _must_be_the_count(counting.count(learner, 2), 7, 2)


def check_the_graph_does_not_grow_in_the_loop(learner):
    counting = Counting(learner)
    before = {op.name for op in counting.ops()}
    passes = 4
    counting.count(learner, passes)
    new = [op for op in counting.ops() if op.name not in before]
    if new:
        kinds = Counter(op.type for op in new)
        made = ", ".join(f"{k} {t}" for t, k in kinds.most_common())
        raise Hint(_("the graph grew by {n} ops in the loop of {passes} passes (new: {made}): "
                     "build once, run many times: make every op in `build` (or before the "
                     "loop), and only session.run it in `count`").format(
            n=len(new), passes=passes, made=made))


def check_count_works_in_a_finalized_graph(learner):
    counting = Counting(learner)
    counting.graph.finalize()      # what tfgraph.Run does: any new op is now an error
    try:
        value = counting.count(learner, 3)
    except RuntimeError as e:
        raise Hint(_("in a finalized graph `count` raised RuntimeError: {error} `count` makes "
                     "an op; make it in `build`, run it in `count`").format(error=e)) from None
    _must_be_the_count(value, 3, 3)


def check_batch_size_is_known_when_it_runs(learner):
    built = Built(learner.batch_size, ONE_ROW, names=["x"])
    if built.output is None:
        raise Hint(_("`batch_size` returned None: x.shape[0] is the static shape, known while "
                     "building, and x is [None, 3]: any number of rows. The rows fed are known "
                     "only when it runs: tf.shape(x)[0], the dynamic shape"))
    must_be_tensor(built.output, "batch_size")
    for rows in (ONE_ROW, FOUR_ROWS):
        fed = ngettext(" when x is fed {n} row", " when x is fed {n} rows", len(rows)).format(
            n=len(rows))
        value = run_or_hint(built, rows, what="batch_size", fed=fed)
        if np.shape(value) == (2,):
            raise Hint(_("`batch_size` is {value}{fed}: the whole shape, rows and columns; it "
                         "needs one number, [], the rows: its first element").format(
                value=value.tolist(), fed=fed))
        must_have_shape(value, (), "batch_size", fed=fed)
        if int(value) != len(rows):
            raise Hint(_("`batch_size` is {value}{fed}; it should be {n}").format(
                value=int(value), fed=fed, n=len(rows)))
