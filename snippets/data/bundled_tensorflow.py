import os

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

# CUDA when TensorFlow sees a GPU, the CPU otherwise; DLREF_DEVICE=cpu|cuda forces either.
kind = os.environ.get("DLREF_DEVICE") or (
    "cuda" if tf.config.list_physical_devices("GPU") else "cpu"
)
device = "/GPU:0" if kind == "cuda" else "/CPU:0"
tf.random.set_seed(0)

# 569 tumours, 30 measurements each; bundled with scikit-learn, so no download.
features, targets = load_breast_cancer(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(
    features.astype(np.float32), targets, test_size=0.2, random_state=0
)
mean, std = x_train.mean(axis=0), x_train.std(axis=0)  # statistics of the training set only
x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
print(x_train.shape, x_test.shape, x_train.dtype, y_train.dtype)

train_ds = (
    tf.data.Dataset.from_tensor_slices((x_train, y_train))
    .shuffle(len(x_train), seed=0)  # a buffer as large as the set: a full shuffle
    .batch(64)
    .prefetch(tf.data.AUTOTUNE)
)
test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(64)  # no shuffling
num_train_batches, num_test_batches = train_ds.cardinality(), test_ds.cardinality()
print(num_train_batches.numpy(), num_test_batches.numpy())

train_label_counts = tf.zeros(2, dtype=tf.int64)
for x, y in train_ds:
    with tf.device(device):  # batches come out on the CPU; ops placed on a GPU copy them
        x = tf.identity(x)
    train_label_counts += tf.math.bincount(y, minlength=2, dtype=tf.int64)
print(x.device.split("/")[-1], x.shape)  # the last, partial batch
print("labels per class, one epoch:", train_label_counts.numpy().tolist())

test_x = tf.concat([x for x, y in test_ds], axis=0)
test_y = tf.concat([y for x, y in test_ds], axis=0)
print(test_x.shape, test_y[:10])
