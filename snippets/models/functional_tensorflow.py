import keras

keras.utils.set_random_seed(0)

# The Functional API: call layers on symbolic inputs, then name the model's ends.
inputs = keras.Input(shape=(8, 8, 1), name="images")
x = keras.layers.Conv2D(8, kernel_size=3, padding="same", activation="relu")(inputs)
x = keras.layers.MaxPooling2D(2)(x)
x = keras.layers.Flatten()(x)
outputs = keras.layers.Dense(10, name="logits")(x)
model = keras.Model(inputs, outputs, name="digit_net")

for layer in model.layers:
    print(f"{layer.name:<15} {layer.output.shape}")

images = keras.random.uniform((5, 8, 8, 1), seed=0)
logits_shape = tuple(model(images).shape)
parameter_count = model.count_params()
print("logits:", logits_shape, "parameters:", parameter_count)
