import ml_dtypes  # NumPy's bfloat16, installed with TensorFlow
import numpy as np
import tensorflow as tf

# A gradient-sized number, a number near 1, an activation-sized number.
values = tf.constant([1e-8, 1.001, 70000.0])
as_float16 = tf.cast(values, tf.float16)
as_bfloat16 = tf.cast(values, tf.bfloat16)
print("float16: ", as_float16.numpy())
print("bfloat16:", as_bfloat16.numpy())

print("largest float16: ", float(tf.float16.max))
print("largest bfloat16:", float(tf.bfloat16.max))
print("largest float32: ", float(tf.float32.max))

float16_back = tf.cast(as_float16, tf.float32)  # for comparison: NumPy has no bfloat16
bfloat16_back = tf.cast(as_bfloat16, tf.float32)

# How each format splits its bits (the sign bit aside):
for name, info in [
    ("float16", np.finfo(np.float16)),
    ("bfloat16", ml_dtypes.finfo(tf.bfloat16.as_numpy_dtype)),
    ("float32", np.finfo(np.float32)),
]:
    print(f"{name + ':':<9} {info.nexp} exponent bits, {info.nmant} mantissa bits")
