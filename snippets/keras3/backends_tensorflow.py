import os

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

os.environ["KERAS_BACKEND"] = "tensorflow"  # before the first `import keras`; the default
import keras

EPOCHS = 3
STEPS = 20
BATCH_SIZE = 64

# %% Data and starting weights, the same on both backends
digits = load_digits()
x = (digits.data[:512] / 16.0).astype(np.float32)
y = digits.target[:512]
rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 32)).astype(np.float32)
w2 = rng.normal(0.0, np.sqrt(2 / 32), size=(32, 10)).astype(np.float32)

# %% One Keras model: this code is the same on every backend
model = keras.Sequential(
    [keras.Input(shape=(64,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10)]
)
model.set_weights([w1, np.zeros(32, np.float32), w2, np.zeros(10, np.float32)])
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
losses = model.fit(x, y, batch_size=BATCH_SIZE, epochs=EPOCHS, shuffle=False, verbose=0)
losses = losses.history["loss"]
logits = keras.ops.convert_to_numpy(model(x[:3]))
print("backend:", keras.backend.backend())
print("loss per epoch:", np.round(losses, 4))
print("first logits:", np.round(logits[0, :4], 3))

# %% What is backend-specific: the tensors and the objects underneath
outputs = model(x[:3])
print("model(x) returns:", f"{type(outputs).__module__}.{type(outputs).__name__}")
print("the model is a tf.Module:", isinstance(model, tf.Module))
print("its variables:", [tuple(v.shape) for v in model.trainable_variables])


# %% The same Keras layer inside a tf.Module, trained by a GradientTape loop
class Classifier(tf.Module):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(32, activation="relu")  # the same Keras layer
        self.hidden.build((None, 64))
        self.out = keras.layers.Dense(10)
        self.out.build((None, 32))

    def __call__(self, inputs):
        return self.out(self.hidden(inputs))


mixed = Classifier()
mixed.hidden.set_weights([w1, np.zeros(32, np.float32)])
mixed.out.set_weights([w2, np.zeros(10, np.float32)])
variables = mixed.hidden.trainable_variables + mixed.out.trainable_variables
print("variables:", [v.path for v in variables])
optimizer = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
loop_losses = []
for _ in range(STEPS):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, mixed(x))
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    loop_losses.append(float(loss))
print("loop loss every 5 steps:", np.round(loop_losses[::5], 4))
