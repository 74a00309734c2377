"""Clustering's bookkeeping: the points held in the graph, and how pure the clusters are
against labels the clustering never saw. Introduced in lesson `ml101`: k-means groups the
digits without their labels; only afterwards do the labels say whether a cluster holds one
kind of digit.

    points = clustering.points(8000, 784)          # box "points"; sess.run(points.load, {...})
    overall, per_cluster = clustering.purity(assignment, labels, clusters=10)
    print(clustering.summary(per_cluster, overall))    # a row per cluster, then what it means
"""

from typing import NamedTuple

import numpy as np

from tfgraph.support import report
from tfgraph.support.i18n import N_, _, ngettext, number
from tfgraph.support.lazy import tf

CLASSES = 10
# Marked for the catalog: `report.table` translates a header as it draws the table.
HEADER = (N_("cluster"), N_("digits"), N_("purity"), N_("its labels, most common first"))
FORMATS = ("", "", ".3f", "")


class Points(NamedTuple):
    images: object         # float32 [n, features] variable: the points (no labels anywhere)
    squared_norms: object  # float32 [n] variable: |p|² of every point, computed once
    new_images: object     # float32 [n, features] placeholder: fed once
    load: object           # op "points/load": both assigns


def points(count, features):
    """`count` points of `features` numbers held in variables (never trained) under the box
    "points", zeros until `load` runs; with their squared norms, which every assign step of
    k-means needs and which never change."""
    zeros = tf.compat.v1.zeros_initializer()
    with tf.compat.v1.variable_scope("points"):
        images = tf.compat.v1.get_variable("images", [count, features], tf.float32, zeros,
                                           trainable=False)
        norms = tf.compat.v1.get_variable("squared_norms", [count], tf.float32, zeros,
                                          trainable=False)
        new_images = tf.compat.v1.placeholder(tf.float32, [count, features], "new_images")
        load = tf.group(images.assign(new_images),
                        norms.assign(tf.reduce_sum(tf.square(new_images), axis=1)), name="load")
    return Points(images, norms, new_images, load)


def purity(assignment, labels, clusters, classes=CLASSES):
    """assignment: int [n], each point's cluster; labels: int [n], its true class.

    Returns (overall, per cluster (size, [(label, share)] most common first)): overall is
    the fraction of points whose label is the most common one of their cluster. An empty
    cluster is (0, []).
    """
    table = np.zeros((clusters, classes), np.int64)
    np.add.at(table, (assignment, labels), 1)
    per_cluster = []
    for row in table:
        size = int(row.sum())
        order = np.argsort(-row, kind="stable")
        per_cluster.append((size, [(int(c), float(row[c] / size)) for c in order
                                   if row[c]] if size else []))
    return float(table.max(axis=1).sum() / len(labels)), per_cluster


def summary(per_cluster, overall, iterations, changed, indent="   ", shown=3):
    """What k-means found, as printed text (no trailing newline): whether it converged, a row
    per cluster (its size, purity and `shown` most common labels), the overall purity and what
    it means.

    per_cluster, overall: as `purity` gives them; iterations: the updates run; changed: how
    many points moved cluster in the last (0: converged).
    """
    if changed:
        state = ngettext(
            "stopped after {iterations} iterations (--iterations), not yet converged ({changed} "
            "digits moved in the last)",
            "stopped after {iterations} iterations (--iterations), not yet converged ({changed} "
            "digits moved in the last)", iterations).format(
                iterations=iterations, changed=number(changed, ","))
    else:
        state = ngettext("converged after {iterations} iterations",
                         "converged after {iterations} iterations", iterations).format(
                             iterations=iterations)
    rows = [(i, size, shares[0][1] if size else 0.0,
             "  ".join(f"{label}: {number(share, '.0%')}" for label, share in shares[:shown]))
            for i, (size, shares) in enumerate(per_cluster)]
    return "\n".join([
        indent + state, report.table(rows, HEADER, FORMATS, indent),
        indent + _("Overall purity {purity}: the share of digits whose cluster's most common "
                   "label is their own.").format(purity=number(overall, ".3f")),
        *(indent + line for line in _(
            "The clusters were found without labels (the labels only score them afterwards): "
            "a cluster\nmixing two labels holds digits that look alike pixel by pixel."
        ).splitlines())])
