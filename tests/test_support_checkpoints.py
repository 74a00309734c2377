"""tfgraph.support.checkpoints: another run's checkpoint refused with one line, for each way it
can fail, before a lesson restores from it (lesson transfer_learning's --from)."""

import pytest

from conftest import error_of
from tfgraph import new_graph, tf
from tfgraph.support import checkpoints


def save(folder, shape=(3, 2)):
    with new_graph(0).as_default() as graph:
        tf.compat.v1.get_variable("layer/weights", shape)
        init = tf.compat.v1.global_variables_initializer()
        saver = tf.compat.v1.train.Saver()
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        with graph.as_default():
            return saver.save(sess, str(folder / "checkpoints" / "model.ckpt"), global_step=7,
                              write_meta_graph=False)


def variables(shape):
    with new_graph(0).as_default():
        return {"layer/weights": tf.compat.v1.get_variable("other/weights", shape)}


def test_a_checkpoint_that_fits_is_found_and_accepted(tmp_path):
    path = save(tmp_path)
    assert checkpoints.latest(tmp_path, "run x") == path
    checkpoints.check_fits(path, variables([3, 2]), "run x")


@pytest.mark.parametrize("problem, words", [
    ("no_list", ["run x has no checkpoint in", "before its first save"]),
    ("gone", ["run x: its checkpoint list", "names no checkpoint that exists"]),
])
def test_a_missing_checkpoint_is_one_line(tmp_path, problem, words):
    if problem == "gone":
        (tmp_path / "checkpoints").mkdir()
        (tmp_path / "checkpoints" / "checkpoint").write_text('model_checkpoint_path: "x"\n')
    message = error_of(checkpoints.latest, tmp_path, "run x")
    assert all(word in message for word in words), message


def test_another_network_or_other_sizes_do_not_fit(tmp_path):
    path = save(tmp_path)
    message = error_of(checkpoints.check_fits, path, variables([4, 2]), "run x")
    assert "holds layer/weights of shape [3, 2], this graph needs [4, 2]" in message
    with new_graph(0).as_default():
        other = {"fc9/weights": tf.compat.v1.get_variable("fc9/weights", [3, 2])}
    assert "has no variable fc9/weights" in error_of(checkpoints.check_fits, path, other, "run x")
    assert "cannot read the checkpoint" in error_of(checkpoints.check_fits,
                                                    str(tmp_path / "nothing"), other, "run x")


def test_a_missing_checkpoint_in_portuguese(tmp_path):
    from tfgraph.support import i18n
    i18n.use("pt")
    message = error_of(checkpoints.latest, tmp_path, "a execução x")
    assert message == (f"a execução x não tem checkpoint em {tmp_path / 'checkpoints'} (a "
                       "execução parou antes de salvar pela primeira vez?)")
