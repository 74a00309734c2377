"""A mistake learners make: the whole graph pinned on the ps, so the ps does every worker's
arithmetic and the workers only feed it."""

from lessons import mnist_dense
from tfgraph import tf


def build_graph(cluster, task_index):
    with tf.compat.v1.device("/job:ps/task:0"):
        return mnist_dense.build_graph()
