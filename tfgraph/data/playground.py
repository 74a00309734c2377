"""The TensorFlow Playground's data: its six datasets and its input features.

The Playground (playground.tensorflow.org, source: github.com/tensorflow/playground) trains a
small network in the browser on points of the plane. This module makes the same data in
numpy, following the Playground's `src/dataset.ts` (which points, which radii, which noise)
and the input neurons of `src/playground.ts`; its settings, the link after the page's `#`
(`src/state.ts`), are `tfgraph.data.playground_link`:

    data = make_data("xor", noise=0, perc_train=50, seed=7)   # 250 train + 250 test points
    data.train.points   # float32 [250, 2]: (x1, x2), both within [-6, 6]
    data.train.labels   # float32 [250]: +1 (blue) or -1 (orange); a number for regression

Same distribution, not the same points: the Playground draws from `seedrandom`'s generator
seeded by a text, this module from numpy's seeded by a number (`playground_link.seed_from_text`
maps the Playground's text to a number, always the same one).
Introduced in lesson `playground`.
"""

import math
from typing import NamedTuple

import numpy as np

from tfgraph.support.i18n import _

RADIUS = 6.0                    # the heatmap's plane: x1 and x2 from -6 to 6
SAMPLES = {"classification": 500, "regression": 1200}
# The Playground's colour scale: -1 orange, 0 light grey, +1 blue (values beyond are clamped).
COLOURS = ("#f59322", "#e8eaeb", "#0877bd")


class Split(NamedTuple):
    points: np.ndarray   # float32 [n, 2]: (x1, x2)
    labels: np.ndarray   # float32 [n]: +1/-1 (classification) or a value in about [-1, 1]

    def __len__(self):
        return len(self.labels)


class Data(NamedTuple):
    train: Split
    test: Split


# -- the datasets (dataset.ts): each (n, noise as a fraction, rng) -> points [n, 2], labels [n]

def _angles_and_radii(rng, n, r_low, r_high):
    r = rng.uniform(r_low, r_high, n)
    angle = rng.uniform(0.0, 2.0 * math.pi, n)
    # The Playground measures the angle from the x2 axis (x = r sin, y = r cos); for a
    # uniform angle that changes nothing, but it is its picture.
    return np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)


def circle(n, noise, rng):
    """Blue inside radius 2.5, orange in the ring 3.5..5: half the points each.

    The label belongs to the point moved by noise (each coordinate by U(-5, 5) * noise), the
    stored point is the unmoved one: with noise, points near the gap get the wrong colour.
    """
    radius = 5.0
    inside = _angles_and_radii(rng, n // 2, 0.0, radius * 0.5)
    outside = _angles_and_radii(rng, n - n // 2, radius * 0.7, radius)
    points = np.concatenate([inside, outside])
    moved = points + rng.uniform(-radius, radius, points.shape) * noise
    labels = np.where(np.hypot(moved[:, 0], moved[:, 1]) < radius * 0.5, 1.0, -1.0)
    return points, labels


def xor(n, noise, rng):
    """Blue where x1 and x2 have the same sign, orange where they differ.

    Coordinates U(-5, 5), pushed 0.3 away from the axes so no point sits on a border; the
    label is read at the point moved by noise (U(-5, 5) * noise per coordinate).
    """
    points = rng.uniform(-5.0, 5.0, (n, 2))
    points += np.where(points > 0, 0.3, -0.3)
    moved = points + rng.uniform(-5.0, 5.0, points.shape) * noise
    labels = np.where(moved[:, 0] * moved[:, 1] >= 0, 1.0, -1.0)
    return points, labels


def gauss(n, noise, rng):
    """Two Gaussian clouds: blue around (2, 2), orange around (-2, -2).

    The variance grows with the noise, linearly from 0.5 (noise 0) to 4 (noise 50%).
    """
    variance = 0.5 + noise * (4.0 - 0.5) / 0.5
    half = n // 2
    blue = rng.normal(2.0, math.sqrt(variance), (half, 2))
    orange = rng.normal(-2.0, math.sqrt(variance), (n - half, 2))
    labels = np.concatenate([np.ones(half), -np.ones(n - half)])
    return np.concatenate([blue, orange]), labels


def spiral(n, noise, rng):
    """Two arms winding 1.75 turns out from the centre to radius 5: blue, and orange half a
    turn behind it. Point i of an arm sits at radius 5 i / (n/2), angle 1.75 * 2 pi i / (n/2);
    noise moves each coordinate by U(-1, 1) * noise."""
    half = n // 2
    arms, labels = [], []
    for shift, label in ((0.0, 1.0), (math.pi, -1.0)):
        i = np.arange(half) / half
        r, t = i * 5.0, 1.75 * i * 2.0 * math.pi + shift
        arm = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
        arms.append(arm + rng.uniform(-1.0, 1.0, arm.shape) * noise)
        labels.append(np.full(half, label))
    return np.concatenate(arms), np.concatenate(labels)


def reg_plane(n, noise, rng):
    """Regression: the label rises along x1 + x2, (x1 + x2) / 10, from -1.2 to 1.2 corner to
    corner; read at the point moved by noise (U(-6, 6) * noise per coordinate)."""
    points = rng.uniform(-RADIUS, RADIUS, (n, 2))
    moved = points + rng.uniform(-RADIUS, RADIUS, points.shape) * noise
    return points, (moved[:, 0] + moved[:, 1]) / 10.0


# (x1, x2, sign) of the six bumps of reg-gauss: a row of three above, its mirror below.
GAUSS_CENTRES = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1),
                 (4, -2.5, -1))


def reg_gauss(n, noise, rng):
    """Regression: six bumps of height +1 or -1, each falling linearly to 0 at distance 2
    from its centre; the label is the bump with the largest |value| (0 far from all)."""
    points = rng.uniform(-RADIUS, RADIUS, (n, 2))
    moved = points + rng.uniform(-RADIUS, RADIUS, points.shape) * noise
    centres = np.array([c[:2] for c in GAUSS_CENTRES])                 # [6, 2]
    signs = np.array([c[2] for c in GAUSS_CENTRES], dtype=np.float64)  # [6]
    distance = np.linalg.norm(moved[:, None, :] - centres[None], axis=2)   # [n, 6]
    bumps = signs * np.clip(1.0 - distance / 2.0, 0.0, 1.0)                # [n, 6]
    # argmax keeps the first of equals, as the Playground replaces only on a larger value.
    strongest = np.argmax(np.abs(bumps), axis=1)
    return points, bumps[np.arange(n), strongest]


DATASETS = {"circle": circle, "xor": xor, "gauss": gauss, "spiral": spiral}
REG_DATASETS = {"reg-plane": reg_plane, "reg-gauss": reg_gauss}


def make_data(dataset, noise=0.0, perc_train=50.0, seed=0):
    """The Playground's data for one experiment, shuffled and split.

    dataset: a key of DATASETS (500 points) or REG_DATASETS (1,200 points).
    noise: percent, as on the Playground's slider (0..50; links may carry up to 80).
    perc_train: percent of the points that train ("ratio of training to test data"); the
      first floor(n * perc_train / 100) points after one seeded shuffle, the rest test.
    """
    generator = DATASETS.get(dataset) or REG_DATASETS.get(dataset)
    if generator is None:
        raise ValueError(_("unknown dataset {name!r}").format(name=dataset))
    n = SAMPLES["classification" if dataset in DATASETS else "regression"]
    rng = np.random.default_rng(seed)
    points, labels = generator(n, noise / 100.0, rng)
    order = rng.permutation(n)
    points, labels = points[order].astype(np.float32), labels[order].astype(np.float32)
    cut = math.floor(n * perc_train / 100.0)
    return Data(Split(points[:cut], labels[:cut]), Split(points[cut:], labels[cut:]))


def update_batches(n_train, batch_size, epoch):
    """The Playground's training order for one epoch (one "iteration" of its Epoch counter):
    [index arrays], one per weight update.

    Every epoch goes through the training points in the same order (shuffled once, when the
    data was made) and updates the weights after every `batch_size` points. The points left
    over at the end of an epoch (n_train % batch_size of them) are not lost: they join the
    first update of the next epoch, which then averages over more points. (The leftovers of
    the very last epoch are never applied, as in the Playground.)
    """
    leftover = n_train % batch_size
    ends = range(batch_size, n_train + 1, batch_size)
    batches = [np.arange(end - batch_size, end) for end in ends]
    if epoch > 1 and leftover and batches:
        carried = np.arange(n_train - leftover, n_train)
        batches[0] = np.concatenate([carried, batches[0]])
    return batches


# -- the input features (playground.ts INPUTS): the network's input neurons ----------------

class Feature(NamedTuple):
    key: str      # the Playground's name in a link (x, xTimesY, ...)
    name: str     # ours: the graph node and the TensorBoard tag (x1, x1_times_x2, ...)
    label: str    # as printed
    compute: object   # (x1, x2, ops) -> the feature, for ops = numpy or tf


FEATURES = (
    Feature("x", "x1", "x1", lambda a, b, ops: a),
    Feature("y", "x2", "x2", lambda a, b, ops: b),
    Feature("xSquared", "x1_squared", "x1²", lambda a, b, ops: a * a),
    Feature("ySquared", "x2_squared", "x2²", lambda a, b, ops: b * b),
    Feature("xTimesY", "x1_times_x2", "x1·x2", lambda a, b, ops: a * b),
    Feature("sinX", "sin_x1", "sin(x1)", lambda a, b, ops: ops.sin(a)),
    Feature("sinY", "sin_x2", "sin(x2)", lambda a, b, ops: ops.sin(b)),
    Feature("cosX", "cos_x1", "cos(x1)", lambda a, b, ops: ops.cos(a)),
    Feature("cosY", "cos_x2", "cos(x2)", lambda a, b, ops: ops.cos(b)),
)
FEATURE_BY_NAME = {**{f.key: f for f in FEATURES}, **{f.name: f for f in FEATURES}}


def feature_columns(points, keys):
    """numpy: float [n, 2] points -> float [n, len(keys)], the named features side by side."""
    a, b = points[:, 0], points[:, 1]
    return np.stack([FEATURE_BY_NAME[k].compute(a, b, np) for k in keys], axis=1)


def grid(density=100, radius=RADIUS):
    """The heatmap's points, float32 [density * density, 2], row by row: row 0 is the top
    (x2 = radius), column 0 the left (x1 = -radius), as the Playground draws its plane."""
    ticks = np.linspace(-radius, radius, density, dtype=np.float32)
    x1, x2 = np.meshgrid(ticks, ticks[::-1])
    return np.stack([x1.ravel(), x2.ravel()], axis=1)
