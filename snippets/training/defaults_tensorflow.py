import keras
import numpy as np

# Defaults that make two "identical" models train differently unless set explicitly.
print("Adam epsilon:", keras.optimizers.Adam().epsilon)

batch_norm = keras.layers.BatchNormalization()
print("BatchNormalization momentum:", batch_norm.momentum, " epsilon:", batch_norm.epsilon)

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
