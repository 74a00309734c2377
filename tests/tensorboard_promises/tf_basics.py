"""Lesson tf_basics: the graph of constants, a placeholder and a variable; two feeds."""

from tensorboard_promises import Promise

NEEDS = None


def flags(data):
    return []


def promises(result):
    return {"": Promise(
        graph_scopes=("constants", "inputs", "layer", "tensor", "feed", "init"),
        graph_ops={"layer": {"VarHandleOp", "ReadVariableOp", "MatMul"}},
        graph_nodes=("layer/w", "layer/w/Initializer/", "layer/y"),
        scalars={"feed/x_sum": [1, 2], "feed/batch_size": [1, 2]},
        scalar_values={"feed/batch_size": [1.0, 4.0]})}   # "step 1: 1 row, step 2: 4"
