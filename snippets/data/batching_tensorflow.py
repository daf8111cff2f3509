import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

digits = load_digits()  # ships with scikit-learn: no download
features = digits.data[:20].astype(np.float32)  # 20 images of 8x8 pixels, flattened, 0..16
targets = digits.target[:20]  # int64 labels 0..9

dataset = tf.data.Dataset.from_tensor_slices((features, targets))  # one element per row


def scale(x, y):  # the map step: pixels to [0, 1]
    print("map function traced")  # Python code: runs once, while tf.data traces it
    return x / 16.0, y


dataset = dataset.map(scale)
print(dataset.cardinality().numpy(), dataset.element_spec)

batched = dataset.batch(8)  # no shuffling unless asked
batch_sizes = [len(y) for x, y in batched]
num_batches = batched.cardinality()
print(num_batches.numpy(), batch_sizes)  # the last batch holds the 4 left over
print(batched.element_spec)  # batch dimension None: it may vary

first_x, first_y = next(iter(batched))
x_dtype, y_dtype = first_x.dtype, first_y.dtype
print(first_x.shape, x_dtype.name, first_y.shape, y_dtype.name)
print(first_y)
print(first_x[0, :8])  # the first row of the first image, mapped

dropped = dataset.batch(8, drop_remainder=True)
batch_sizes_dropped = [len(y) for x, y in dropped]
print(dropped.cardinality().numpy(), batch_sizes_dropped)
print(dropped.element_spec)  # a static batch dimension of 8

# The count is not always known: after filter it is unknown, after repeat() infinite.
unknown = dataset.filter(lambda x, y: y > 4).cardinality()
infinite = dataset.repeat().cardinality()
print("after filter:", unknown.numpy(), bool(unknown == tf.data.UNKNOWN_CARDINALITY))
print("after repeat():", infinite.numpy(), bool(infinite == tf.data.INFINITE_CARDINALITY))
