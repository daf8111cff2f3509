import keras
import numpy as np

# Defaults that make two "identical" models train differently unless set explicitly.
adam_epsilon = keras.optimizers.Adam().epsilon
print("Adam epsilon:", adam_epsilon)

batch_norm = keras.layers.BatchNormalization()
bn_momentum, bn_epsilon = batch_norm.momentum, batch_norm.epsilon
print("BatchNormalization momentum:", bn_momentum, " epsilon:", bn_epsilon)

print(
    "SparseCategoricalCrossentropy reduction:",
    keras.losses.SparseCategoricalCrossentropy().reduction,
)

keras.utils.set_random_seed(0)
dense = keras.layers.Dense(32)
dense.build((None, 64))
limit = np.sqrt(6 / (64 + 32))  # glorot_uniform: U(-sqrt(6/(fan_in+fan_out)), +...)
print("Dense kernel within the Glorot limit:", bool(np.abs(dense.kernel.numpy()).max() <= limit))
print("Dense bias all zero:", bool((dense.bias.numpy() == 0).all()))
print("Dense init:", type(dense.kernel_initializer).__name__)

# Keras losses take (target, prediction). The other order raises no error here.
bce = keras.losses.BinaryCrossentropy()
prediction, target = np.array([0.9, 0.2]), np.array([1.0, 0.0])
print("BinaryCrossentropy(target, prediction):", round(float(bce(target, prediction)), 4))
print("BinaryCrossentropy(prediction, target):", round(float(bce(prediction, target)), 4))
