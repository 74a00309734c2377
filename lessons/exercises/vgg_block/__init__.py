"""A VGG block (3x3 SAME convolutions with ReLU, then a 2x2 max-pool) and VGG16's parameter
count from the slide's list (lesson going_deep)."""

import itertools

import numpy as np

from lessons.exercises import Hint
from lessons.exercises.graphs import Built, must_be_tensor, run_or_hint
from tfgraph import new_graph, tf
from tfgraph.support.i18n import N_, _, number

TASK = N_("a VGG block (3x3 SAME convolutions, ReLU, 2x2 max-pool) and VGG16's parameter count")
MISTAKES = {
    "mistake_no_pool": "2x2 max-pool",
    "mistake_valid_padding": 'padding="SAME"',
    "mistake_count_without_biases": "one bias per",
}

# (x's shape, filters, convs) -> the block's output shape
BLOCKS = [((2, 8, 8, 3), 4, 2), ((1, 6, 10, 5), 3, 3)]
_RNG = np.random.default_rng(11)

# The lists the counts are checked on, and their published parameter counts (Simonyan and
# Zisserman 2014: VGG16 is configuration D, VGG19 is E).
CONV, POOL = "conv", "pool"
VGG16 = ([(CONV, 64)] * 2 + [(POOL, 2)] + [(CONV, 128)] * 2 + [(POOL, 2)] + [(CONV, 256)] * 3
         + [(POOL, 2)] + [(CONV, 512)] * 3 + [(POOL, 2)] + [(CONV, 512)] * 3 + [(POOL, 2)]
         + [("fc", 4096), ("fc", 4096), ("fc", 1000)])
VGG19 = ([(CONV, 64)] * 2 + [(POOL, 2)] + [(CONV, 128)] * 2 + [(POOL, 2)] + [(CONV, 256)] * 4
         + [(POOL, 2)] + [(CONV, 512)] * 4 + [(POOL, 2)] + [(CONV, 512)] * 4 + [(POOL, 2)]
         + [("fc", 4096), ("fc", 4096), ("fc", 1000)])
IMAGE = (224, 224, 3)
VGG16_PARAMETERS = 138_357_544
VGG19_PARAMETERS = 143_667_240
VGG16_BIASES = 13_416                  # 64 + 64 + 128 + ... + 4096 + 4096 + 1000
VGG16_CONV_PARAMETERS = 14_714_688     # the 13 conv layers; fc6, fc7, fc8 hold the rest
TINY = [(CONV, 8), (POOL, 2), ("fc", 10)]   # on a 4x4 grey image: 9·8 + 8, then 2·2·8·10 + 10
TINY_IMAGE, TINY_PARAMETERS = (4, 4, 1), 410
VGG19_BIASES, TINY_BIASES = 14_696, 18   # one per filter or unit: 64 + 64 + ... + 1000; 8 + 10


def _block(learner, shape, filters, convs):
    x = _RNG.uniform(-1, 1, shape).astype(np.float32)
    built = Built(lambda images: learner.vgg_block(images, filters, convs), x, names=["x"])
    must_be_tensor(built.output, "vgg_block")
    return built, x


def _trainable(built):
    return built.graph.get_collection(tf.compat.v1.GraphKeys.TRAINABLE_VARIABLES)


def _shapes(variables):
    return ", ".join(f"{v.op.name} {v.shape.as_list()}" for v in variables) or _("none")


def _must_have_block_shape(value, x, filters, convs):
    batch, rows, cols, channels = x.shape
    need = (batch, rows // 2, cols // 2, filters)
    shape = tuple(np.shape(value))
    if shape == need:
        return
    fed = _(" for x {shape}, filters {filters}, convs {convs}").format(
        shape=list(x.shape), filters=filters, convs=convs)
    message = _("`block` has shape {shape}{fed}; it needs {need}").format(
        shape=list(shape), fed=fed, need=list(need))
    valid = (rows - 2 * convs, cols - 2 * convs)
    if shape == (batch, rows, cols, filters):
        message += _(": the block ends in a 2x2 max-pool (pool/2) that halves the rows and "
                     "columns: tf.nn.max_pool2d(h, ksize=2, strides=2, padding=\"VALID\")")
    elif shape in ((batch, valid[0] // 2, valid[1] // 2, filters), (batch, *valid, filters)):
        message += _(": each 3x3 convolution with padding \"VALID\" loses 2 rows and 2 columns "
                     "({convs} convolutions: {rows}x{cols} -> {valid_rows}x{valid_cols}); "
                     "padding=\"SAME\" adds zeros around the border and keeps "
                     "{rows}x{cols}").format(convs=convs, rows=rows, cols=cols,
                                             valid_rows=valid[0], valid_cols=valid[1])
    elif shape[:3] == need[:3]:
        message += _(": the last axis is the channels, one per filter ({filters})").format(
            filters=filters)
    raise Hint(message)


def check_block_output_shape(learner):
    for shape, filters, convs in BLOCKS:
        built, x = _block(learner, shape, filters, convs)
        value = run_or_hint(built, x, what="vgg_block", fed=_for_x(shape))
        _must_have_block_shape(value, x, filters, convs)


def _for_x(shape):
    return _(" for x {shape}").format(shape=list(shape))


def check_block_parameter_count(learner):
    for shape, filters, convs in BLOCKS:
        built, _x = _block(learner, shape, filters, convs)
        channels = [shape[-1]] + [filters] * convs            # in, then out of each conv
        parts = []
        for i in range(convs):
            parts += [(_("conv {n}'s weights").format(n=i + 1), [3, 3, channels[i], filters]),
                      (_("conv {n}'s biases").format(n=i + 1), [filters])]
        have = sum(v.shape.num_elements() or 0 for v in _trainable(built))
        need = sum(int(np.prod(s)) for _what, s in parts)
        if have == need:
            continue
        formula = " + ".join(f"(3·3·{channels[i]}·{filters} + {filters})" for i in range(convs))
        message = _("the block has {have} trainable parameters for x {shape} ({channels} "
                    "channels), filters {filters}, convs {convs}; it needs {need} = {formula}: "
                    "each convolution has weights [3, 3, channels in, filters] and one bias per "
                    "filter, and from the second on it takes {filters} channels in").format(
            have=number(have, ","), shape=list(shape), channels=shape[-1], filters=filters,
            convs=convs, need=number(need, ","), formula=formula)
        sizes = [(what, s, int(np.prod(s))) for what, s in parts]
        for k in range(1, len(sizes) + 1):      # the fewest parts that explain the difference
            subset = next((c for c in itertools.combinations(sizes, k)
                           if sum(size for *_rest, size in c) == need - have), None)
            if subset:
                message += _("; missing exactly {names}").format(
                    names=", ".join(f"{w} {s}" for w, s, _size in subset))
                break
        raise Hint(_("{message} (yours: {yours})").format(message=message,
                                                          yours=_shapes(_trainable(built))))


def _conv_same(x, w, b):
    """numpy: a 3x3 convolution, stride 1, zeros around the border (SAME), plus b."""
    n, rows, cols, _ = x.shape
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    out = np.zeros((n, rows, cols, w.shape[-1]))
    for i, j in itertools.product(range(3), range(3)):
        out += padded[:, i:i + rows, j:j + cols, :] @ w[i, j]
    return out + b


def _pool(h, reduce=np.max):
    n, rows, cols, c = h.shape
    h = h[:, :rows // 2 * 2, :cols // 2 * 2]
    return reduce(h.reshape(n, rows // 2, 2, cols // 2, 2, c), axis=(2, 4))


def check_block_values_match_numpy(learner):
    shape, filters, convs = (2, 6, 6, 2), 3, 2
    built, x = _block(learner, shape, filters, convs)
    value = run_or_hint(built, x, what="vgg_block", fed=_for_x(shape))
    _must_have_block_shape(value, x, filters, convs)
    # Every variable set to random values (biases too), then the block's weights and
    # biases found by their shapes, in the order they were made.
    rng, variables, values = np.random.default_rng(12), _trainable(built), {}
    with built.graph.as_default():
        for v in variables:
            values[v.name] = rng.normal(0, 0.5, v.shape.as_list()).astype(np.float32)
        assigns = [tf.compat.v1.assign(v, values[v.name]) for v in variables]
    run_or_hint(built, x, fetch=assigns, what=_("the assignment of your variables"))
    channels, convolutions = shape[-1], []
    for i in range(convs):
        pair = []
        for what, need in (("weights", [3, 3, channels, filters]), ("biases", [filters])):
            match = next((v for v in variables if v.shape.as_list() == need
                          and all(v is not p for c in convolutions for p in c)), None)
            if match is None:
                part = (_("conv {n}'s weights") if what == "weights" else
                        _("conv {n}'s biases")).format(n=i + 1)
                raise Hint(_("no trainable variable of shape {need} ({part}) for x {shape}, "
                             "filters {filters}; yours: {yours}").format(
                    need=need, part=part, shape=list(shape), filters=filters,
                    yours=_shapes(variables)))
            pair.append(match)
        convolutions.append(pair)
        channels = filters

    def through(relu, pool):
        h = x.astype(np.float64)
        for w, b in convolutions:
            h = relu(_conv_same(h, values[w.name], values[b.name]))
        return pool(h)

    def relu(z):
        return np.maximum(z, 0.0)

    expected = through(relu, _pool)
    value = run_or_hint(built, x, what="vgg_block", fed=_for_x(shape))
    if np.allclose(value, expected, rtol=1e-4, atol=1e-4):
        return
    if np.allclose(value, through(lambda z: z, _pool), rtol=1e-4, atol=1e-4):
        why = _("no ReLU: each convolution's output goes through tf.nn.relu")
    elif np.allclose(value, through(relu, lambda h: _pool(h, np.mean)), rtol=1e-4, atol=1e-4):
        why = _("the pool takes each 2x2 window's largest value (max), not its mean")
    else:
        why = _("compare with that recipe: conv (3x3, stride 1, SAME) + bias, ReLU, as many "
                "times as `convs`, then the 2x2 max-pool")
    worst = np.unravel_index(np.argmax(np.abs(value - expected)), value.shape)
    raise Hint(_("`block` is {got} at {index} for x {shape} with random weights; numpy's "
                 "convolutions, ReLU and max-pool from your variables give {want}: {why}").format(
        got=number(value[worst], ".6g"), index=list(map(int, worst)), shape=list(shape),
        want=number(expected[worst], ".6g"), why=why))


def _count(learner, *args):
    with new_graph(0).as_default():    # (if it builds VGG16 to count: in a graph of its own)
        value = learner.vgg16_parameters(*args)
    if isinstance(value, (tf.Tensor, tf.Variable)) or not np.isscalar(value) \
            or int(value) != value:
        raise Hint(_("`vgg16_parameters` returned {value!r}; it should return an int, the "
                     "count").format(value=value))
    return int(value)


def check_vgg16_parameters(learner):
    value = _count(learner)
    if value == VGG16_PARAMETERS:
        return
    message = _("vgg16_parameters() is {value}; VGG16 has {need}").format(
        value=number(value, ","), need=number(VGG16_PARAMETERS, ","))
    if value == VGG16_PARAMETERS - VGG16_BIASES:
        raise Hint(message + _(", {biases} more: the biases, one bias per filter of each conv "
                               "layer and one per unit of each fc layer").format(
            biases=number(VGG16_BIASES, ",")))
    raise Hint(message + _(": {conv} in the 13 conv layers (3·3·c_in·filters + filters each), "
                           "{fc} in fc6, fc7 and fc8; fc6 takes 7·7·512 = {inputs} inputs: five "
                           "2x2 pools take 224 to 7").format(
        conv=number(VGG16_CONV_PARAMETERS, ","),
        fc=number(VGG16_PARAMETERS - VGG16_CONV_PARAMETERS, ","), inputs=number(25088, ",")))


def check_counted_from_the_list(learner):
    lists = ((VGG19, IMAGE, VGG19_PARAMETERS, VGG19_BIASES, _("VGG19's list"), ""),
             (TINY, TINY_IMAGE, TINY_PARAMETERS, TINY_BIASES,
              _("the list {layers}").format(layers=TINY),
              _(": conv 3·3·1·8 + 8 = 80, the pool leaves 2x2x8, fc 2·2·8·10 + 10 = 330")))
    for layers, image, need, biases, name, parts in lists:
        value = _count(learner, layers, image)
        if value == need:
            continue
        message = _("vgg16_parameters(layers, image_shape) is {value} for {name} on a {image} "
                    "image; it needs {need}").format(
            value=number(value, ","), name=name, image=f"{image[0]}x{image[1]}x{image[2]}",
            need=number(need, ","))
        if value == need - biases:
            raise Hint(message + _(", {biases} more: the biases, one bias per filter of each "
                                   "conv layer and one per unit of each fc layer").format(
                biases=number(biases, ",")))
        if value == VGG16_PARAMETERS:
            raise Hint(message + _(": yours gives VGG16's count for every list; compute it from "
                                   "the `layers` and `image_shape` it is given"))
        raise Hint(message + parts)
