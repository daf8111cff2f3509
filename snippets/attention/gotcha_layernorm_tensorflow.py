import keras
import numpy as np

# Features with a small spread (standard deviation about 0.02), as after a small init.
x = np.random.default_rng(0).normal(scale=0.02, size=(2, 8)).astype(np.float32)

# %% The default epsilon, 1e-3, is large next to a variance of about 4e-4
norm_default = keras.layers.LayerNormalization()
print("default epsilon:", norm_default.epsilon)
output_default = norm_default(x)
print("output standard deviation:", np.std(output_default, axis=1).round(4))

# %% PyTorch's 1e-5
norm = keras.layers.LayerNormalization(epsilon=1e-5)
output = norm(x)
print("epsilon=1e-5, standard deviation:", np.std(output, axis=1).round(4))
