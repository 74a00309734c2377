"""The Playground's seven input features as graph ops on the points (lesson playground)."""

import numpy as np

from lessons.exercises import Hint
from lessons.exercises.graphs import Built, must_be_tensor, must_have_shape, run_or_hint
from tfgraph import tf
from tfgraph.data import playground as pg
from tfgraph.support.i18n import N_, _, ngettext, number

TASK = N_("the Playground's seven input features (x1, x2, x1², ..., sin(x2)) as ops on the "
          "points")
MISTAKES = {
    "mistake_concat_along_rows": "along axis 1",
    "mistake_x1_times_x1": "should be x1_times_x2",
}

# The seven input neurons the Playground's page shows, in its order (cos_x1 and cos_x2, the
# last two of tfgraph's list, are no longer on the page).
NAMES = [f.name for f in pg.FEATURES[:7]]
LABELS = {f.name: f.label for f in pg.FEATURES}
# Each feature written again here in numpy, from its name: the reference the checks use.
FORMULAS = {"x1": lambda a, b: a, "x2": lambda a, b: b,
            "x1_squared": lambda a, b: a * a, "x2_squared": lambda a, b: b * b,
            "x1_times_x2": lambda a, b: a * b,
            "sin_x1": lambda a, b: np.sin(a), "sin_x2": lambda a, b: np.sin(b)}

# Points of the Playground's plane (x1, x2 in [-6, 6]), no two coordinates alike, so every
# feature differs from every other one at each point.
POINTS = np.array([[0.9, -0.3], [-2.5, 1.7], [4.2, 3.1], [-5.1, -0.8], [1.3, -4.6],
                   [-0.4, 5.5]], np.float32)                                    # [6, 2]


def reference(points):
    """numpy, float64: [n, 7], the features side by side in the Playground's order."""
    a, b = points[:, 0].astype(np.float64), points[:, 1].astype(np.float64)
    return np.stack([FORMULAS[name](a, b) for name in NAMES], axis=1)


def _built(learner):
    built = Built(learner.input_features, POINTS, names=["points"])
    must_be_tensor(built.output, "input_features")
    return built


def _for_points(n):
    """"for 1 point", "for 6 points", translated."""
    return ngettext(" for {n} point", " for {n} points", n).format(n=n)


def _must_be_columns(value, n):
    """Hint unless `value` is [n, 7]: one row per point, one column per feature."""
    shape = tuple(np.shape(value))
    fed = _for_points(n)
    if shape in ((7 * n, 1), (7 * n,)) and n > 1:
        raise Hint(_("`features` has shape {shape}{fed}; it needs [{n}, 7]: your seven features "
                     "are stacked one under another; put them side by side, along axis 1 "
                     "(tf.concat(columns, axis=1) of [n, 1] columns)").format(
            shape=list(shape), fed=fed, n=n))
    if shape == (7, n) and n != 7:
        raise Hint(_("`features` has shape [7, {n}]{fed}; it needs [{n}, 7]: one row per point "
                     "and one column per feature, so stack the features along axis 1").format(
            n=n, fed=fed))
    if len(shape) == 2 and shape[0] == n and shape[1] != 7:
        raise Hint(ngettext("`features` has {columns} column{fed}; it needs the Playground's "
                            "seven: {names}",
                            "`features` has {columns} columns{fed}; it needs the Playground's "
                            "seven: {names}", shape[1]).format(
            columns=shape[1], fed=fed, names=", ".join(NAMES)))
    must_have_shape(value, (n, 7), "features", fed=fed)


def check_one_row_per_point_one_column_per_feature(learner):
    built = _built(learner)
    if built.output.dtype != tf.float32:
        raise Hint(_("`features` is {dtype}; it needs float32, like the points").format(
            dtype=built.output.dtype.name))
    _must_be_columns(run_or_hint(built, POINTS, what="input_features"), len(POINTS))


def _must_match_the_formulas(value, points):
    """Hint naming the first column that is not its feature, and where it is wrong."""
    _must_be_columns(value, len(points))
    expected = reference(points)

    def matches(column, k):
        return np.allclose(value[:, column], expected[:, k], atol=1e-5, rtol=1e-4)

    for column, name in enumerate(NAMES):
        if matches(column, column):
            continue
        same = [k for k in range(len(NAMES)) if matches(column, k)]
        if same:
            other = NAMES[same[0]]
            if matches(same[0], same[0]):
                said = _("column {column} should be {name} ({label}); yours holds {other} "
                         "({other_label}) a second time")
            else:
                said = _("column {column} should be {name} ({label}); yours holds {other} "
                         "({other_label}): the columns go in the Playground's order, {names}")
            raise Hint(said.format(column=column, name=name, label=LABELS[name], other=other,
                                   other_label=LABELS[other], names=", ".join(NAMES)))
        row = int(np.argmax(np.abs(value[:, column] - expected[:, column])))
        x1, x2 = points[row]
        raise Hint(_("column {column} should be {name} ({label}): at the point (x1, x2) = "
                     "({x1}, {x2}) yours is {got}, {label} is {want}").format(
            column=column, name=name, label=LABELS[name], x1=number(x1, "g"),
            x2=number(x2, "g"), got=number(value[row, column], ".6g"),
            want=number(expected[row, column], ".6g")))


def check_each_column_is_its_feature(learner):
    value = run_or_hint(_built(learner), POINTS, what="input_features")
    _must_match_the_formulas(value, POINTS)


def check_any_number_of_points(learner):
    built = _built(learner)
    # One point, and the heatmap's grid: the Playground computes the features of the
    # 100 x 100 points of its picture too, with the same graph (here 20 x 20).
    for points in (POINTS[:1], pg.grid(20)):
        fed = _for_points(len(points))
        _must_match_the_formulas(run_or_hint(built, points, what="input_features", fed=fed),
                                 points)
