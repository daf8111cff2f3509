import os
import shutil

import keras
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tensorboard.backend.event_processing import event_accumulator

# CUDA when TensorFlow sees a GPU, the CPU otherwise; DLREF_DEVICE=cpu|cuda forces either.
kind = os.environ.get("DLREF_DEVICE") or (
    "cuda" if tf.config.list_physical_devices("GPU") else "cpu"
)
device = "/GPU:0" if kind == "cuda" else "/CPU:0"
LEARNING_RATE = 0.1
MOMENTUM = 0.9
STEPS = 30
LOGDIR = "runs/tensorflow"  # one folder per run: `tensorboard --logdir runs` shows both

# The same data, split, starting weights and SGD as the PyTorch script.
digits = load_digits()
x_train, _, y_train, _ = train_test_split(
    (digits.data / 16.0).astype(np.float32), digits.target, test_size=0.25, random_state=0
)
rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 32)).astype(np.float32)
w2 = rng.normal(0.0, np.sqrt(2 / 32), size=(32, 10)).astype(np.float32)

with tf.device(device):
    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(10),
        ]
    )
    model.set_weights([w1, np.zeros(32, np.float32), w2, np.zeros(10, np.float32)])
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = keras.optimizers.SGD(learning_rate=LEARNING_RATE, momentum=MOMENTUM)

    shutil.rmtree(LOGDIR, ignore_errors=True)  # start empty, so reading back sees this run only
    writer = tf.summary.create_file_writer(LOGDIR)
    losses = []
    with writer.as_default():  # tf.summary calls write to the default writer
        for step in range(STEPS):  # full batch: one step per pass over the training set
            with tf.GradientTape() as tape:
                loss = loss_fn(y_train, model(x_train, training=True))
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(gradients, model.trainable_variables))
            losses.append(float(loss))
            tf.summary.scalar("loss", loss, step=step)
        try:
            tf.summary.scalar("loss", 0.0)  # no step=, and no set_step() before
        except ValueError as error:
            print("without a step: ValueError:", str(error).split(".")[0])
    writer.close()  # flushes the queued events to the file
    written = tf.summary.scalar("loss", 0.0, step=0)  # no default writer here
    print("without a writer, tf.summary.scalar returns", bool(written))

# Read the run back with TensorBoard's own reader. tf.summary writes tensors,
# of which it keeps only a sample per tag by default:
sampled = event_accumulator.EventAccumulator(LOGDIR)
sampled.Reload()
print("default reader keeps", len(sampled.Tensors("loss")), "of", STEPS, "losses")
# size 0 keeps every event.
events = event_accumulator.EventAccumulator(LOGDIR, size_guidance={event_accumulator.TENSORS: 0})
events.Reload()
tags = events.Tags()
print(f"scalars {tags['scalars']}  tensors {tags['tensors']}")
recovered = events.Tensors("loss")  # TensorEvent(wall_time, step, tensor_proto)
recovered_steps = [event.step for event in recovered]
recovered_losses = [float(tf.make_ndarray(event.tensor_proto)) for event in recovered]
print(f"read back {len(recovered)} events, steps {recovered_steps[0]}..{recovered_steps[-1]}")
for i in [0, 10, 20, STEPS - 1]:
    print(f"step {recovered_steps[i]:2d}  loss {recovered_losses[i]:.6f}")
print("equal to the logged values:", recovered_losses == losses)
