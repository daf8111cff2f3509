import keras
import numpy as np

# One training step of batch normalization, starting from known running statistics.
rng = np.random.default_rng(0)
images = rng.standard_normal((64, 16, 16, 3), dtype=np.float32) + 2.0  # NHWC, mean near 2
gamma = rng.uniform(0.5, 1.5, 3).astype(np.float32)
beta = rng.standard_normal(3, dtype=np.float32)
initial_mean = np.zeros(3, dtype=np.float32)  # both frameworks start from 0 and 1
initial_var = np.ones(3, dtype=np.float32)


def batch_norm(**options):
    layer = keras.layers.BatchNormalization(**options)
    layer.build(images.shape)
    layer.set_weights([gamma, beta, initial_mean, initial_var])
    return layer


# moving = momentum * moving + (1 - momentum) * batch statistic: Keras's momentum is the
# weight of the old value, PyTorch's the weight of the new one.
bn_default = batch_norm()  # momentum=0.99, epsilon=1e-3
print("momentum:", bn_default.momentum, " epsilon:", bn_default.epsilon)
bn_default(images, training=True)
print("batch mean:               ", images.mean(axis=(0, 1, 2)).round(4))
running_mean_default = bn_default.moving_mean.numpy()
print("running mean after 1 step:", running_mean_default.round(4), " (1% of the way)")

# The fix: PyTorch's momentum=0.1 is Keras's momentum=0.9; PyTorch's eps is 1e-5.
bn = batch_norm(momentum=0.9, epsilon=1e-5)
bn(images, training=True)
running_mean = bn.moving_mean.numpy()
print("momentum=0.9, epsilon=1e-5:")
print("running mean after 1 step:", running_mean.round(4), " (10%, as in PyTorch)")
# The moving variance is updated with the biased batch variance (divided by n), PyTorch's
# with the unbiased one (n - 1): here n = 64 * 16 * 16 = 16384 values per channel,
# so the two differ by 0.1 * var / 16383 and the inference outputs agree to 1e-4.
running_var = bn.moving_variance.numpy()
print("running var after 1 step: ", running_var.round(4))

# Which batch variance went into that update: squared deviations summed and divided by n,
# or by n - 1?
n = images.shape[0] * images.shape[1] * images.shape[2]  # values per channel
variance = images.astype(np.float64).var(axis=(0, 1, 2))  # divided by n
for label, divisor in (("n", n), ("n - 1", n - 1)):
    update = 0.9 * initial_var + 0.1 * variance * n / divisor
    matches = bool(np.allclose(running_var, update, rtol=0, atol=1e-6))
    print(f"running var uses the variance divided by {label}:", matches)

inference_output = bn(images, training=False)
print("inference_output[0, 0, 0]:", inference_output[0, 0, 0].numpy().round(4))
