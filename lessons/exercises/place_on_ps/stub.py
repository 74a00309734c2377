"""Exercise place_on_ps — lesson distributed ("beyond one machine").

In the lesson's cluster the ps holds the variables and every worker computes: each worker
builds the same mnist_dense graph (between-graph replication), with its variables on
/job:ps and its operations on /job:worker/task:<its index>. Devices are written into the
graph when it is built, so the check reads them from your graph: no server is started.

Write `build_graph(cluster, task_index)`:
    cluster:    a tf.compat.v1.train.ClusterSpec: one ps task, two worker tasks
                ({"ps": ["localhost:2222"], "worker": ["localhost:2223", "localhost:2224"]})
    task_index: int, 0 or 1: the worker this graph is for
    returns:    lesson mnist_dense's network (mnist_dense.build_graph(), its defaults), built
                so that every variable (relu_layer/weights, ..., global_step) is on /job:ps
                and every computation (relu_layer/MatMul, ...) on /job:worker/task:<task_index>
Use tf.compat.v1.device with a device function; not a server, not a session.

Check it:   python -m lessons.exercises check place_on_ps
"""

from lessons import mnist_dense
from tfgraph import tf


def build_graph(cluster, task_index):
    raise NotImplementedError
