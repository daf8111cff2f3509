import math

import keras

# ResNet-18 laid out as torchvision's (He et al. 2015): a 7x7 stem, then four stages of
# two basic blocks each, where every block adds its input back to its output.
# The network ends in a global average pool, so a 112x112 input has the same parameters
# as the usual 224x224 and runs faster.
INPUT_SIZE = 112

keras.utils.set_random_seed(0)


def conv_bn(x, filters, kernel_size, strides, name, bn_name):
    """A bias-free conv (the batch norm has its own shift) and its batch norm."""
    if kernel_size > 1:
        # PyTorch's padding=k//2 pads every side alike; "same" with stride 2 pads what
        # the stride needs, more at the bottom and right, and shifts every window.
        x = keras.layers.ZeroPadding2D(kernel_size // 2, name=f"{name}.pad")(x)
    x = keras.layers.Conv2D(filters, kernel_size, strides, use_bias=False, name=name)(x)
    # PyTorch's BatchNorm2d defaults: eps 1e-5, momentum 0.1 (Keras counts it as 0.9).
    return keras.layers.BatchNormalization(epsilon=1e-5, momentum=0.9, name=bn_name)(x)


def basic_block(x, planes, strides, name):
    """Two 3x3 convs and a shortcut: relu(bn2(conv2(relu(bn1(conv1(x))))) + x).

    Layers are named like the PyTorch modules they match: name.conv1, name.bn1, ...
    """
    out = conv_bn(x, planes, 3, strides, f"{name}.conv1", f"{name}.bn1")
    out = keras.layers.ReLU(name=f"{name}.relu1")(out)
    out = conv_bn(out, planes, 3, 1, f"{name}.conv2", f"{name}.bn2")
    identity = x
    if strides != 1 or x.shape[-1] != planes:
        # A 1x1 conv (with the block's stride) and a batch norm, where the shape changes.
        identity = conv_bn(x, planes, 1, strides, f"{name}.downsample.0", f"{name}.downsample.1")
    out = keras.layers.Add(name=f"{name}.add")([out, identity])
    return keras.layers.ReLU(name=f"{name}.relu2")(out)


inputs = keras.Input(shape=(INPUT_SIZE, INPUT_SIZE, 3))  # channels-last: (H, W, C)
x = conv_bn(inputs, 64, 7, 2, "conv1", "bn1")
x = keras.layers.ReLU(name="relu")(x)
# MaxPool2d(3, 2, padding=1): PyTorch pads with -inf; zeros act the same after a ReLU.
x = keras.layers.ZeroPadding2D(1, name="maxpool.pad")(x)
x = keras.layers.MaxPooling2D(3, 2, name="maxpool")(x)
for stage, (planes, blocks) in enumerate([(64, 2), (128, 2), (256, 2), (512, 2)], start=1):
    for index in range(blocks):
        strides = 2 if stage > 1 and index == 0 else 1  # each stage after the first halves
        x = basic_block(x, planes, strides, f"layer{stage}.{index}")
# AdaptiveAvgPool2d((1, 1)) and flatten in one layer. A 1x1 map flattens to the same
# order in (C, H, W) and (H, W, C), so fc's rows need no reordering between frameworks.
x = keras.layers.GlobalAveragePooling2D(name="avgpool")(x)
outputs = keras.layers.Dense(1000, name="fc")(x)
model = keras.Model(inputs, outputs, name="resnet18")


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
output_shape = tuple(model(images).shape)
parameter_count = trainable_count(model)
print(f"parameters: {parameter_count:,}")
