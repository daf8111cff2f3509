import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(0)

rng = np.random.default_rng(0)
kernel = rng.normal(scale=0.5, size=(4, 3)).astype(np.float32)  # (inputs, outputs)
bias = rng.normal(scale=0.5, size=3).astype(np.float32)
features = rng.normal(size=(5, 4)).astype(np.float32)
targets = rng.normal(size=(5, 3)).astype(np.float32)

# A per-layer policy: compute in bfloat16, keep the variables in float32.
layer = keras.layers.Dense(3, dtype="mixed_bfloat16")
layer.build((None, 4))
layer.set_weights([kernel, bias])
print("policy:", layer.dtype_policy.name)
print("compute dtype:", layer.compute_dtype, " variable dtype:", layer.variable_dtype)

loss_fn = keras.losses.MeanSquaredError()  # losses compute in float32
with tf.GradientTape() as tape:
    output = layer(features)
    loss = loss_fn(targets, output)
grads = tape.gradient(loss, layer.trainable_variables)
probabilities = keras.layers.Softmax(dtype="float32")(output)  # a float32 output layer

weight_dtype = layer.kernel.dtype
output_dtype = output.dtype
loss_dtype = loss.dtype
grad_dtype = grads[0].dtype
print("weights:      ", weight_dtype)
print("output:       ", output_dtype)
print("loss:         ", loss_dtype)
print("gradients:    ", grad_dtype)
print("probabilities:", probabilities.dtype)
# A mixed-policy softmax computes in bfloat16: Keras does not switch it to float32.
print("mixed softmax:", keras.layers.Softmax(dtype="mixed_bfloat16")(output).dtype)

output_values = tf.cast(output, tf.float32)  # NumPy has no bfloat16: compare as float32
reference = features @ kernel + bias  # float32 throughout
error = float(tf.reduce_max(tf.abs(output_values - reference)))
print("within 0.02 of float32:", error < 0.02)
