import keras

# VGG-16 laid out as torchvision's (configuration "D" of Simonyan and Zisserman 2014,
# without batch normalisation): 13 3x3 convs in five blocks, then three dense layers.
# The adaptive average pool makes the classifier's input 7 x 7 x 512 whatever the image
# size, so a 112x112 input has the same parameters as the usual 224x224 and runs faster.
INPUT_SIZE = 112

# Output channels of each 3x3 conv; "M" is a 2x2 max pool that halves the image.
CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]

keras.utils.set_random_seed(0)

inputs = keras.Input(shape=(INPUT_SIZE, INPUT_SIZE, 3))  # channels-last: (H, W, C)
x = inputs
# Layers are named after the matching PyTorch module. In PyTorch's `features` a conv
# and its ReLU are two entries (features.0, features.1), so the index steps by 2 after
# a conv, whose ReLU Keras folds into the layer, and by 1 after a pool.
index = 0
for v in CFG:
    name = f"features.{index}"
    if v == "M":
        x = keras.layers.MaxPooling2D(2, name=name)(x)
        index += 1
    else:
        # Stride 1 and a 3x3 kernel: "same" pads 1 on every side, like padding=1.
        x = keras.layers.Conv2D(v, 3, padding="same", activation="relu", name=name)(x)
        index += 2
x = keras.layers.AdaptiveAveragePooling2D((7, 7), name="avgpool")(x)
# Flattens (H, W, C), PyTorch (C, H, W): same 25,088 features, in another order, so
# classifier.0's weight rows must be reordered when weights move between the two.
x = keras.layers.Flatten()(x)
x = keras.layers.Dense(4096, activation="relu", name="classifier.0")(x)
x = keras.layers.Dropout(0.5)(x)
x = keras.layers.Dense(4096, activation="relu", name="classifier.3")(x)
x = keras.layers.Dropout(0.5)(x)
outputs = keras.layers.Dense(1000, name="classifier.6")(x)
model = keras.Model(inputs, outputs, name="vgg16")

SHOWN = (
    keras.layers.Conv2D,
    keras.layers.MaxPooling2D,
    keras.layers.AdaptiveAveragePooling2D,
    keras.layers.Dense,
)
print(f"{'layer':<14}{'output shape':<22}{'parameters':>12}")
for layer in model.layers:
    if isinstance(layer, SHOWN):
        shape = str(layer.output.shape)
        print(f"{layer.name:<14}{shape:<22}{layer.count_params():>12,}")

images = keras.random.uniform((1, INPUT_SIZE, INPUT_SIZE, 3), seed=0)
output_shape = tuple(model(images).shape)  # dropout is off outside training
parameter_count = model.count_params()
print(f"parameters: {parameter_count:,}")
