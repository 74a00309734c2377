"""Exercise place_on_ps — the reference solution (lesson distributed)."""

from lessons import mnist_dense
from tfgraph import tf


def build_graph(cluster, task_index):
    here = f"/job:worker/task:{task_index}"
    # The device function decides per op: variables to the ps tasks (in turn, if several),
    # every other op to `here`, this worker.
    setter = tf.compat.v1.train.replica_device_setter(cluster=cluster, worker_device=here)
    with tf.compat.v1.device(setter):
        return mnist_dense.build_graph()
