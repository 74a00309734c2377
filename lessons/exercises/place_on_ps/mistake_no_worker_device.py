"""A mistake learners make: replica_device_setter without worker_device, so the computation
goes to "/job:worker", any task, instead of this worker."""

from lessons import mnist_dense
from tfgraph import tf


def build_graph(cluster, task_index):
    with tf.compat.v1.device(tf.compat.v1.train.replica_device_setter(cluster=cluster)):
        return mnist_dense.build_graph()
