"""tfgraph.summaries: images encoded as PNG decode to the same pixels."""

import numpy as np

from tfgraph import summaries, tf


def test_png_encoding_decodes_to_the_same_pixels():
    image = np.random.default_rng(0).random((5, 7))
    decoded = tf.io.decode_png(summaries.png(image)).numpy()[..., 0]
    assert decoded.shape == (5, 7)
    assert np.array_equal(decoded, (image * 255 + 0.5).astype(np.uint8))


def test_settings_table_header_in_the_learners_language():
    from argparse import Namespace

    from tfgraph.support import i18n
    args = Namespace(seed=1, learning_rate=0.5)
    assert summaries.settings_table(args).splitlines()[:3] == [
        "| flag | value |", "|---|---|", "| `learning_rate` | `0.5` |"]
    i18n.use("pt")
    assert summaries.settings_table(args).splitlines()[:3] == [
        "| opção | valor |", "|---|---|", "| `learning_rate` | `0.5` |"]   # values are code
