"""Lesson backprop: the four boxes, the error falling, the check against tf.gradients."""

from tensorboard_promises import Promise

NEEDS = None


def flags(data):
    return ["--epochs", "50"]


def promises(result):
    steps = list(range(1, result["epochs"] + 1))      # one full-batch step per epoch
    return {"": Promise(
        graph_scopes=("inputs", "1_predicao", "2_erro", "3_backpropagation", "4_ajuste",
                      "tf_gradients"),
        graph_ops={"4_ajuste": {"AssignSubVariableOp"}},
        graph_nodes=("3_backpropagation/delta_output", "3_backpropagation/delta_hidden"),
        scalars={"2_erro/total_error": steps,
                 "3_backpropagation/max_difference_vs_tf_gradients": steps},
        scalar_last={"2_erro/total_error": result["errors"][-1]})}
