"""A mistake learners make: the whole graph pinned on this worker, variables included, so
no other worker sees its weights."""

from lessons import mnist_dense
from tfgraph import tf


def build_graph(cluster, task_index):
    with tf.compat.v1.device(f"/job:worker/task:{task_index}"):
        return mnist_dense.build_graph()
