import keras


class DigitNet(keras.Model):
    """Layers are attributes; call() says how data flows through them."""

    def __init__(self, n_classes=10, **kwargs):
        super().__init__(**kwargs)
        self.conv = keras.layers.Conv2D(8, kernel_size=3, padding="same")
        self.pool = keras.layers.MaxPooling2D(2)
        self.flatten = keras.layers.Flatten()
        self.head = keras.layers.Dense(n_classes)

    def call(self, images):
        x = keras.ops.relu(self.conv(images))
        x = self.pool(x)
        return self.head(self.flatten(x))


keras.utils.set_random_seed(0)
model = DigitNet()
print("weight tensors before the first call:", len(model.weights))
images = keras.random.uniform((5, 8, 8, 1), seed=0)
logits_shape = tuple(model(images).shape)  # the first call creates the weights
parameter_count = model.count_params()
for variable in model.weights:
    print(f"{variable.path:<26} {tuple(variable.shape)}")
print("logits:", logits_shape, "parameters:", parameter_count)
