import tensorflow as tf

x = tf.Variable(2.0)
for _ in range(2):
    with tf.GradientTape() as tape:
        y = x**2 + 3 * x + 1
    fresh = tape.gradient(y, x)  # a new tensor each time: nothing adds up
    print(fresh)

# A tape that is not persistent answers one gradient call, then lets go of its record.
try:
    tape.gradient(y, x)
except RuntimeError as error:
    print("RuntimeError:", error)
