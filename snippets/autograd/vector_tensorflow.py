import tensorflow as tf

x = tf.Variable([1.0, 2.0, 3.0])
with tf.GradientTape(persistent=True) as tape:  # persistent: asked three times below
    squares = x**2
    loss = tf.reduce_sum(squares)
print(tape.gradient(squares, x))  # a vector target: the gradient of its sum

grad = tape.gradient(loss, x)
print(grad)  # d(sum x^2)/dx = 2x

# The full Jacobian of a vector-valued function, row i = d y_i / d x.
jacobian = tape.jacobian(squares, x)
print(jacobian)
del tape  # a persistent tape holds its resources until released
