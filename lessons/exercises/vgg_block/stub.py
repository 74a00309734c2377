"""Exercise vgg_block — lesson going_deep ("Going Deep", "VGGNet16").

The slide's VGGNet16 is five blocks of the same pattern: a few 3x3 convolutions that keep the
image's size ("SAME" padding: zeros around the border), each with a ReLU, then a 2x2
max-pool ("pool/2") that halves rows and columns; then three dense layers. Lesson going_deep
builds it with tfgraph.layers.conv2d and max_pool; here you write what they hide.

1. Write `vgg_block(x, filters, convs)`:
       x: float32 [batch, rows, cols, channels], images (a placeholder [None, rows, cols,
          channels]; rows and cols even)
       filters: int, the channels of every convolution's output
       convs: int, how many 3x3 convolutions (VGG16: 2 in the first two blocks, then 3)
       returns: float32 [batch, rows / 2, cols / 2, filters]
   Each convolution: weights [3, 3, channels in, filters] and biases [filters] from
   tf.compat.v1.get_variable (one tf.compat.v1.variable_scope per convolution), then
   tf.nn.conv2d(h, weights, strides=1, padding=...) + biases and tf.nn.relu; after the
   last one, tf.nn.max_pool2d. Not tfgraph.layers.

2. Write `vgg16_parameters(layers=VGG16, image_shape=(224, 224, 3))`: the number of weights
   and biases of the network in `layers` for images of `image_shape` (rows, cols, channels),
   computed from the list, as an int. For VGG16 it is 138,357,544, the published count.
   Every ("conv", n) is a 3x3 convolution with n filters, ("pool", 2) halves rows and
   columns, ("fc", n) a dense layer of n units, the first on the flattened image. The check
   also gives it other lists (VGG19's, a tiny one): count, don't type the number in.

Check it:   python -m lessons.exercises check vgg_block
"""

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
    raise NotImplementedError


def vgg16_parameters(layers=VGG16, image_shape=(224, 224, 3)):
    raise NotImplementedError
