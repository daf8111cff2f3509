import tensorflow as tf

grid = tf.reshape(tf.range(12, dtype=tf.float32), (3, 4))

print(grid[1])  # second row
print(grid[:, -1])  # last column
print(tf.boolean_mask(grid, grid > 8))  # boolean mask: the elements, flattened

# tf.Tensor is immutable: item assignment is refused...
try:
    grid[0, 0] = 100.0
except TypeError as error:
    print("TypeError:", error)

# ...so build a new tensor with the change,
updated = tf.tensor_scatter_nd_update(grid, indices=[[0, 0]], updates=[100.0])
print(updated[0])

# or keep values that must change in a tf.Variable, which assigns in place.
variable = tf.Variable(grid)
variable[0, 0].assign(100.0)
print(variable[0])
