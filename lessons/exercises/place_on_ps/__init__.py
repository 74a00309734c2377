"""Variables on /job:ps, computation on /job:worker/task:<index>: the device function of
lesson distributed, read from the graph (no server is started)."""

from lessons.exercises import Hint
from tfgraph import new_graph, tf

TASK = "mnist_dense's graph for one worker: its variables on /job:ps, its matmuls on that worker"
MISTAKES = {
    "mistake_no_device": "`relu_layer/weights` has no device",
    "mistake_all_on_the_ps": "`relu_layer/MatMul` sits on /job:ps/task:0",
    "mistake_all_on_the_worker": "`relu_layer/weights` sits on /job:worker/task:1: place "
                                 "variables with replica_device_setter",
    "mistake_no_worker_device": "`relu_layer/MatMul` sits on /job:worker, any task",
}

# The lesson's default cluster: one ps, two workers (addresses only: nothing connects).
SPEC = {"ps": ["localhost:2222"], "worker": ["localhost:2223", "localhost:2224"]}


class Placed:
    """The learner's graph for worker `task_index`: every variable and every MatMul, with
    the device each was given (a DeviceSpec; "" when none)."""

    def __init__(self, learner, task_index):
        self.task_index = task_index
        self.graph = new_graph(0)
        with self.graph.as_default():
            learner.build_graph(tf.compat.v1.train.ClusterSpec(SPEC), task_index)
        self.variables = [(v.op.name, _device(v.device))
                          for v in self.graph.get_collection(tf.compat.v1.GraphKeys.GLOBAL_VARIABLES)]
        self.matmuls = [(op.name, _device(op.device))
                        for op in self.graph.get_operations() if op.type == "MatMul"]
        names = {name for name, _ in self.variables}
        if "relu_layer/weights" not in names or not self.matmuls:
            raise Hint("the graph holds no `relu_layer/weights` or no MatMul: build lesson "
                       "mnist_dense's network (mnist_dense.build_graph()) inside the device "
                       "block")

    @property
    def here(self):
        return f"/job:worker/task:{self.task_index}"


def _device(text):
    return tf.DeviceSpec.from_string(text or "")


def _where(spec):
    """A device as the hint says it: "/job:ps/task:0", "/job:worker, any task"."""
    text = spec.to_string()
    if spec.job and spec.task is None:
        return f"{text}, any task"
    return text


def _variables_on_the_ps(placed):
    for name, spec in placed.variables:
        if spec.job != "ps":
            if not spec.to_string():
                raise Hint(f"`{name}` has no device (it would live in whichever process runs "
                           f"the session, and no worker would share it): place variables with "
                           f"replica_device_setter")
            raise Hint(f"`{name}` sits on {_where(spec)}: place variables with "
                       f"replica_device_setter (every variable on /job:ps, shared by the "
                       f"workers)")


def _computation_on_this_worker(placed):
    for name, spec in placed.matmuls:
        if spec.job == "worker" and spec.task == placed.task_index:
            continue
        if not spec.to_string():
            raise Hint(f"`{name}` has no device: the computation belongs on this worker, "
                       f"{placed.here} (replica_device_setter's worker_device)")
        if spec.job == "worker" and spec.task is None:
            raise Hint(f"`{name}` sits on {_where(spec)}: give replica_device_setter "
                       f"worker_device=\"{placed.here}\", this worker")
        if spec.job == "worker":
            raise Hint(f"`{name}` sits on {_where(spec)} in the graph of worker "
                       f"{placed.task_index}: build worker_device from `task_index` "
                       f"(\"{placed.here}\")")
        raise Hint(f"`{name}` sits on {_where(spec)}: only the variables belong on the ps, "
                   f"the computation on this worker, {placed.here} (replica_device_setter "
                   f"places both)")


def check_every_variable_on_the_ps(learner):
    _variables_on_the_ps(Placed(learner, 1))


def check_the_matmuls_on_this_worker(learner):
    _computation_on_this_worker(Placed(learner, 1))


def check_worker_0_shares_the_same_variables(learner):
    # Between-graph replication: every worker builds its own graph, and they share the
    # variables because each declares the same names on the same ps task.
    zero, one = Placed(learner, 0), Placed(learner, 1)
    _variables_on_the_ps(zero)
    _computation_on_this_worker(zero)
    mine = {name: spec.to_string() for name, spec in zero.variables}
    theirs = {name: spec.to_string() for name, spec in one.variables}
    if mine != theirs:
        differ = sorted(set(mine.items()) ^ set(theirs.items()))[0][0]
        raise Hint(f"worker 0's and worker 1's graphs place `{differ}` differently "
                   f"({mine.get(differ, 'missing')} and {theirs.get(differ, 'missing')}): "
                   f"every worker must declare the same variables on the same ps task")
