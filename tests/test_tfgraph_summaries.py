"""tfgraph.summaries: images encoded as PNG decode to the same pixels."""

import numpy as np

from tfgraph import summaries, tf


def test_png_encoding_decodes_to_the_same_pixels():
    image = np.random.default_rng(0).random((5, 7))
    decoded = tf.io.decode_png(summaries.png(image)).numpy()[..., 0]
    assert decoded.shape == (5, 7)
    assert np.array_equal(decoded, (image * 255 + 0.5).astype(np.uint8))
