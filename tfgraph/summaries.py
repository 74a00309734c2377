"""Summary ops for TensorBoard: what the Scalars, Histograms and Images tabs show.

Summary ops are graph ops like any other: they are built with the graph, fetched with
`session.run` (every N steps: a histogram every step can cost several times the training
step) and written with a `FileWriter` (see `tfgraph.Run`). Introduced in `perceptron_park`
(scalars), `mnist_softmax` (histograms, images), `tensorboard` (everything else).
"""

import struct
import zlib

import numpy as np

from tfgraph.figures import image_value
from tfgraph.support.i18n import _
from tfgraph.support.lazy import tf


def layer_histograms(layer, activations=True, biases=True):
    """Histograms of a layer (`layers.Dense`, `layers.Conv`): `<layer>/weights/histogram`,
    (if asked) `<layer>/biases/histogram` and `<layer>/activations` — its output.

    Placed inside the layer's own box in the graph; the tags cannot be plain
    `<layer>/weights` because that name belongs to the variable.
    """
    found = []
    for var in (layer.weights, layer.biases) if biases else (layer.weights,):
        with tf.name_scope(var.op.name + "/"):
            found.append(tf.compat.v1.summary.histogram("histogram", var))
    if activations:
        with tf.name_scope(layer.weights.op.name.rsplit("/", 1)[0] + "/"):
            found.append(tf.compat.v1.summary.histogram("activations", layer.output))
    return found


def as_images(flat, height, width):
    """float32 [n, height*width] rows -> float32 [n, height, width, 1] images for TensorBoard."""
    return tf.reshape(flat, [-1, height, width, 1])


def weight_maps(weights, height, width):
    """One picture per output unit of a [height*width, units] weight matrix.

    Returns float32 [units, height, width, 1], each map stretched to [0, 1] on its own so
    positive weights (pixels that vote for the class) are bright and negative ones dark.
    """
    maps = tf.transpose(weights)                        # [units, height*width]
    low = tf.reduce_min(maps, axis=1, keepdims=True)
    high = tf.reduce_max(maps, axis=1, keepdims=True)
    scaled = (maps - low) / tf.maximum(high - low, 1e-8)
    return as_images(scaled, height, width)


def text(writer, tag, markdown, step=0):
    """Write a piece of Markdown to the Text tab (e.g. the run's settings)."""
    from tensorboard.plugins.text.summary_v2 import text_pb  # TensorBoard's, not TF's
    writer.add_summary(text_pb(tag, markdown).SerializeToString(), step)


def hparams_experiment(folder, values, metrics):
    """Describe a sweep to the HParams tab: which settings vary, which metrics to compare.

    folder: the sweep's own folder, holding one subfolder per trial.
    values: {setting name: [the values tried]}. metrics: [(trial subfolder, scalar tag)],
    e.g. [("test", "accuracy")].
    """
    from tensorboard.plugins.hparams import summary_v2 as hp
    hparams = [hp.HParam(name, hp.Discrete(sorted(vals))) for name, vals in values.items()]
    metric_list = [hp.Metric(tag, group=group, display_name=f"{group} {tag}")
                   for group, tag in metrics]
    with tf.Graph().as_default():  # a FileWriter needs a graph context, even an empty one
        writer = tf.compat.v1.summary.FileWriter(str(folder))
        writer.add_summary(hp.hparams_config_pb(hparams, metric_list).SerializeToString())
        writer.close()


def hparams_trial(writer, values, trial_id):
    """Record the settings of one trial of a sweep (in the trial's folder)."""
    from tensorboard.plugins.hparams import summary_v2 as hp
    writer.add_summary(hp.hparams_pb(values, trial_id=trial_id).SerializeToString())


def hparams_trial_done(writer):
    """Mark the trial finished, so the HParams tab shows it as a success with an end time."""
    from tensorboard.plugins.hparams import api_pb2, summary as hp_v1
    writer.add_summary(hp_v1.session_end_pb(api_pb2.STATUS_SUCCESS).SerializeToString())


def settings_table(args):
    """The run's flags as a Markdown table, for `text` (its header in the learner's language)."""
    rows = [f"| `{k}` | `{v}` |" for k, v in sorted(vars(args).items())]
    return "\n".join([f"| {_('flag')} | {_('value')} |", "|---|---|", *rows])


def png(image):
    """Encode a grayscale image (float [h, w] in [0, 1], or uint8) as PNG bytes.

    Plain numpy and zlib: images computed after training (e.g. the misclassified digits)
    are written without adding ops to a finalized graph.
    """
    pixels = np.asarray(image)
    if pixels.dtype != np.uint8:
        pixels = (np.clip(pixels, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    height, width = pixels.shape
    rows = b"".join(b"\x00" + pixels[r].tobytes() for r in range(height))  # filter 0 per row

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grayscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def write_images(writer, images, tags, step=0):
    """Write Python-side images (float [n, h, w] in [0, 1]) to the Images tab, one tag each."""
    values = [image_value(tag, png(image)) for image, tag in zip(images, tags)]
    writer.add_summary(tf.compat.v1.Summary(value=values), step)


MISCLASSIFIED_SHOWN = 12   # misclassified test digits shown in TensorBoard, per run


def log_misclassified(session, net, split, writer, step, shown=MISCLASSIFIED_SHOWN):
    """Write the first `shown` misclassified digits of `split` as images, tagged
    `misclassified/NN_true_T_predicted_P`; returns (how many are wrong, the tags).

    net: has x (float32 [batch, pixels]) and predicted (int64 [batch]). The predictions are
    computed in batches of 1,000 and the pictures encoded in Python, so no op is added to
    the finalized graph. Introduced in mnist_dense; used by tensorboard and going_deep.
    """
    predicted = np.concatenate([
        session.run(net.predicted, {net.x: split.images[i:i + 1000]})
        for i in range(0, len(split), 1000)])
    wrong = np.flatnonzero(predicted != split.labels)
    side = int(np.sqrt(split.images.shape[1]))
    picks = wrong[:shown]
    tags = [f"misclassified/{n:02d}_true_{split.labels[i]}_predicted_{predicted[i]}"
            for n, i in enumerate(picks)]
    write_images(writer, split.images[picks].reshape(-1, side, side), tags, step)
    return len(wrong), tags
