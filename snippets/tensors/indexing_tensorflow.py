import tensorflow as tf

grid = tf.reshape(tf.range(12, dtype=tf.float32), (3, 4))

print(grid[1])  # second row
print(grid[:, -1])  # last column
print(tf.boolean_mask(grid, grid > 8))  # boolean mask: the elements, flattened

# tf.Tensor is immutable: build a new tensor with the change
# (or keep the values in a tf.Variable and call .assign).
updated = tf.tensor_scatter_nd_update(grid, indices=[[0, 0]], updates=[100.0])
print(updated[0])
