import keras

keras.utils.set_random_seed(0)

# The same CNN. Keras images are channels-last: (N, H, W, C).
model = keras.Sequential(
    [
        keras.Input(shape=(8, 8, 1)),
        keras.layers.Conv2D(8, kernel_size=3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(10),
    ]
)
for layer in model.layers:
    print(f"{layer.name:<15} {layer.output.shape}")

images = keras.random.uniform((5, 8, 8, 1), seed=0)
logits_shape = tuple(model(images).shape)
parameter_count = model.count_params()
print("logits:", logits_shape, "parameters:", parameter_count)
