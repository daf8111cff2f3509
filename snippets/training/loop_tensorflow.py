import keras
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

LEARNING_RATE = 0.1
MOMENTUM = 0.9
STEPS = 30

# %% Data: the same split and starting weights in both frameworks
# The same data, split and starting weights as the PyTorch script.
digits = load_digits()
x_train, x_test, y_train, y_test = train_test_split(
    (digits.data / 16.0).astype(np.float32), digits.target, test_size=0.25, random_state=0
)
rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 32)).astype(np.float32)
w2 = rng.normal(0.0, np.sqrt(2 / 32), size=(32, 10)).astype(np.float32)

# %% Model
model = keras.Sequential(
    [keras.Input(shape=(64,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10)]
)
model.set_weights([w1, np.zeros(32, np.float32), w2, np.zeros(10, np.float32)])

# %% Loss and optimizer
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)  # averages over the batch
optimizer = keras.optimizers.SGD(learning_rate=LEARNING_RATE, momentum=MOMENTUM)

# %% Training loop
losses = []
for step in range(STEPS):  # one step per pass over the (full-batch) training set
    with tf.GradientTape() as tape:
        loss = loss_fn(y_train, model(x_train, training=True))
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    losses.append(float(loss))
    if step % 5 == 0 or step == STEPS - 1:
        print(f"step {step:2d}  loss {float(loss):.4f}")

# %% Evaluation
logits = model(x_test, training=False)
test_loss = float(loss_fn(y_test, logits))
test_accuracy = (np.argmax(logits, axis=1) == y_test).mean()
print(f"test loss {test_loss:.4f}  test accuracy {test_accuracy:.3f}")
