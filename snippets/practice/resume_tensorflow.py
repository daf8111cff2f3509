import keras
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

EPOCHS = 3
STOP_AFTER = 1  # the interrupted run saves a checkpoint after this many epochs
BATCH_SIZE = 64

# %% Data, model, and one epoch of shuffled mini-batches
digits = load_digits()
x_all = (digits.data[:256] / 16.0).astype(np.float32)
y_all = digits.target[:256]
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def build():
    """A model with dropout, an optimizer with state, and the generator that shuffles."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(10),
        ]
    )
    optimizer = keras.optimizers.Adam(learning_rate=1e-2)  # moments and a step count
    optimizer.build(model.trainable_variables)
    shuffler = tf.random.Generator.from_seed(1)
    return model, optimizer, shuffler


def train_epoch(model, optimizer, shuffler):
    order = tf.argsort(shuffler.uniform([len(x_all)]))  # a new order every epoch
    for start in range(0, len(x_all), BATCH_SIZE):
        batch = order[start : start + BATCH_SIZE]
        x, y = tf.gather(x_all, batch), tf.gather(y_all, batch)
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))  # dropout draws random masks
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))


def checkpoint_of(model, optimizer, shuffler, epoch):
    # model.variables includes the dropout layer's seed state; model.weights does not.
    return tf.train.Checkpoint(
        model=model.variables, optimizer=optimizer.variables, shuffler=shuffler, epoch=epoch
    )


# %% The uninterrupted run
model, optimizer, shuffler = build()
for _ in range(EPOCHS):
    train_epoch(model, optimizer, shuffler)
uninterrupted = model.get_weights()

# %% Train, save a checkpoint, stop
model, optimizer, shuffler = build()
epoch = tf.Variable(0)
for _ in range(STOP_AFTER):
    train_epoch(model, optimizer, shuffler)
    epoch.assign_add(1)
path = checkpoint_of(model, optimizer, shuffler, epoch).write("checkpoint")
print("checkpoint holds:", sorted({key.split("/")[0] for key, _ in tf.train.list_variables(path)}))

# %% Resume in a fresh model
model, optimizer, shuffler = build()
keras.utils.set_random_seed(123)  # whatever state a new process starts in
epoch = tf.Variable(0)
checkpoint_of(model, optimizer, shuffler, epoch).read(path).assert_consumed()
for _ in range(int(epoch), EPOCHS):
    train_epoch(model, optimizer, shuffler)
resumed = model.get_weights()
same_weights = all(np.array_equal(a, b) for a, b in zip(uninterrupted, resumed))
max_difference = max(float(np.abs(a - b).max()) for a, b in zip(uninterrupted, resumed))
print(
    f"resumed at epoch {STOP_AFTER}: same weights {same_weights}, max difference {max_difference}"
)

# %% The same resume, forgetting the shuffler
model, optimizer, shuffler = build()
tf.train.Checkpoint(model=model.variables, optimizer=optimizer.variables).read(
    path
).expect_partial()
for _ in range(STOP_AFTER, EPOCHS):
    train_epoch(model, optimizer, shuffler)
careless = model.get_weights()
careless_differs = not all(np.array_equal(a, b) for a, b in zip(uninterrupted, careless))
careless_difference = max(float(np.abs(a - b).max()) for a, b in zip(uninterrupted, careless))
print(f"without the shuffler's state: max difference {careless_difference:.4f}")
