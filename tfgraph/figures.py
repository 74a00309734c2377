"""Labelled figures (axes, ticks, legends) in TensorBoard's Images tab.

    fig, ax = figures.new()                      # a matplotlib Figure, no window, no pyplot
    ax.plot(x, y, label="ReLU"); ax.legend()
    figures.write(run.writer(), "activations/curves", fig, step)

TensorBoard's scalar charts plot a value against the training step; a curve against anything
else (an activation over x from -5 to 5, a fitted line over its points, a heatmap over the
plane) has to be drawn and sent as a picture. This is how TensorFlow's own guide does it:
matplotlib renders the figure to PNG with its Agg backend and the PNG becomes an image
summary. The figure is rendered in Python, so it adds no op to a finalized graph.

matplotlib is imported on first use, so `--help` and the syllabus stay instant. `Figure` is
used directly rather than `pyplot`: no global state, no GUI backend, nothing to close.
Introduced in lesson `ml101`; used by every lesson that plots.
"""

import io
import struct

from tfgraph.support.lazy import tf

DPI = 100


def new(width=6.4, height=4.0, rows=1, cols=1, **subplots):
    """A new figure of `width` x `height` inches (at 100 dpi: 640 x 400 pixels) and its axes.

    Returns (figure, axes): one `Axes` for a 1 x 1 grid, else the array `subplots` gives.
    """
    from matplotlib.figure import Figure  # here: matplotlib takes ~0.3 s to import
    figure = Figure(figsize=(width, height), dpi=DPI)
    axes = figure.subplots(rows, cols, squeeze=True, **subplots)
    return figure, axes


def label(ax, title, xlabel, ylabel=None):
    """The house style of a line chart: its title and axis labels, a light grid, the legend
    small in the upper left (where the lessons' curves leave room)."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)


def png(figure):
    """The figure rendered as PNG bytes (tight layout, white background)."""
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


# PNG colour type (header byte 25) -> the Summary.Image colorspace TensorBoard expects
_COLORSPACE = {0: 1, 4: 2, 2: 3, 6: 4}   # grey, grey + alpha, RGB, RGBA


def png_size(data):
    """(height, width) in pixels, read from a PNG's header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", data[16:24])
    return height, width


def image_value(tag, data):
    """A `Summary.Value` holding PNG bytes (any PNG: a figure, a grey digit), as an image
    summary does; size and colours read from its header."""
    height, width = png_size(data)
    return tf.compat.v1.Summary.Value(tag=tag, image=tf.compat.v1.Summary.Image(
        height=height, width=width, colorspace=_COLORSPACE.get(data[25], 4),
        encoded_image_string=data))


def write(writer, tag, figure, step=0):
    """Render `figure` and write it to the Images tab under `tag` at `step`; returns the PNG."""
    data = png(figure)
    writer.add_summary(tf.compat.v1.Summary(value=[image_value(tag, data)]), step)
    return data


# -- values over the plane (lesson playground) ------------------------------------------------

def colour_scale(colours, lighten=0.0, name="scale"):
    """A colormap running evenly through `colours` (e.g. hex strings): with ("#f59322",
    "#e8eaeb", "#0877bd") and the range -1..1, -1 is orange, 0 light grey, +1 blue.
    lighten: the share of white mixed into every colour (0.37 looks like painting the colours
    at alpha 0.63 over a white page)."""
    from matplotlib.colors import LinearSegmentedColormap, to_rgb
    mixed = [tuple((1 - lighten) * c + lighten for c in to_rgb(colour)) for colour in colours]
    return LinearSegmentedColormap.from_list(name, mixed)


def heatmap(ax, values, extent, cmap, vmin=-1.0, vmax=1.0, points=None, point_values=None,
            edgecolor="white", marker_size=16, point_cmap=None):
    """Draw `values` over a rectangle of the plane, and points coloured on the same scale.

    values: float [rows, cols], row 0 at the top (largest y), column 0 at the left.
    extent: (left, right, bottom, top) in the axes' units. Values beyond vmin..vmax take the
      end colours.
    points: float [n, 2] (x, y), point_values: float [n]: dots with an `edgecolor` rim, so a
      dot stays visible on a background of its own colour (white for training points, black
      for test points, as the TensorFlow Playground draws them); point_cmap: their colours
      if not `cmap`'s (e.g. the same scale, not lightened).
    Returns the image, for `figure.colorbar(image, ax=ax)`.
    """
    image = ax.imshow(values, extent=extent, origin="upper", cmap=cmap, vmin=vmin, vmax=vmax,
                      interpolation="nearest", aspect="equal")
    if points is not None and len(points):
        ax.scatter(points[:, 0], points[:, 1], c=point_values, cmap=point_cmap or cmap, vmin=vmin,
                   vmax=vmax, s=marker_size, edgecolors=edgecolor, linewidths=0.7)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    return image
