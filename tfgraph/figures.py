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

from tfgraph.support.i18n import _, ngettext, number
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
        raise ValueError(_("not a PNG image"))
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


# -- a neuron and its activation functions (lesson activations) -------------------------------

def neuron(weights, bias, inputs, weighted_sum, output, activation):
    """The slide "Neurônios Digitais" with these numbers: inputs -> Pesos -> Σ + Viés -> F ->
    output, as a 640 x 360 figure.

    weights, inputs: floats, one weight per input; bias, weighted_sum (w·x + b), output
    (F(w·x + b)): floats; activation: F's name. Introduced in lesson activations.
    """
    fig, ax = new(6.4, 3.6)
    ax.set_axis_off()
    ax.set_xlim(-0.5, 8.2)
    ax.set_ylim(-1.6, len(inputs) + 0.2)
    middle = (len(inputs) - 1) / 2
    for i, (xi, wi) in enumerate(zip(inputs, weights)):
        y = len(inputs) - 1 - i
        ax.annotate("", xy=(3.2, middle), xytext=(0.45, y),
                    arrowprops=dict(arrowstyle="->", color="#1f77b4"))
        ax.text(0, y, f"x{i + 1} = {number(xi, 'g')}", ha="center", va="center",
                bbox=dict(boxstyle="circle", fc="#e8f0fa"))
        # the weight's label a third of the way along its arrow, on a white patch
        ax.text(0.45 + 0.33 * (3.2 - 0.45), y + 0.33 * (middle - y), f"w{i + 1} = {number(wi, 'g')}",
                color="#1f77b4", fontsize=9, ha="center", va="center",
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))
    ax.text(3.7, middle, f"Σ w·x + b\n= {number(weighted_sum, '.4g')}", ha="center", va="center",
            bbox=dict(boxstyle="round", fc="#fff2cc"))
    ax.annotate("", xy=(3.7, middle - 0.45), xytext=(3.7, -1.2),
                arrowprops=dict(arrowstyle="->", color="#2ca02c"))
    ax.text(3.7, -1.4, f"Viés b = {number(bias, 'g')}", ha="center", color="#2ca02c", fontsize=9)
    ax.annotate("", xy=(5.3, middle), xytext=(4.5, middle), arrowprops=dict(arrowstyle="->"))
    ax.text(5.9, middle, f"F = {activation}", ha="center", va="center",
            bbox=dict(boxstyle="round", fc="#f4cccc"))
    ax.annotate("", xy=(7.2, middle), xytext=(6.6, middle), arrowprops=dict(arrowstyle="->"))
    ax.text(7.7, middle, number(output, ".4g"), ha="center", va="center",
            bbox=dict(boxstyle="circle", fc="#d9ead3"))
    ax.set_title(_("Neurônio digital: Pesos (weights), Viés (bias), Função de ativação"),
                 fontsize=10)
    return fig


def activation_curve(name, x, value, derivative, no_gradient, marked_x, marked, pieces=()):
    """One activation function and its derivative over x, the derivative's values at
    `marked_x` as dots (the points a lesson prints), as a 640 x 400 figure.

    x, value, derivative: float [n]; marked_x, marked: float [m]; no_gradient: True when
    tf.gradients answered None (the derivative drawn is then 0, the slope wherever it
    exists); pieces: maxout's linear pieces, (slope, intercept) pairs, drawn dotted beneath.
    Introduced in lesson activations.
    """
    fig, ax = new(6.4, 4.0)
    ax.axhline(0, color="#999999", linewidth=0.8)
    ax.axvline(0, color="#999999", linewidth=0.8)
    for i, (slope, intercept) in enumerate(pieces):
        ax.plot(x, slope * x + intercept, ":", color="#888888",
                label=_("piece {i}: {slope}·x {intercept}").format(
                    i=i + 1, slope=number(slope, "g"), intercept=number(intercept, "+g")))
    ax.plot(x, value, "C0-", linewidth=2, label=f"{name}(x)")
    text = (_("derivative: 0 (tf.gradients gives None: no gradient path)") if no_gradient
            else _("derivative, by tf.gradients"))
    ax.plot(x, derivative, "C1--", linewidth=2, label=text)
    ax.plot(marked_x, marked, "C1o", markersize=5,
            label=_("the derivative at x = {first} ... {last}").format(
                first=number(marked_x[0], "g"), last=number(marked_x[-1], "g")))
    ax.set_xlim(x[0], x[-1])
    label(ax, f"Função de ativação: {name}", _("x (the weighted sum w·x + b)"), _("value"))
    return fig


def activation_curves(x, values, derivatives):
    """Several activation functions (left) and their derivatives (right) on shared axes, as
    an 1100 x 420 figure; made for the seven of lesson activations, which introduced it.

    x: float [n]; values, derivatives: name -> float [n], drawn in the order of `values`.
    """
    fig, (left, right) = new(11.0, 4.2, 1, 2)
    # Several curves coincide (relu, leaky_relu, elu, maxout for x > 0): wide solid lines
    # first, then narrower dashed ones on top, so each stays visible.
    styles = ["-", "-", "-", "-", "--", "-.", ":"]
    for i, name in enumerate(values):
        look = dict(color=f"C{i}", linestyle=styles[i % len(styles)],
                    linewidth=max(3.2 - 0.35 * i, 0.5), label=name)
        left.plot(x, values[name], **look)
        right.plot(x, derivatives[name], **look)
    for ax, title in ((left, "F(x)"), (right, _("F'(x), by tf.gradients"))):
        ax.axhline(0, color="#999999", linewidth=0.8)
        ax.axvline(0, color="#999999", linewidth=0.8)
        ax.set_xlim(x[0], x[-1])
        label(ax, title, _("x (the weighted sum w·x + b)"))
    left.set_ylim(-2, 5)
    right.set_ylim(-0.7, 1.3)
    return fig


# -- a fitted line, digits and their neighbours, cluster centres (lesson ml101) ----------------

def log_steps(last):
    """When to draw a picture of training: 0, 1, 3, 10, 30, 100, ... and `last`.

    A model moves most in its first steps, so the pictures are spread on a log scale; at most
    10 for 1,000 steps (TensorBoard keeps 10 images per tag by default). Introduced in lesson
    ml101 (gradient descent's line).
    """
    marks = {0, last}
    scale = 1
    while scale <= last:
        marks |= {m for m in (scale, 3 * scale) if m <= last}
        scale *= 10
    return sorted(marks)


def line_fit(x, y, lines, title, x_range):
    """Points and lines over them, as a 640 x 420 figure; introduced in lesson ml101.

    x, y: float [n]; lines: [(label, slope, intercept, matplotlib style)], each drawn over
    x_range (left, right) and named in the legend by its equation.
    """
    import numpy as np
    fig, ax = new(6.4, 4.2)
    ax.scatter(x, y, s=12, color="#888888", label=ngettext(
        "{n} noisy points", "{n} noisy points", len(x)).format(n=len(x)))
    xs = np.array(x_range)
    for name, slope, intercept, style in lines:
        sign = "-" if intercept < 0 else "+"
        ax.plot(xs, slope * xs + intercept, style, linewidth=2,
                label=f"{name}: y = {number(slope, '.3f')}·x {sign} "
                      f"{number(abs(intercept), '.3f')}")
    label(ax, title, "x", "y")
    return fig


def digit_grid(columns, title):
    """Digit pictures in columns: columns = [[(image float [h, w] in 0..1, caption, caption
    colour), ...], ...], one list per column, drawn top to bottom. Introduced in lesson ml101.
    """
    import numpy as np
    rows = max(len(c) for c in columns)
    fig, axes = new(1.25 * len(columns), 1.35 * rows + 0.4, rows, len(columns))
    axes = np.asarray(axes).reshape(rows, len(columns))
    for c, column in enumerate(columns):
        for r in range(rows):
            ax = axes[r, c]
            ax.set_axis_off()
            if r < len(column):
                image, caption, colour = column[r]
                ax.imshow(image, cmap="gray_r", vmin=0.0, vmax=1.0)
                ax.set_title(caption, fontsize=8, color=colour)
    fig.suptitle(title, fontsize=10)
    return fig


WRONG = "#c00000"    # the colour of a caption that names a wrong answer


def neighbours(picks, test, memory, predicted, indices, distances, side, title, shown=5):
    """Test digits (top row), each above its `shown` nearest remembered digits; introduced in
    lesson ml101 (nearest neighbour).

    picks: int [p], the test digits to draw; test, memory: splits (.images float [n, side·side],
    .labels int [n]); predicted: int [tests], the answers (a wrong one is captioned in red with
    what was said); indices: int [tests, k], the remembered digits nearest first; distances:
    float [tests, k], theirs.
    """
    columns = []
    for i in picks:
        label, said = test.labels[i], predicted[i]
        column = [(test.images[i].reshape(side, side),
                   _("test: {label}").format(label=label)
                   + ("" if said == label else "\n" + _("said {said}").format(said=said)),
                   "black" if said == label else WRONG)]
        for j, distance in zip(indices[i, :shown], distances[i, :shown]):
            near = memory.labels[j]
            column.append((memory.images[j].reshape(side, side),
                           _("{label}, distance {distance}").format(
                               label=near, distance=number(distance, ".1f")),
                           "black" if near == label else WRONG))
        columns.append(column)
    return digit_grid(columns, title)


def cluster_centres(centroids, side, title, per_cluster=None, per_row=5):
    """Cluster centres as pictures, in rows of `per_row`; introduced in lesson ml101 (k-means).

    centroids: float [clusters, side·side]; per_cluster: None, or each cluster's (size,
    [(label, share)] most common first) as `tfgraph.clustering.purity` gives, for the captions.
    """
    columns = [[] for _column in range(min(per_row, len(centroids)))]
    for i, centroid in enumerate(centroids):
        caption = _("cluster {i}").format(i=i)
        if per_cluster is not None:
            size, shares = per_cluster[i]
            caption = (ngettext("cluster {i}: {size} digits", "cluster {i}: {size} digits",
                                size).format(i=i, size=number(size, "")) + "\n"
                       + ", ".join(f"{digit}: {number(share, '.0%')}" for digit, share in shares[:2])
                       if size else _("cluster {i}: empty").format(i=i))
        columns[i % per_row].append((centroid.reshape(side, side), caption, "black"))
    return digit_grid(columns, title)


# -- what a convolutional network sees (lesson going_deep) ----------------------------------

def filter_grid(weights, columns=8, zoom=8):
    """A conv layer's filters as one picture, built as graph ops (for an image summary):
    float32 [size, size, 1, n] -> [1, height, width, 1] in [0, 1], the filters side by side
    with white gaps, on one scale for all (grey = 0, white = the largest positive weight,
    black = its negative). Introduced in lesson going_deep (`conv1_1/filters`)."""
    size, n = weights.shape[0], weights.shape[-1]
    rows = -(-n // columns)
    w = tf.transpose(weights[:, :, 0, :], [2, 0, 1])                    # [n, size, size]
    w = 0.5 + 0.5 * w / tf.maximum(tf.reduce_max(tf.abs(w)), 1e-8)
    w = tf.pad(w, [[0, rows * columns - n], [0, 1], [0, 1]], constant_values=1.0)
    grid = tf.reshape(w, [rows, columns, size + 1, size + 1])
    grid = tf.reshape(tf.transpose(grid, [0, 2, 1, 3]), [rows * (size + 1), columns * (size + 1)])
    grid = tf.repeat(tf.repeat(grid, zoom, axis=0), zoom, axis=1)      # big enough to see
    return grid[None, :, :, None]


def tile(maps, columns=16):
    """float [rows, cols, n] feature maps -> one float [height, width] picture, the maps side
    by side with a gap of NaN (drawn blank)."""
    import numpy as np
    rows_, cols_, n = maps.shape
    grid_rows = -(-n // columns)
    out = np.full((grid_rows * (rows_ + 1) - 1, columns * (cols_ + 1) - 1), np.nan)
    for k in range(n):
        r, c = divmod(k, columns)
        out[r * (rows_ + 1):r * (rows_ + 1) + rows_, c * (cols_ + 1):c * (cols_ + 1) + cols_] \
            = maps[:, :, k]
    return out


def feature_maps(image, label, maps, block):
    """One digit (left) and its feature maps after conv block `block` (right, on one scale,
    black = 0), as a 900 x 280 figure. image: float [rows * cols] in [0, 1], a square
    digit; label: its digit; maps: float [rows, cols, channels], the block's pooled output
    for that digit. Introduced in lesson going_deep (`feature_maps/block<n>`)."""
    side = int(round(len(image) ** 0.5))
    fig, (left, right) = new(9.0, 2.8, 1, 2, gridspec_kw={"width_ratios": [1, 5]})
    left.imshow(image.reshape(side, side), cmap="gray", vmin=0, vmax=1)
    left.set_title(_("the digit ({label})").format(label=label))
    right.imshow(tile(maps), cmap="magma", vmin=0, vmax=max(float(maps.max()), 1e-6),
                 interpolation="nearest")
    right.set_title(_("after block {block} (pool{block}): {n} feature maps of {rows}x{cols}, "
                      "one scale, black = 0").format(block=block, n=maps.shape[2],
                                                     rows=maps.shape[0], cols=maps.shape[1]))
    for ax in (left, right):
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


# -- the Playground's pictures: the output and every neuron over the plane (lesson playground)

def frame_steps(last, frames):
    """The steps that get a picture, so a replay shows the training: 0, `last`, and the rest
    spread geometrically between (training changes fastest at first), all different:
    min(frames, last + 1) of them, e.g. (300, 10) -> 0, 2, 4, 7, 13, 24, 45, 84, 159, 300."""
    if frames == 1:
        return [last]
    chosen = [0]
    for i in range(1, frames):
        target = round(last ** (i / (frames - 1)))
        room = last - (frames - 1 - i)            # leave one step for each later frame
        value = min(max(target, chosen[-1] + 1), room)
        if value > chosen[-1]:
            chosen.append(value)
    return chosen


# The Playground paints its planes at alpha 160/255 over white, its points in full colour.
PLAYGROUND_PLANE_LIGHTEN = 1 - 160 / 255


def playground_heatmap(values, radius, colours, points, labels, rim, title):
    """The Playground's output picture: `values` (float [rows, cols], row 0 at the top) over
    the square -radius..radius of the plane, and the points (float [n, 2]) coloured by their
    `labels` (float [n]) on the same scale `colours` (-1, 0, +1), each with a `rim` (the
    Playground's: white for training points, black for test points). Returns the figure."""
    fig, ax = new(4.3, 4.0)
    image = heatmap(ax, values, (-radius, radius) * 2,
                    colour_scale(colours, lighten=PLAYGROUND_PLANE_LIGHTEN), points=points,
                    point_values=labels, edgecolor=rim, point_cmap=colour_scale(colours))
    fig.colorbar(image, ax=ax, ticks=[-1, 0, 1], fraction=0.046, pad=0.04)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title(title, fontsize=9)
    return fig


def playground_network(maps, weights, labels, colours, title):
    """The middle of the Playground's page: a thumbnail of each neuron's output over the
    plane, in columns from the input features to the output, joined by one line per weight
    (coloured by its sign on `colours`' scale, wider when larger).

    maps: [float [rows, cols, neurons]] per column (the features, each hidden layer, the
      output), values in -1..1 on the scale `colours`; weights: [float [neurons of column c,
      neurons of column c + 1]] per layer; labels: the features' names. Returns the figure.
    """
    import numpy as np
    plane, full = colour_scale(colours, lighten=PLAYGROUND_PLANE_LIGHTEN), colour_scale(colours)
    size, down, across = 1.0, 1.25, 1.7         # thumbnail, row and column spacing
    rows = max(m.shape[2] for m in maps)
    wide, high = (len(maps) - 1) * across + size + 0.8, rows * down + 0.45
    fig, ax = new(0.7 * wide, 0.7 * high + 0.3)     # inches: 0.7 per thumbnail
    middles = []                                    # the y of each neuron's centre
    for c, column in enumerate(maps):
        x = c * across
        middles.append([i * down + size / 2 for i in range(column.shape[2])])
        for i in range(column.shape[2]):
            ax.imshow(column[:, :, i], extent=(x, x + size, i * down + size, i * down),
                      cmap=plane, vmin=-1, vmax=1, zorder=2)
        header = "features" if c == 0 else "output" if c == len(maps) - 1 else f"hidden_{c}"
        ax.text(x + size / 2, -0.12, header, ha="center", va="bottom", fontsize=8)
    for label, y in zip(labels, middles[0]):
        ax.text(-0.08, y, label, ha="right", va="center", fontsize=8)
    for c, w in enumerate(weights):
        for i, j in np.ndindex(*w.shape):
            ax.plot([c * across + size, (c + 1) * across], [middles[c][i], middles[c + 1][j]],
                    color=full((np.clip(w[i, j], -1, 1) + 1) / 2),
                    linewidth=0.4 + 2.6 * min(abs(w[i, j]), 5) / 5, zorder=1)
    ax.set_xlim(-0.75, wide - 0.75)
    ax.set_ylim(high - 0.45, -0.45)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=9)
    return fig
