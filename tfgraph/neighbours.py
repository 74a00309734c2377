"""Nearest neighbours as graph ops: a memory of labelled examples, the k nearest, their vote.
Introduced in lesson `ml101`, whose graph adds the part in between: the distance of every query
to every remembered example, for a whole batch at once.

    memory = neighbours.memory(8000, 784)               # box "memory"; its op "memory/remember"
    sess.run(memory.remember, {memory.new_images: images, memory.new_labels: labels})
    closeness = ...                                      # float32 [batch, 8000]: larger is nearer
    distances, indices, labels = neighbours.nearest(closeness, k, memory.labels)
    predicted = neighbours.vote(labels, k, classes=10)

"Training" a nearest-neighbour classifier is remembering: one assign op, no gradient. A
majority vote can tie (k = 2: one vote each); the tie goes to the label whose first vote is
nearest, as brute force in numpy breaks it: a rule anyone can check.
"""

from typing import NamedTuple

from tfgraph.support.lazy import tf


class Memory(NamedTuple):
    images: object         # float32 [n, features] variable: the remembered examples
    labels: object         # int64 [n] variable: their labels
    squared_norms: object  # float32 [n] variable: |m|² of every example, computed once
    new_images: object     # float32 [n, features] placeholder: fed once, to be remembered
    new_labels: object     # int64 [n] placeholder
    remember: object       # op "memory/remember": the whole training, three assigns


def memory(size, features):
    """`size` labelled examples of `features` numbers, held in variables (never trained) under
    the box "memory", zeros until `remember` runs."""
    zeros = tf.compat.v1.zeros_initializer()
    with tf.compat.v1.variable_scope("memory"):
        images = tf.compat.v1.get_variable("images", [size, features], tf.float32, zeros,
                                           trainable=False)
        labels = tf.compat.v1.get_variable("labels", [size], tf.int64, zeros, trainable=False)
        # |m|² of every remembered image, computed once (L2 needs it for every query).
        norms = tf.compat.v1.get_variable("squared_norms", [size], tf.float32, zeros,
                                          trainable=False)
        new_images = tf.compat.v1.placeholder(tf.float32, [size, features], "new_images")
        new_labels = tf.compat.v1.placeholder(tf.int64, [size], "new_labels")
        remember = tf.group(images.assign(new_images), labels.assign(new_labels),
                            norms.assign(tf.reduce_sum(tf.square(new_images), axis=1)),
                            name="remember")
    return Memory(images, labels, norms, new_images, new_labels, remember)


def nearest(closeness, k, labels, squared_queries=None):
    """The k closest remembered examples of each query, nearest first (equal closeness: the
    lower index first), under the box "nearest".

    closeness: float32 [batch, n], larger is nearer: -distance, or for L2 2 q·m - |m|² (then
    squared_queries, float32 [batch, 1] |q|², turns it back into a distance). labels: the
    memory's int64 [n] variable. Returns (distances float32 [batch, k], indices int32
    [batch, k], their labels int64 [batch, k]).
    """
    with tf.name_scope("nearest"):
        top, indices = tf.math.top_k(closeness, k=k, name="top_k")          # [batch, k]
        if squared_queries is not None:   # rounding can dip a tiny squared distance below 0
            distances = tf.sqrt(tf.maximum(squared_queries - top, 0.0), name="distances")
        else:
            distances = tf.negative(top, name="distances")
        neighbour_labels = tf.gather(labels.read_value(), indices, name="labels")  # [batch, k]
    return distances, indices, neighbour_labels


def vote(neighbour_labels, k, classes):
    """The label with the most votes among each row's k neighbours, nearest first; a tie goes
    to the tied label whose first vote is nearest, under the box "vote".

    neighbour_labels: int64 [batch, k], nearest first. Returns int64 [batch], named
    "vote/predicted".
    """
    with tf.name_scope("vote"):
        # score = votes·(k+1) + k - rank of the label's first vote: more votes always win, and
        # among equal votes the nearer first vote; exact integers, so no float ties.
        is_class = tf.equal(neighbour_labels[:, :, None],
                            tf.range(classes, dtype=tf.int64))               # [batch, k, classes]
        votes = tf.reduce_sum(tf.cast(is_class, tf.int32), axis=1, name="votes")  # [batch, classes]
        ranks = tf.range(k)[None, :, None]                                   # [1, k, 1]
        first = tf.reduce_min(tf.where(is_class, ranks, k), axis=1)         # [batch, classes]
        return tf.argmax(votes * (k + 1) + (k - first), axis=1, name="predicted")
