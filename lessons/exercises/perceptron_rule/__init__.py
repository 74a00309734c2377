"""The perceptron rule as an assign op; the park table learnt in 2 epochs (lesson perceptron_park)."""

import numpy as np

from lessons.exercises import Hint
from tfgraph import new_graph, tf
from tfgraph.data import park
from tfgraph.support.i18n import N_, _, number

TASK = N_("the perceptron rule w <- w + lr·(Y - output)·x as an assign op: the park table in "
          "2 epochs")
MISTAKES = {
    "mistake_sign_flipped": "flips the sign",
    "mistake_x_left_out": "multiply by x",
    "mistake_no_assign": "`weights` did not change",
}

LEARNING_RATE = 0.5      # not 1, so a rule that forgets it shows
# One update each, (w before, x, Y): a missed yes, a false yes, a right answer, and a weighted
# sum of exactly 0, where the step fires (t = 0: output 1, so Y = 0 is a false yes).
CASES = [((0.5, -1.0), (0.0, 1.0), 1.0),
         ((0.5, -1.0), (1.0, 0.0), 0.0),
         ((0.5, -1.0), (-1.0, -1.0), 1.0),
         ((1.0, 1.0), (1.0, -1.0), 0.0)]
EPOCHS, PARK_RATE = 2, 1.0      # the lesson's: from w = (0, 0), the slides' result w = (1, 1)
SLIDES_END = (1.0, 1.0)


def step(weights, x):
    """The perceptron's output in numpy: 1.0 where w·x >= 0 (t = 0), else 0.0."""
    return 1.0 if float(np.dot(weights, x)) >= 0 else 0.0


def rule(weights, x, y, learning_rate):
    """The perceptron rule in numpy (float64): w + learning_rate·(Y - output)·x."""
    weights, x = np.asarray(weights, np.float64), np.asarray(x, np.float64)
    return weights + learning_rate * (y - step(weights, x)) * x


class _Rule:
    """The learner's update built once in a fresh graph on a variable `weights` [2] and
    placeholders x [2], Y []; `run(w, x, y)` sets the weights, runs the update once and
    returns the weights after it."""

    def __init__(self, learner, learning_rate):
        self.graph = new_graph(0)
        with self.graph.as_default():
            self.weights = tf.compat.v1.get_variable("weights", [2], tf.float32,
                                                     tf.compat.v1.zeros_initializer())
            self.x = tf.compat.v1.placeholder(tf.float32, [2], name="x")
            self.y = tf.compat.v1.placeholder(tf.float32, [], name="Y")
            try:
                self.update = learner.perceptron_rule(self.weights, self.x, self.y, learning_rate)
            except ValueError as e:
                if "must be equal rank" in str(e) and "Assign" in str(e):
                    raise Hint(_("the change you add to `weights` is one number ([]), and "
                                 "`weights` is [2]: multiply by x, so each weight moves by its "
                                 "own input (learning_rate·(Y - output)·x)")) from None
                raise
            if self.update is None or not hasattr(self.update, "graph"):
                raise Hint(_("`perceptron_rule` returned {kind}: return the update, e.g. what "
                             "tf.compat.v1.assign_add returns").format(
                    kind=type(self.update).__name__))
            self.start = tf.compat.v1.placeholder(tf.float32, [2], name="start")
            self.set_weights = self.weights.assign(self.start)
            init = tf.compat.v1.global_variables_initializer()
        self.session = tf.compat.v1.Session(graph=self.graph)
        self.session.run(init)

    def run(self, weights, x, y):
        self.session.run(self.set_weights, {self.start: weights})
        self.session.run(self.update, {self.x: x, self.y: y})
        return self.session.run(self.weights).astype(np.float64)

    def assigns(self):
        """Whether running the update changes `weights` at all (on a missed yes)."""
        weights, x, y = CASES[0]
        return not np.allclose(self.run(weights, x, y), weights)

    def close(self):
        self.session.close()


def _text(v):
    return "(" + _(", ").join(number(float(a), "g") for a in v) + ")"


def _wrong_update(built, weights, x, y, got, learning_rate, where):
    """Hint for one update that ended at `got` where the rule ends elsewhere: which mistake
    gives `got`, when one of the usual ones does."""
    weights, x = np.asarray(weights, np.float64), np.asarray(x, np.float64)
    out, wx = step(weights, x), float(np.dot(weights, x))
    expected = rule(weights, x, y, learning_rate)
    said = where + _("from w = {weights} with x = {x}, Y = {y} (w·x = {wx}, output {out}), "
                     "running your update gave w = {got}; the rule gives {expected}").format(
        weights=_text(weights), x=_text(x), y=number(y, "g"), wx=number(wx, "g"),
        out=number(out, "g"), got=_text(got), expected=_text(expected))
    change = learning_rate * (y - out)
    if np.allclose(got, weights) and not built.assigns():
        raise Hint(said + _(": `weights` did not change; the update must assign to the variable "
                            "(tf.compat.v1.assign_add(weights, ...)), not only compute w + ..."))
    if wx == 0 and np.allclose(got, weights + learning_rate * (y - (1 - out)) * x):
        raise Hint(said + _(": at w·x = 0 the step fires, output 1.0 (t = 0: 1.0 where "
                            "w·x >= 0)"))
    if np.allclose(got, weights - change * x):
        raise Hint(said + _(": you moved w the wrong way; the error is (Y - output), and "
                            "(output - Y) flips the sign: a missed yes moves w towards x, a false "
                            "yes away"))
    if np.allclose(got, weights + change):
        raise Hint(said + _(": both weights moved by the same {change}; multiply by x, so each "
                            "weight moves by its own input (a 0 input leaves its weight "
                            "alone)").format(change=number(change, "g")))
    if np.allclose(got, weights + (y - out) * x):
        raise Hint(said + _(": the change must be multiplied by learning_rate "
                            "({learning_rate})").format(learning_rate=number(learning_rate, "g")))
    raise Hint(said)


def check_one_update_matches_numpy(learner):
    built = _Rule(learner, LEARNING_RATE)
    try:
        for weights, x, y in CASES:
            got = built.run(weights, x, y)
            if not np.allclose(got, rule(weights, x, y, LEARNING_RATE), atol=1e-6):
                _wrong_update(built, weights, x, y, got, LEARNING_RATE,
                              _("with learning rate {rate}, ").format(
                                  rate=number(LEARNING_RATE, "g")))
    finally:
        built.close()


def check_park_table_learnt_in_two_epochs(learner):
    rows_x, rows_y = park.table()
    built = _Rule(learner, PARK_RATE)
    try:
        weights = mine = np.zeros(2)
        for epoch in range(1, EPOCHS + 1):
            for row, (x, y) in enumerate(zip(rows_x, rows_y), 1):
                mine = built.run(weights, x, float(y))   # each step from the rule's own w
                if not np.allclose(mine, rule(weights, x, y, PARK_RATE), atol=1e-6):
                    _wrong_update(built, weights, x, float(y), mine, PARK_RATE,
                                  _("park table, epoch {epoch}, row {row}: ").format(
                                      epoch=epoch, row=row))
                weights = rule(weights, x, y, PARK_RATE)
    finally:
        built.close()
    if not np.allclose(mine, SLIDES_END):       # (the rule itself must land there)
        raise Hint(_("after {epochs} epochs w is {got}; the slides end at {end}").format(
            epochs=EPOCHS, got=_text(mine), end=_text(SLIDES_END)))
