import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(0)

# Two samples; the first misses its target by 1.5.
features = np.array([[1.0, 0.5], [0.5, 1.0]], dtype=np.float32)
targets = np.array([[-1.25], [0.0]], dtype=np.float32)
layer = keras.layers.Dense(1, use_bias=False, dtype="mixed_float16")
layer.build((None, 2))
layer.set_weights([np.array([[0.5], [-0.5]], dtype=np.float32)])
optimizer = keras.optimizers.LossScaleOptimizer(
    keras.optimizers.SGD(learning_rate=0.125),
    initial_scale=2.0**16,  # 2**15 is the default
)
optimizer.build(layer.trainable_variables)  # creates the scale variable now
loss_fn = keras.losses.MeanSquaredError()

scales, weights = [], []
for step in range(2):
    with tf.GradientTape() as tape:
        loss = loss_fn(targets, layer(features))
        scaled_loss = optimizer.scale_loss(loss)  # loss * scale
    grads = tape.gradient(scaled_loss, layer.trainable_variables)
    scale = float(optimizer.dynamic_scale)
    optimizer.apply(grads, layer.trainable_variables)  # unscales; skips if inf or nan
    scales.append(scale)  # ...and halves the scale after a skipped step
    weights.append(layer.kernel.numpy().ravel())
    new_scale = float(optimizer.dynamic_scale)
    print(f"step {step}: scale {scale:.0f} -> {new_scale:.0f}, weights {weights[-1]}")
scales = np.array(scales)
weights = np.array(weights)
