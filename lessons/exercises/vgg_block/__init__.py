"""A VGG block (3x3 SAME convolutions with ReLU, then a 2x2 max-pool) and VGG16's parameter
count from the slide's list (lesson going_deep)."""

import itertools

import numpy as np

from lessons.exercises import Hint
from lessons.exercises.graphs import Built, must_be_tensor, run_or_hint
from tfgraph import new_graph, tf

TASK = "a VGG block (3x3 SAME convolutions, ReLU, 2x2 max-pool) and VGG16's parameter count"
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
    return ", ".join(f"{v.op.name} {v.shape.as_list()}" for v in variables) or "none"


def _must_have_block_shape(value, x, filters, convs):
    batch, rows, cols, channels = x.shape
    need = (batch, rows // 2, cols // 2, filters)
    shape = tuple(np.shape(value))
    if shape == need:
        return
    fed = f" for x {list(x.shape)}, filters {filters}, convs {convs}"
    message = f"`block` has shape {list(shape)}{fed}; it needs {list(need)}"
    valid = (rows - 2 * convs, cols - 2 * convs)
    if shape == (batch, rows, cols, filters):
        message += (": the block ends in a 2x2 max-pool (pool/2) that halves the rows and "
                    "columns: tf.nn.max_pool2d(h, ksize=2, strides=2, padding=\"VALID\")")
    elif shape in ((batch, valid[0] // 2, valid[1] // 2, filters), (batch, *valid, filters)):
        message += (f": each 3x3 convolution with padding \"VALID\" loses 2 rows and 2 columns "
                    f"({convs} convolutions: {rows}x{cols} -> {valid[0]}x{valid[1]}); "
                    f"padding=\"SAME\" adds zeros around the border and keeps {rows}x{cols}")
    elif shape[:3] == need[:3]:
        message += f": the last axis is the channels, one per filter ({filters})"
    raise Hint(message)


def check_block_output_shape(learner):
    for shape, filters, convs in BLOCKS:
        built, x = _block(learner, shape, filters, convs)
        value = run_or_hint(built, x, what="vgg_block", fed=f" for x {list(shape)}")
        _must_have_block_shape(value, x, filters, convs)


def check_block_parameter_count(learner):
    for shape, filters, convs in BLOCKS:
        built, _ = _block(learner, shape, filters, convs)
        channels = [shape[-1]] + [filters] * convs            # in, then out of each conv
        parts = []
        for i in range(convs):
            parts += [(f"conv {i + 1}'s weights", [3, 3, channels[i], filters]),
                      (f"conv {i + 1}'s biases", [filters])]
        have = sum(v.shape.num_elements() or 0 for v in _trainable(built))
        need = sum(int(np.prod(s)) for _, s in parts)
        if have == need:
            continue
        formula = " + ".join(f"(3·3·{channels[i]}·{filters} + {filters})" for i in range(convs))
        message = (f"the block has {have:,} trainable parameters for x {list(shape)} "
                   f"({shape[-1]} channels), filters {filters}, convs {convs}; it needs "
                   f"{need:,} = {formula}: each convolution has weights [3, 3, channels in, "
                   f"filters] and one bias per filter, and from the second on it takes "
                   f"{filters} channels in")
        sizes = [(what, s, int(np.prod(s))) for what, s in parts]
        for k in range(1, len(sizes) + 1):      # the fewest parts that explain the difference
            subset = next((c for c in itertools.combinations(sizes, k)
                           if sum(size for *_, size in c) == need - have), None)
            if subset:
                message += f"; missing exactly {', '.join(f'{w} {s}' for w, s, _ in subset)}"
                break
        raise Hint(f"{message} (yours: {_shapes(_trainable(built))})")


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
    value = run_or_hint(built, x, what="vgg_block", fed=f" for x {list(shape)}")
    _must_have_block_shape(value, x, filters, convs)
    # Every variable set to random values (biases too), then the block's weights and
    # biases found by their shapes, in the order they were made.
    rng, variables, values = np.random.default_rng(12), _trainable(built), {}
    with built.graph.as_default():
        for v in variables:
            values[v.name] = rng.normal(0, 0.5, v.shape.as_list()).astype(np.float32)
        assigns = [tf.compat.v1.assign(v, values[v.name]) for v in variables]
    run_or_hint(built, x, fetch=assigns, what="the assignment of your variables")
    channels, convolutions = shape[-1], []
    for i in range(convs):
        pair = []
        for what, need in (("weights", [3, 3, channels, filters]), ("biases", [filters])):
            match = next((v for v in variables if v.shape.as_list() == need
                          and all(v is not p for c in convolutions for p in c)), None)
            if match is None:
                raise Hint(f"no trainable variable of shape {need} (conv {i + 1}'s {what}) "
                           f"for x {list(shape)}, filters {filters}; yours: {_shapes(variables)}")
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
    value = run_or_hint(built, x, what="vgg_block", fed=f" for x {list(shape)}")
    if np.allclose(value, expected, rtol=1e-4, atol=1e-4):
        return
    if np.allclose(value, through(lambda z: z, _pool), rtol=1e-4, atol=1e-4):
        why = "no ReLU: each convolution's output goes through tf.nn.relu"
    elif np.allclose(value, through(relu, lambda h: _pool(h, np.mean)), rtol=1e-4, atol=1e-4):
        why = "the pool takes each 2x2 window's largest value (max), not its mean"
    else:
        why = ("compare with that recipe: conv (3x3, stride 1, SAME) + bias, ReLU, as many "
               "times as `convs`, then the 2x2 max-pool")
    worst = np.unravel_index(np.argmax(np.abs(value - expected)), value.shape)
    raise Hint(f"`block` is {value[worst]:.6g} at {list(map(int, worst))} for x "
               f"{list(shape)} with random weights; numpy's convolutions, ReLU and "
               f"max-pool from your variables give {expected[worst]:.6g}: {why}")


def _count(learner, *args):
    with new_graph(0).as_default():    # (if it builds VGG16 to count: in a graph of its own)
        value = learner.vgg16_parameters(*args)
    if isinstance(value, (tf.Tensor, tf.Variable)) or not np.isscalar(value) \
            or int(value) != value:
        raise Hint(f"`vgg16_parameters` returned {value!r}; it should return an int, the count")
    return int(value)


def check_vgg16_parameters(learner):
    value = _count(learner)
    if value == VGG16_PARAMETERS:
        return
    message = f"vgg16_parameters() is {value:,}; VGG16 has {VGG16_PARAMETERS:,}"
    if value == VGG16_PARAMETERS - VGG16_BIASES:
        raise Hint(f"{message}, {VGG16_BIASES:,} more: the biases, one bias per filter of "
                   f"each conv layer and one per unit of each fc layer")
    raise Hint(f"{message}: {VGG16_CONV_PARAMETERS:,} in the 13 conv layers (3·3·c_in·filters "
               f"+ filters each), {VGG16_PARAMETERS - VGG16_CONV_PARAMETERS:,} in fc6, fc7 "
               f"and fc8; fc6 takes 7·7·512 = 25,088 inputs: five 2x2 pools take 224 to 7")


def check_counted_from_the_list(learner):
    lists = ((VGG19, IMAGE, VGG19_PARAMETERS, VGG19_BIASES, "VGG19's list", ""),
             (TINY, TINY_IMAGE, TINY_PARAMETERS, TINY_BIASES, f"the list {TINY}",
              ": conv 3·3·1·8 + 8 = 80, the pool leaves 2x2x8, fc 2·2·8·10 + 10 = 330"))
    for layers, image, need, biases, name, parts in lists:
        value = _count(learner, layers, image)
        if value == need:
            continue
        message = (f"vgg16_parameters(layers, image_shape) is {value:,} for {name} on a "
                   f"{image[0]}x{image[1]}x{image[2]} image; it needs {need:,}")
        if value == need - biases:
            raise Hint(f"{message}, {biases:,} more: the biases, one bias per filter of each "
                       f"conv layer and one per unit of each fc layer")
        if value == VGG16_PARAMETERS:
            raise Hint(f"{message}: yours gives VGG16's count for every list; compute it from "
                       f"the `layers` and `image_shape` it is given")
        raise Hint(f"{message}{parts}")
