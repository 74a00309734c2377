"""Noisy points around a line we know, numpy's best line through them (the reference answer
any method of fitting should land on), and the table that holds fitted lines against it.
Introduced in lesson `ml101` (linear regression, by the normal equations and by gradient
descent).

    x, y = line.points(slope=2.0, intercept=-1.0, noise=1.0, count=100, seed=0)
    slope, intercept = line.lstsq(x, y)                  # float64, numpy's
    print(line.summary(x, y, (2.0, -1.0), 1.0, [("gradient descent", 1.98, -0.99, None)]))
"""

import textwrap

import numpy as np

from tfgraph.support import report
from tfgraph.support.i18n import N_, _, number

X_RANGE = (0.0, 10.0)


def points(slope, intercept, noise, count, seed, x_range=X_RANGE):
    """`count` points y = slope·x + intercept + noise·N(0, 1), x uniform in x_range.

    Returns (x, y), both float32 [count]; the same seed gives the same points.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(*x_range, size=count)
    y = slope * x + intercept + noise * rng.normal(size=count)
    return x.astype(np.float32), y.astype(np.float32)


def lstsq(x, y):
    """numpy's least-squares line through (x, y), in float64: (slope, intercept) floats."""
    design = np.stack([x, np.ones_like(x)], axis=1).astype(np.float64)
    (slope, intercept), *_rest = np.linalg.lstsq(design, y.astype(np.float64), rcond=None)
    return float(slope), float(intercept)


def mean_squared_error(slope, intercept, x, y):
    """Mean of (slope·x + intercept - y)² over the points: a float."""
    return float(np.mean((slope * x + intercept - y) ** 2))


def equation(slope, intercept, spec="g"):
    """The line as a learner writes it: equation(2, -1) -> "y = 2·x - 1"."""
    sign = "-" if intercept < 0 else "+"
    return f"y = {number(slope, spec)}·x {sign} {number(abs(intercept), spec)}"


def summary(x, y, true_line, noise, fitted, indent="   "):
    """Fitted lines beside the true line and numpy's least-squares line, as printed text (no
    trailing newline): the points, a table of slope, intercept and mean squared error over
    them, how close the fits came to numpy's, and the last fit used for a prediction.

    x, y: the points; true_line: (slope, intercept) they were drawn around, with `noise`;
    fitted: [(name, slope, intercept, mean squared error, or None to compute it here)], the
    trained line last.
    """
    best = lstsq(x, y)
    rows = [(_("true line"), *true_line, ""),
            ("numpy.linalg.lstsq (float64)", *best, mean_squared_error(*best, x, y))]
    rows += [(name, slope, intercept, mean_squared_error(slope, intercept, x, y) if error is None
              else error) for name, slope, intercept, error in fitted]
    gap = max(max(abs(slope - best[0]), abs(intercept - best[1]))
              for _name, slope, intercept, _error in fitted)
    _name, slope, intercept, _error = fitted[-1]
    table = report.table(rows, ("", N_("slope"), N_("intercept"), N_("mean sq. error")),
                         ("", ".4f", ".4f", ".4f"), indent)
    words = textwrap.fill(_(
        "Both land on numpy's line within {gap}. The training found the function (a slope "
        "and an intercept); prediction uses it: x = 5 -> y = {prediction}.").format(
            gap=number(gap, ".1e"), prediction=number(slope * 5 + intercept, ".3f")),
        92, initial_indent=indent, subsequent_indent=indent)
    return _("{n} points around {line}, noise {noise}").format(
        n=len(x), line=equation(*true_line), noise=number(noise, "g")) + f"\n{table}\n{words}"
