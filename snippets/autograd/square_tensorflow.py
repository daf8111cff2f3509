import tensorflow as tf

x = tf.Variable(2.0)  # a GradientTape watches trainable variables automatically
with tf.GradientTape() as tape:
    y = x**2 + 3 * x + 1
dy_dx = tape.gradient(y, x)

print(y)
print(dy_dx)  # 2x + 3 at x = 2
