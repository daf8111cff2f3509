import keras
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

STEPS = 20

# %% Data and starting weights, the same on both sides
digits = load_digits()
x = (digits.data[:512] / 16.0).astype(np.float32)
y = digits.target[:512]
rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 32)).astype(np.float32)
w2 = rng.normal(0.0, np.sqrt(2 / 32), size=(32, 10)).astype(np.float32)


# %% A tf.Module with the same Keras layer inside
class Classifier(tf.Module):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(32, activation="relu")  # the same Keras layer
        self.hidden.build((None, 64))
        self.out = keras.layers.Dense(10)
        self.out.build((None, 32))

    def __call__(self, inputs):
        return self.out(self.hidden(inputs))


model = Classifier()
model.hidden.set_weights([w1, np.zeros(32, np.float32)])
model.out.set_weights([w2, np.zeros(10, np.float32)])
print("variables:", [v.path for v in model.hidden.weights + model.out.weights])

# %% A GradientTape loop trains both layers
optimizer = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
variables = model.hidden.trainable_variables + model.out.trainable_variables
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
losses = []
for _ in range(STEPS):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x))
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    losses.append(float(loss))
print("loss every 5 steps:", np.round(losses[::5], 4))
