import tensorflow as tf

x = tf.range(12)
print(x.dtype, x.shape, type(x.shape).__name__)  # integers default to 32 bits

floats = tf.constant([1.5, 2.5])
print(floats.dtype)  # Python floats become float32

as_float = tf.cast(x, tf.float32)
grid = tf.reshape(as_float, (3, 4))
print(grid.dtype, grid.shape, grid.ndim)

column = grid[:, :1]
transposed = tf.transpose(grid)
print(column.shape, transposed.shape)
