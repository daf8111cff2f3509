import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

tf.random.set_seed(0)
digits = load_digits()
features = digits.data[:20].astype(np.float32)
targets = digits.target[:20]

pipeline = (
    tf.data.Dataset.from_tensor_slices((features, targets))
    .batch(8)
    # Map after batch: one call per batch. AUTOTUNE picks how many run in parallel.
    .map(lambda x, y: (x / 16.0, y), num_parallel_calls=tf.data.AUTOTUNE)
    # Keep batches ready while the training step runs; AUTOTUNE sizes the buffer.
    .prefetch(tf.data.AUTOTUNE)
)
print("AUTOTUNE:", tf.data.AUTOTUNE)  # -1, a marker meaning "tune this while running"
print(
    "deterministic:", pipeline.options().deterministic
)  # None: the default, which keeps the order

batches = list(pipeline)
batch_sizes = [len(y) for x, y in batches]
x_all = tf.concat([x for x, y in batches], axis=0)
y_all = tf.concat([y for x, y in batches], axis=0)
in_order = bool(np.array_equal(x_all, features / 16.0)) and bool(np.array_equal(y_all, targets))
print(batch_sizes, x_all.shape, in_order)
