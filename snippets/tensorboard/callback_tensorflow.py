import os
import shutil

import keras
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tensorboard.backend.event_processing import event_accumulator

LEARNING_RATE = 0.1
MOMENTUM = 0.9
STEPS = 30
LOGDIR = "runs/keras"

# The same data, split, starting weights and SGD as the scalars scripts.
digits = load_digits()
x_train, _, y_train, _ = train_test_split(
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
)

shutil.rmtree(LOGDIR, ignore_errors=True)  # start empty, so reading back sees this run only
tensorboard = keras.callbacks.TensorBoard(log_dir=LOGDIR, write_graph=False)
# One batch holding the whole training set, so that each epoch is one step.
history = model.fit(
    x_train,
    y_train,
    batch_size=len(x_train),
    epochs=STEPS,
    shuffle=False,
    verbose=0,
    callbacks=[tensorboard],
)
losses = history.history["loss"]

# The callback writes one run per phase: LOGDIR/train (and LOGDIR/validation
# when fit gets validation data), with the epoch's metrics as "epoch_<name>".
print("folders:", sorted(os.listdir(LOGDIR)))
events = event_accumulator.EventAccumulator(
    f"{LOGDIR}/train", size_guidance={event_accumulator.TENSORS: 0}
)
events.Reload()
print("tensors", events.Tags()["tensors"])
recovered = events.Tensors("epoch_loss")  # one event per epoch, step = epoch index
recovered_steps = [event.step for event in recovered]
recovered_losses = [float(tf.make_ndarray(event.tensor_proto)) for event in recovered]
print(f"read back {len(recovered)} events, steps {recovered_steps[0]}..{recovered_steps[-1]}")
for i in [0, 10, 20, STEPS - 1]:
    print(f"step {recovered_steps[i]:2d}  loss {recovered_losses[i]:.6f}")
print("equal to history.history['loss']:", recovered_losses == losses)
