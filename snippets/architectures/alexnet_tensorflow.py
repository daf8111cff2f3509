import keras

# AlexNet laid out as torchvision's (the one-GPU variant of Krizhevsky et al. 2012, with
# 64/192 filters in the first convs and no local response normalisation).
# The adaptive average pool makes the classifier's input 6 x 6 x 256 whatever the image
# size, so a 112x112 input has the same parameters as the usual 224x224 and runs faster.
INPUT_SIZE = 112

keras.utils.set_random_seed(0)

# Layers with weights carry the name of the matching PyTorch module; the pools do too,
# so the two layer tables line up.
inputs = keras.Input(shape=(INPUT_SIZE, INPUT_SIZE, 3))  # channels-last: (H, W, C)
# PyTorch's padding=2 pads 2 on every side. padding="same" with stride 4 would not: it
# pads by what the stride needs, more at the bottom and right (28x28 out here, not 27x27).
x = keras.layers.ZeroPadding2D(2)(inputs)
x = keras.layers.Conv2D(64, 11, strides=4, activation="relu", name="features.0")(x)
x = keras.layers.MaxPooling2D(3, strides=2, name="features.2")(x)
# Stride 1 and an odd kernel: "same" pads k // 2 on every side, as PyTorch does.
x = keras.layers.Conv2D(192, 5, padding="same", activation="relu", name="features.3")(x)
x = keras.layers.MaxPooling2D(3, strides=2, name="features.5")(x)
x = keras.layers.Conv2D(384, 3, padding="same", activation="relu", name="features.6")(x)
x = keras.layers.Conv2D(256, 3, padding="same", activation="relu", name="features.8")(x)
x = keras.layers.Conv2D(256, 3, padding="same", activation="relu", name="features.10")(x)
x = keras.layers.MaxPooling2D(3, strides=2, name="features.12")(x)
x = keras.layers.AdaptiveAveragePooling2D((6, 6), name="avgpool")(x)
# Flattens (H, W, C), PyTorch (C, H, W): same 9,216 features, in another order, so
# classifier.1's weight rows must be reordered when weights move between the two.
x = keras.layers.Flatten()(x)
x = keras.layers.Dropout(0.5)(x)
x = keras.layers.Dense(4096, activation="relu", name="classifier.1")(x)
x = keras.layers.Dropout(0.5)(x)
x = keras.layers.Dense(4096, activation="relu", name="classifier.4")(x)
outputs = keras.layers.Dense(1000, name="classifier.6")(x)
model = keras.Model(inputs, outputs, name="alexnet")

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
