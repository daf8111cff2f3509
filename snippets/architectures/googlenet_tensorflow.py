import math

import keras

# GoogLeNet (Inception v1, Szegedy et al. 2014) laid out as torchvision's: batch norm after
# every conv (which the paper predates), no auxiliary classifiers, and branch3 with a 3x3
# conv where the paper has 5x5 (a known torchvision quirk, kept for its 6,624,904 weights).
# The network ends in a global average pool, so a 112x112 input has the same parameters
# as the usual 224x224 and runs faster.
INPUT_SIZE = 112

keras.utils.set_random_seed(0)


def basic_conv(x, filters, kernel_size, name, strides=1, padding=0):
    """Conv (no bias: the batch norm's shift replaces it), batch norm, ReLU.

    Layers are named like the PyTorch modules they match: name.conv and name.bn.
    """
    if padding:
        # PyTorch's padding=p pads p on every side; "same" with stride 2 would not.
        x = keras.layers.ZeroPadding2D(padding, name=f"{name}.pad")(x)
    x = keras.layers.Conv2D(filters, kernel_size, strides, use_bias=False, name=f"{name}.conv")(x)
    # torchvision's eps=0.001 (Keras's default, by chance); momentum 0.9 is PyTorch's 0.1.
    x = keras.layers.BatchNormalization(epsilon=0.001, momentum=0.9, name=f"{name}.bn")(x)
    return keras.layers.ReLU(name=f"{name}.relu")(x)


def max_pool_ceil(x, pool_size, strides, name):
    """MaxPool2d(ceil_mode=True): pad the bottom and right so a last, partial window fits.

    Zeros are safe padding here only because the inputs come out of a ReLU (>= 0).
    """
    size = x.shape[1]  # square feature maps
    out = math.ceil((size - pool_size) / strides) + 1
    extra = (out - 1) * strides + pool_size - size
    if extra:
        x = keras.layers.ZeroPadding2D(((0, extra), (0, extra)), name=f"{name}.pad")(x)
    return keras.layers.MaxPooling2D(pool_size, strides, name=name)(x)


def inception(x, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj, name):
    """Four parallel branches whose outputs are stacked along the channels."""
    branch1 = basic_conv(x, ch1x1, 1, f"{name}.branch1")
    branch2 = basic_conv(x, ch3x3red, 1, f"{name}.branch2.0")
    branch2 = basic_conv(branch2, ch3x3, 3, f"{name}.branch2.1", padding=1)
    branch3 = basic_conv(x, ch5x5red, 1, f"{name}.branch3.0")
    branch3 = basic_conv(branch3, ch5x5, 3, f"{name}.branch3.1", padding=1)  # 5x5 in the paper
    # Stride 1: "same" pads 1 on every side, and max pooling ignores the padding.
    branch4 = keras.layers.MaxPooling2D(3, 1, padding="same", name=f"{name}.branch4.0")(x)
    branch4 = basic_conv(branch4, pool_proj, 1, f"{name}.branch4.1")
    # Channels are the last axis in Keras (dim=1 in PyTorch).
    return keras.layers.Concatenate(name=f"{name}.cat")([branch1, branch2, branch3, branch4])


inputs = keras.Input(shape=(INPUT_SIZE, INPUT_SIZE, 3))  # channels-last: (H, W, C)
x = basic_conv(inputs, 64, 7, "conv1", strides=2, padding=3)
x = max_pool_ceil(x, 3, 2, "maxpool1")
x = basic_conv(x, 64, 1, "conv2")
x = basic_conv(x, 192, 3, "conv3", padding=1)
x = max_pool_ceil(x, 3, 2, "maxpool2")

x = inception(x, 64, 96, 128, 16, 32, 32, "inception3a")
x = inception(x, 128, 128, 192, 32, 96, 64, "inception3b")
x = max_pool_ceil(x, 3, 2, "maxpool3")

x = inception(x, 192, 96, 208, 16, 48, 64, "inception4a")
x = inception(x, 160, 112, 224, 24, 64, 64, "inception4b")
x = inception(x, 128, 128, 256, 24, 64, 64, "inception4c")
x = inception(x, 112, 144, 288, 32, 64, 64, "inception4d")
x = inception(x, 256, 160, 320, 32, 128, 128, "inception4e")
x = max_pool_ceil(x, 2, 2, "maxpool4")

x = inception(x, 256, 160, 320, 32, 128, 128, "inception5a")
x = inception(x, 384, 192, 384, 48, 128, 128, "inception5b")

# AdaptiveAvgPool2d((1, 1)) and flatten in one layer. A 1x1 map flattens to the same
# order in (C, H, W) and (H, W, C), so fc's rows need no reordering between frameworks.
x = keras.layers.GlobalAveragePooling2D(name="avgpool")(x)
x = keras.layers.Dropout(0.2, name="dropout")(x)
outputs = keras.layers.Dense(1000, name="fc")(x)
model = keras.Model(inputs, outputs, name="googlenet")


def trainable_count(layer):
    # count_params() would add batch norm's moving mean and variance (non-trainable
    # weights in Keras, buffers in PyTorch): count what training updates.
    return sum(math.prod(w.shape) for w in layer.trainable_weights)


# One row per top-level block, grouping layers by the first part of their name.
rows = {}
for layer in model.layers[1:]:  # skip the Input
    block = layer.name.split(".")[0]
    count = rows.get(block, (None, 0))[1] + trainable_count(layer)
    rows[block] = (layer.output.shape, count)  # a block's last layer gives its output

print(f"{'block':<14}{'output shape':<22}{'parameters':>12}")
for block, (shape, count) in rows.items():
    print(f"{block:<14}{shape!s:<22}{count:>12,}")

images = keras.random.uniform((1, INPUT_SIZE, INPUT_SIZE, 3), seed=0)
output_shape = tuple(model(images).shape)  # dropout is off outside training
parameter_count = trainable_count(model)
print(f"parameters: {parameter_count:,}")
