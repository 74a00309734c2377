"""Lesson perceptron_park (one perceptron, the park table): graph shapes, the slides' replay, its logs."""

import numpy as np
import pytest
from conftest import assert_one_line_error, lesson_process, static_shapes

from lessons import perceptron_park as lesson
from tfgraph import new_graph, tf
from tfgraph.data import park


def test_graph_shapes_without_training():
    graph = new_graph(0)
    with graph.as_default():
        net = lesson.build_graph()
    assert static_shapes(net, skip=("step_summary", "decision_summary")) == {
        "x": [2], "y": [], "weights": [2], "bias": [], "weighted_sum": [], "output": [],
        "error": [], "update": [2], "decisions": [3, 3]}
    assert net.x.op.type == "Placeholder" and net.x.op.name == "inputs/x"
    assert net.y.op.name == "inputs/Y"
    assert net.weights.name == "perceptron/weights:0"
    assert net.x.dtype == net.output.dtype == tf.float32
    # Building ran nothing: no variable exists in any session yet, and the graph is ours alone.
    assert tf.compat.v1.get_default_graph() is not graph


def test_seed_replay_matches_the_slides(tmp_path):
    result = lesson.main(["--logdir", str(tmp_path)])
    assert result["weights"] == [1.0, 1.0]
    assert result["bias"] == 0.0
    assert result["epochs"] == 2 and result["steps"] == 12 and result["converged"]
    assert result["prediction"] == {"x1": -1.0, "x2": 1.0, "output": 1}
    # The grid (rows Rico! -> Falido, columns Chovendo -> Sol) follows from w = (1, 1), t = 0.
    w = np.array(result["weights"])
    days = [[(x1, x2) for x1 in (-1, 0, 1)] for x2 in (1, 0, -1)]
    expected = [[int(np.dot(w, d) >= 0) for d in row] for row in days]
    assert result["decisions"] == expected
    # ...and it classifies the whole training table right.
    x, y = park.table()
    assert ((x @ w >= 0).astype(int) == y).all()


def test_predict_flag_asks_about_any_day(tmp_path):
    result = lesson.main(["--logdir", str(tmp_path), "--predict", "1", "-1"])
    assert result["prediction"]["output"] == 1            # sunny but broke: 1 + (-1) = 0 >= t
    result = lesson.main(["--logdir", str(tmp_path), "--predict", "-1", "-1"])
    assert result["prediction"]["output"] == 0            # raining and broke


def test_learning_rate_scales_weights_not_answers(tmp_path):
    result = lesson.main(["--logdir", str(tmp_path), "--learning-rate", "0.5"])
    assert result["weights"] == [0.5, 0.5] and result["prediction"]["output"] == 1


def test_too_few_epochs_is_reported_not_hidden(tmp_path, capsys):
    result = lesson.main(["--logdir", str(tmp_path), "--epochs", "1"])
    assert not result["converged"] and result["epochs"] == 1 and result["steps"] == 6
    assert "Still making mistakes" in capsys.readouterr().out


def test_one_epoch_is_one_epoch_in_both_languages(tmp_path, lesson_main):
    for lang, said in (("en", "Still making mistakes after 1 epoch: try more --epochs."),
                       ("pt", "Ainda errando depois de 1 época: tente mais --epochs.")):
        shown = lesson_main("perceptron_park", "--lang", lang, "--logdir", str(tmp_path), "--epochs", "1")
        assert shown.returncode == 0, shown.stderr
        assert said in shown.stdout.splitlines()


def test_event_file_holds_graph_and_one_point_per_step(tmp_path, events):
    result = lesson.main(["--logdir", str(tmp_path), "--run-name", "replay"])
    run_dir = tmp_path / "perceptron_park" / result["run_dir"].split("/")[-1]
    assert run_dir.name.endswith("-replay")
    acc = events(run_dir)
    nodes = {n.name for n in acc.Graph().node}
    for name in ("inputs/x", "inputs/Y", "perceptron/weights", "perceptron/weighted_sum",
                 "error/Square", "update/perceptron_rule"):
        assert name in nodes, name
    tags = acc.Tags()
    for tag in ("error/squared_error", "perceptron/w1", "perceptron/w2"):
        points = acc.Scalars(tag)
        assert [p.step for p in points] == list(range(1, 13)), tag
    assert [p.value for p in acc.Scalars("error/squared_error")] == [0, 0, 0, 1, 0, 1] + [0] * 6
    assert [p.value for p in acc.Scalars("perceptron/w1")][-1] == 1.0
    assert any(t.startswith("decision/days") for t in tags["images"])
    image_tag = next(t for t in tags["images"] if t.startswith("decision/days"))
    assert len(acc.Images(image_tag)) == 2  # one grid per epoch


def test_runs_never_overwrite_each_other(tmp_path):
    first = lesson.main(["--logdir", str(tmp_path)])["run_dir"]
    second = lesson.main(["--logdir", str(tmp_path)])["run_dir"]
    assert first != second
    assert len(list((tmp_path / "perceptron_park").iterdir())) == 2


@pytest.mark.parametrize("flags, words", [
    (["--epochs", "0"], "--epochs"),
    (["--epochs", "two"], "whole number"),
    (["--learning-rate", "-1"], "--learning-rate"),
    (["--learning-rate", "nan"], "finite"),
    (["--predict", "1"], "--predict"),
    (["--no-such-flag"], "unrecognized"),
])
def test_bad_flag_is_one_line_and_exit_2(lesson_main, flags, words):
    assert_one_line_error(lesson_main("perceptron_park", *flags), words)


def test_a_bad_flag_through_the_real_command():
    # The cases above run in this process (lesson_main); one runs as the learner types it.
    assert_one_line_error(lesson_process("perceptron_park", "--epochs", "two", timeout=60),
                          "whole number")


def test_help_says_what_the_flags_do_here(capsys):
    with pytest.raises(SystemExit) as done:
        lesson.main(["--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    # the perceptron rule, not gradient descent (the step function has no gradient)
    assert "perceptron rule" in text and "gradient descent" not in text
    assert "--seed SEED has no effect here: nothing in this lesson is random" in text


def test_the_seed_changes_nothing_as_the_help_says(tmp_path):
    runs = [lesson.main(["--logdir", str(tmp_path), "--seed", seed]) for seed in ("0", "7")]
    for result in runs:
        result.pop("run_dir")
    assert runs[0] == runs[1]


def test_the_slides_table_in_portuguese_keeps_its_columns(lesson_main, tmp_path):
    # "passo" is wider than "step": the step column widens with its heading, the rest stay put.
    shown = lesson_main("perceptron_park", "--lang", "pt", "--logdir", str(tmp_path),
                        "--learning-rate", "0.5")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "passo  x1  x2  Y   saída   erro     w1     w2"
    assert lines[4] == "    4  -1   0  0       1      1    0,5      0"      # 0,5: the decimal comma
    assert "-- época 1: 2 erros" in lines
    assert "Aprendeu em 2 épocas (12 passos): w = (0,5; 0,5), b = 0" in lines
    assert "A decisão para cada dia (x2 nas linhas, x1 nas colunas):" in lines
    assert "Rico!           vamos!    vamos!    vamos!" in lines          # the slides' words stay
    assert "Chovendo, Rico! (x1=-1, x2=1): saída 1 -> vamos!" in lines
