import keras

# LeNet-5 in a modernised form, not the letter of LeCun et al. (1998): ReLU instead
# of the scaled tanh, max pooling instead of subsampling with a trained weight and bias
# per map, the second conv connected to all 6 maps instead of the paper's sparse table,
# and a linear output layer instead of RBF units. C5, a 5x5 conv over a 5x5 map, is the
# Dense(120) it is equivalent to.
INPUT_SIZE = 32  # 32x32 grey-scale images (MNIST's 28x28 digits padded by 2)

keras.utils.set_random_seed(0)

# Layers with weights carry the name of the matching PyTorch module (conv1, fc1, ...).
inputs = keras.Input(shape=(INPUT_SIZE, INPUT_SIZE, 1))  # channels-last: (H, W, C)
x = keras.layers.Conv2D(6, 5, activation="relu", name="conv1")(inputs)
x = keras.layers.MaxPooling2D(2, name="pool1")(x)
x = keras.layers.Conv2D(16, 5, activation="relu", name="conv2")(x)
x = keras.layers.MaxPooling2D(2, name="pool2")(x)
# Flattens (H, W, C), PyTorch (C, H, W): same 400 features, in another order, so fc1's
# weight rows must be reordered when weights move between the two.
x = keras.layers.Flatten()(x)
x = keras.layers.Dense(120, activation="relu", name="fc1")(x)
x = keras.layers.Dense(84, activation="relu", name="fc2")(x)
outputs = keras.layers.Dense(10, name="fc3")(x)
model = keras.Model(inputs, outputs, name="lenet5")

SHOWN = (keras.layers.Conv2D, keras.layers.MaxPooling2D, keras.layers.Dense)
print(f"{'layer':<14}{'output shape':<22}{'parameters':>12}")
for layer in model.layers:
    if isinstance(layer, SHOWN):
        shape = str(layer.output.shape)
        print(f"{layer.name:<14}{shape:<22}{layer.count_params():>12,}")

images = keras.random.uniform((1, INPUT_SIZE, INPUT_SIZE, 1), seed=0)
output_shape = tuple(model(images).shape)
parameter_count = model.count_params()
print(f"parameters: {parameter_count:,}")
