"""tfgraph.counts: parameters and multiply-adds of a layer table (lesson going_deep), against
counts by hand; a step's floating-point operations (lesson transfer_learning), only those of
the ops the step needs."""

import numpy as np

from tfgraph import counts, layers, new_graph, tf


def test_layer_rows_count_by_hand():
    with new_graph(0).as_default():
        images = tf.compat.v1.placeholder(tf.float32, [None, 8, 8, 3])
        conv = layers.conv2d(images, 4, name="conv")
        pooled = layers.max_pool(conv.output)
        flat = layers.flatten(pooled)
        dense = layers.dense(flat, 5, name="fc")
        rows = [counts.layer_row("conv", "3x3 conv, 4", conv.output, conv),
                counts.layer_row("pool", "pool/2", pooled),
                counts.layer_row("flatten", "", flat),
                counts.layer_row("fc", "fc 5", dense.output, dense)]
    assert [r.shape for r in rows] == [(8, 8, 4), (4, 4, 4), (64,), (5,)]
    assert [r.parameters for r in rows] == [3 * 3 * 3 * 4 + 4, 0, 0, 64 * 5 + 5]
    # each of the 8 x 8 x 4 conv outputs reads one 3x3x3 window; each fc output, 64 inputs
    assert [r.multiply_adds for r in rows] == [8 * 8 * 4 * 27, 0, 0, 64 * 5]
    assert counts.totals(rows) == (112 + 325, 6912 + 320)


def test_table_lines_up_with_a_line_of_totals():
    rows = [counts.Row("inputs", "224x224 RGB image", (224, 224, 3), 0, 0),
            counts.Row("fc8", "fc 1000 (slide: 4096)", (1000,), 4_097_000, 4_096_000)]
    lines = counts.table(rows).splitlines()
    assert lines[0].split() == ["layer", "the", "slide", "says", "output", "parameters",
                                "multiply-adds"]
    assert lines[2].split() == ["fc8", "fc", "1000", "(slide:", "4096)", "1000", "4,097,000",
                                "4,096,000"]
    assert lines[-1].split() == ["total", "4,097,000", "4,096,000"]
    assert len({len(line) for line in lines}) == 1      # numbers end in the same column


def test_parameters_of_a_var_list():
    with new_graph(0).as_default():
        a = tf.compat.v1.get_variable("a", [3, 4])
        b = tf.compat.v1.get_variable("b", [4])
    assert counts.parameters([a, b]) == 16 and counts.parameters([]) == 0


def test_step_flops_counts_only_what_the_op_needs():
    with new_graph(0).as_default():
        x = tf.constant(np.ones((4, 3), np.float32))
        w = tf.compat.v1.get_variable("w", [3, 2])
        product = tf.matmul(x, w)                              # 4 x 2 outputs, 3 multiply-adds
        tf.matmul(tf.ones([100, 100]), tf.ones([100, 100]))     # not needed: not counted
    assert counts.step_flops(product) == 2 * 4 * 2 * 3


def test_table_in_portuguese():
    from tfgraph.support import i18n
    rows = [counts.Row("fc8", "fc 1000", (1000,), 4_097_000, 4_096_000)]
    i18n.use("pt")
    lines = counts.table(rows).splitlines()
    assert lines[0].split() == ["camada", "o", "slide", "diz", "saída", "parâmetros",
                                "multiplicações-somas"]
    assert lines[1].split() == ["fc8", "fc", "1000", "1000", "4.097.000", "4.096.000"]
    assert lines[-1].split() == ["total", "4.097.000", "4.096.000"]
    assert len({len(line) for line in lines}) == 1      # numbers still end in one column
