"""Build once, run many times: the loop that grows the graph, found and fixed; a static vs a
dynamic shape (lesson tf_basics)."""

from collections import Counter

import numpy as np

from lessons.exercises import Hint
from lessons.exercises.graphs import Built, must_be_tensor, must_have_shape, run_or_hint
from tfgraph import new_graph, tf

TASK = "build an op once and run it in a loop without growing the graph; a batch's size as a tensor"
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
                raise Hint("`build` returned None: return the op that adds 1 to the counter "
                           "(counter.assign_add(1)), for `count` to run")
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
                raise Hint(f"running `count` failed: {type(e).__name__}: {first}") from None


def _must_be_the_count(value, expected, n):
    if isinstance(value, (tf.Tensor, tf.Variable, tf.Operation)) or hasattr(value, "op"):
        raise Hint(f"`count` returned a tensor ({value.name}); return the counter's value, a "
                   f"number: what session.run gives back")
    if value is None or np.shape(value) != ():
        raise Hint(f"`count` returned {value!r}; it should return the counter's value after "
                   f"the {n} runs, one number ({expected})")
    if int(value) != expected:
        raise Hint(f"`count` returned {int(value)} after {n} runs; it should return "
                   f"{expected}, the counter's value after them")


def check_build_makes_an_op_that_adds_one(learner):
    counting = Counting(learner)
    if counting.read() != 0:
        raise Hint(f"the counter is {counting.read()} before anything ran: `build` only builds "
                   f"the op, it runs nothing")
    for _ in range(3):
        try:
            counting.session.run(counting.step)
        except (TypeError, ValueError) as e:
            raise Hint(f"`build` returned {counting.step!r}, which a session cannot run: "
                       f"return an op or a tensor ({e})") from None
    if counting.read() == 0:
        raise Hint("the counter is still 0 after running `build`'s op 3 times: the op must "
                   "change the variable (counter.assign_add(1)); counter + 1 only computes "
                   "a new value and leaves the variable as it was")
    if counting.read() != 3:
        raise Hint(f"the counter is {counting.read()} after running `build`'s op 3 times; "
                   f"it should be 3: the op adds 1 each time it runs")


def check_count_runs_it_n_times(learner):
    counting = Counting(learner)
    _must_be_the_count(counting.count(learner, 5), 5, 5)
    if counting.read() != 5:
        raise Hint(f"the counter is {counting.read()} after count(session, counter, step, 5); "
                   f"it should be 5: run the op 5 times")
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
        raise Hint(f"the graph grew by {len(new)} ops in the loop of {passes} passes (new: "
                   f"{made}): build once, run many times: make every op in `build` (or before "
                   f"the loop), and only session.run it in `count`")


def check_count_works_in_a_finalized_graph(learner):
    counting = Counting(learner)
    counting.graph.finalize()      # what tfgraph.Run does: any new op is now an error
    try:
        value = counting.count(learner, 3)
    except RuntimeError as e:
        raise Hint(f"in a finalized graph `count` raised RuntimeError: {e} `count` makes an op; "
                   f"make it in `build`, run it in `count`") from None
    _must_be_the_count(value, 3, 3)


def check_batch_size_is_known_when_it_runs(learner):
    built = Built(learner.batch_size, ONE_ROW, names=["x"])
    if built.output is None:
        raise Hint("`batch_size` returned None: x.shape[0] is the static shape, known while "
                   "building, and x is [None, 3]: any number of rows. The rows fed are known "
                   "only when it runs: tf.shape(x)[0], the dynamic shape")
    must_be_tensor(built.output, "batch_size")
    for rows in (ONE_ROW, FOUR_ROWS):
        fed = f" when x is fed {len(rows)} row{'s' * (len(rows) > 1)}"
        value = run_or_hint(built, rows, what="batch_size", fed=fed)
        if np.shape(value) == (2,):
            raise Hint(f"`batch_size` is {value.tolist()}{fed}: the whole shape, rows and "
                       f"columns; it needs one number, [], the rows: its first element")
        must_have_shape(value, (), "batch_size", fed=fed)
        if int(value) != len(rows):
            raise Hint(f"`batch_size` is {int(value)}{fed}; it should be {len(rows)}")
