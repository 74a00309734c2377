"""A mistake learners make: the convolutions without the 2x2 max-pool that ends the block."""

from tfgraph import tf

# The slide's VGGNet16, top to bottom (lesson going_deep's VGG16 list). The slide's text says
# fc 4096 a third time; the published network ends in fc 1000, one unit per ImageNet class.
VGG16 = [("conv", 64), ("conv", 64), ("pool", 2),
         ("conv", 128), ("conv", 128), ("pool", 2),
         ("conv", 256), ("conv", 256), ("conv", 256), ("pool", 2),
         ("conv", 512), ("conv", 512), ("conv", 512), ("pool", 2),
         ("conv", 512), ("conv", 512), ("conv", 512), ("pool", 2),
         ("fc", 4096), ("fc", 4096), ("fc", 1000)]


def vgg_block(x, filters, convs):
    h = x
    for i in range(1, convs + 1):
        with tf.compat.v1.variable_scope(f"conv{i}"):
            weights = tf.compat.v1.get_variable("weights", [3, 3, h.shape[-1], filters])
            biases = tf.compat.v1.get_variable("biases", [filters],
                                               initializer=tf.compat.v1.zeros_initializer())
            h = tf.nn.relu(tf.nn.conv2d(h, weights, strides=1, padding="SAME") + biases)
    return h


def vgg16_parameters(layers=VGG16, image_shape=(224, 224, 3)):
    rows, cols, channels = image_shape
    inputs = None                 # the inputs of the next dense layer, once there is one
    total = 0
    for kind, n in layers:
        if kind == "conv":        # one 3x3 x channels filter per output channel, and a bias
            total += 3 * 3 * channels * n + n
            channels = n
        elif kind == "pool":      # no weights: only the image's size changes
            rows, cols = rows // n, cols // n
        else:                     # fc: every input to every unit, and a bias per unit
            inputs = rows * cols * channels if inputs is None else inputs
            total += inputs * n + n
            inputs = n
    return total
