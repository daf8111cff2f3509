import keras
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

LEARNING_RATE = 0.1
MOMENTUM = 0.9
STEPS = 30

# The same data, split and starting weights as the hand-written loops.
digits = load_digits()
x_train, x_test, y_train, y_test = train_test_split(
    (digits.data / 16.0).astype(np.float32), digits.target, test_size=0.25, random_state=0
)
rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 32)).astype(np.float32)
w2 = rng.normal(0.0, np.sqrt(2 / 32), size=(32, 10)).astype(np.float32)

model = keras.Sequential(
    [keras.Input(shape=(64,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10)]
)
model.set_weights([w1, np.zeros(32, np.float32), w2, np.zeros(10, np.float32)])

model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE, momentum=MOMENTUM),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
# One batch holding the whole training set, so that each epoch is one step.
history = model.fit(
    x_train, y_train, batch_size=len(x_train), epochs=STEPS, shuffle=False, verbose=0
)
losses = history.history["loss"]
for step in [*range(0, STEPS, 5), STEPS - 1]:
    print(f"step {step:2d}  loss {losses[step]:.4f}")

test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test loss {test_loss:.4f}  test accuracy {test_accuracy:.3f}")
