"""tfgraph.support.report: tables whose columns never run together, and the "Test accuracy" sentence."""

import re

import numpy as np
import pytest

from tfgraph.support import report


def cells(line):
    """(start, end, text) of every cell of a printed line (cells hold no spaces here)."""
    return [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", line)]


def assert_readable(text, header, shown, numeric):
    """Every cell of every line is a word of its own, two spaces or more from its neighbour;
    a numeric column's cells end where its header ends, a text column's start where its
    header starts."""
    lines = text.split("\n")
    assert len(lines) == 1 + len(shown)
    found = [cells(line) for line in lines]
    assert [[c for _, _, c in row] for row in found] == [list(header), *shown], text
    for row in found:
        for (_, end, _), (start, _, _) in zip(row, row[1:]):
            assert start - end >= 2, text
    for column, is_number in enumerate(numeric):
        edges = {row[column][1] if is_number else row[column][0] for row in found}
        assert len(edges) == 1, (column, text)


def test_the_logits_row_that_once_ran_together_reads_value_by_value():
    # mnist_softmax at --learning-rate 1000: "-630.1-5050.4-977.6-7487.07714.3" in 6-wide columns
    logits = [-630.1, -5050.4, -977.6, -7487.0, 7714.3]
    text = report.table([["logits", *logits], ["probabilities", 0.0, 0.0, 0.0, 0.0, 1.0]],
                        header=["", *"01234"], formats=["", *[".1f"] * 5])
    lines = text.split("\n")
    assert lines[1].split() == ["logits", "-630.1", "-5050.4", "-977.6", "-7487.0", "7714.3"]
    assert lines[2].split() == ["probabilities", "0.0", "0.0", "0.0", "0.0", "1.0"]
    assert [end for _, end, _ in cells(lines[0])] == [end for _, end, _ in cells(lines[1])[1:]]


@pytest.mark.parametrize("seed", range(20))
def test_a_column_never_runs_into_its_neighbour_whatever_the_values(seed):
    rng = np.random.default_rng(seed)
    formats = ["", ".1f", ".4f", ",", ".3g", ".2e", ""]
    header = ["name", "tenth", "fraction", "count", "general", "exp", "int"]
    rows, shown = [], []
    for i in range(int(rng.integers(1, 8))):
        size = 10.0 ** rng.uniform(-4, 12, size=5) * rng.choice([-1, 1], size=5)
        row = [rng.choice(["relu", "leaky_relu", "x", "a_long_activation_name"]),
               float(size[0]), np.float32(size[1]), int(size[2]), float(size[3]),
               float(size[4]), int(rng.integers(-10 ** 9, 10 ** 9))]
        if i == 0:
            row[1:6] = [float("nan"), float("inf"), -3, 0.0, -0.0]   # the odd values too
        rows.append(row)
        shown.append([format(v, f) if not isinstance(v, str) else v for v, f in zip(row, formats)])
    text = report.table(rows, header=header, formats=formats)
    assert_readable(text, header, shown, numeric=[False] + [True] * 6)


def test_numbers_align_right_and_words_left_under_their_header():
    text = report.table([("relu", 0.899, 12.5), ("leaky_relu", 0.831, 1234.0)],
                        header=("activation", "test accuracy", "seconds"),
                        formats=("", ".4f", ",.1f"))
    assert text.split("\n") == [
        "  activation  test accuracy  seconds",
        "  relu               0.8990     12.5",
        "  leaky_relu         0.8310  1,234.0",
    ]


def test_a_table_without_header_or_formats_and_with_a_narrow_cell():
    assert report.table([[1, "a"], [100000, "bcd"]]).split("\n") == ["       1  a", "  100000  bcd"]


def test_test_accuracy_is_the_one_sentence_of_the_mnist_lessons():
    score = {"accuracy": 0.92224, "loss": 0.28314}
    assert report.test_accuracy(score, 10_000, steps=5500) == (
        "Test accuracy: 0.9222 on 10,000 digits never seen in training (loss 0.2831), "
        "after 5,500 steps")
    assert report.test_accuracy(score, 2000) == (
        "Test accuracy: 0.9222 on 2,000 digits never seen in training (loss 0.2831)")
    assert report.test_accuracy({"accuracy": 1.0, "loss": 0.0}, 5, steps=10, what="images") == (
        "Test accuracy: 1.0000 on 5 images never seen in training (loss 0.0000), after 10 steps")


def test_in_portuguese_the_sentence_and_the_tables_numbers_take_its_marks():
    from tfgraph.support import i18n
    i18n.use("pt")
    score = {"accuracy": 0.92224, "loss": 0.28314}
    assert report.test_accuracy(score, 10_000, steps=5500) == (
        "Acurácia no teste: 0,9222 em 10.000 dígitos nunca vistos no treino (perda 0,2831), "
        "após 5.500 passos")
    assert report.test_accuracy(score, 2000, steps=1).endswith("(perda 0,2831), após 1 passo")
    assert report.test_accuracy(score, 2000) == (
        "Acurácia no teste: 0,9222 em 2.000 dígitos nunca vistos no treino (perda 0,2831)")
    text = report.table([("relu", 0.899, 12.5), ("leaky_relu", 0.831, 1234.0)],
                        header=("", "a", "b"), formats=("", ".4f", ",.1f"))
    assert text.split("\n") == [
        " " * 19 + "a" + " " * 8 + "b",      # numbers still align right under their header
        "  relu        0,8990     12,5",
        "  leaky_relu  0,8310  1.234,0",
    ]
