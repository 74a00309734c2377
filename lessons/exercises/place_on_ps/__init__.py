"""Variables on /job:ps, computation on /job:worker/task:<index>: the device function of
lesson distributed, read from the graph (no server is started)."""

from lessons.exercises import Hint
from tfgraph import new_graph, tf
from tfgraph.support.i18n import N_, _

TASK = N_("mnist_dense's graph for one worker: its variables on /job:ps, its matmuls on that "
          "worker")
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
        names = {name for name, _spec in self.variables}
        if "relu_layer/weights" not in names or not self.matmuls:
            raise Hint(_("the graph holds no `relu_layer/weights` or no MatMul: build lesson "
                         "mnist_dense's network (mnist_dense.build_graph()) inside the device "
                         "block"))

    @property
    def here(self):
        return f"/job:worker/task:{self.task_index}"


def _device(text):
    return tf.DeviceSpec.from_string(text or "")


def _where(spec):
    """A device as the hint says it: "/job:ps/task:0", "/job:worker, any task"."""
    text = spec.to_string()
    if spec.job and spec.task is None:
        return _("{device}, any task").format(device=text)
    return text


def _variables_on_the_ps(placed):
    for name, spec in placed.variables:
        if spec.job != "ps":
            if not spec.to_string():
                raise Hint(_("`{name}` has no device (it would live in whichever process runs "
                             "the session, and no worker would share it): place variables with "
                             "replica_device_setter").format(name=name))
            raise Hint(_("`{name}` sits on {device}: place variables with replica_device_setter "
                         "(every variable on /job:ps, shared by the workers)").format(
                name=name, device=_where(spec)))


def _computation_on_this_worker(placed):
    for name, spec in placed.matmuls:
        if spec.job == "worker" and spec.task == placed.task_index:
            continue
        if not spec.to_string():
            raise Hint(_("`{name}` has no device: the computation belongs on this worker, "
                         "{here} (replica_device_setter's worker_device)").format(
                name=name, here=placed.here))
        if spec.job == "worker" and spec.task is None:
            raise Hint(_("`{name}` sits on {device}: give replica_device_setter "
                         "worker_device=\"{here}\", this worker").format(
                name=name, device=_where(spec), here=placed.here))
        if spec.job == "worker":
            raise Hint(_("`{name}` sits on {device} in the graph of worker {task}: build "
                         "worker_device from `task_index` (\"{here}\")").format(
                name=name, device=_where(spec), task=placed.task_index, here=placed.here))
        raise Hint(_("`{name}` sits on {device}: only the variables belong on the ps, the "
                     "computation on this worker, {here} (replica_device_setter places "
                     "both)").format(name=name, device=_where(spec), here=placed.here))


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
        raise Hint(_("worker 0's and worker 1's graphs place `{name}` differently ({zero} and "
                     "{one}): every worker must declare the same variables on the same ps "
                     "task").format(name=differ, zero=mine.get(differ, _("missing")),
                                    one=theirs.get(differ, _("missing"))))
