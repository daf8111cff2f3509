import keras
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

MAX_NORM = 0.5

# %% One batch, and starting weights shared with the PyTorch side
digits = load_digits()
x = (digits.data[:64] / 16.0).astype(np.float32)
y = digits.target[:64]
rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 32)).astype(np.float32)
w2 = rng.normal(0.0, np.sqrt(2 / 32), size=(32, 10)).astype(np.float32)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def update_norms(optimizer):
    """Take one step with this optimizer (lr=1); return the norm of each tensor's update."""
    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(10),
        ]
    )
    model.set_weights([w1, np.zeros(32, np.float32), w2, np.zeros(10, np.float32)])
    before = model.get_weights()
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))  # clips, then steps
    return [float(np.linalg.norm(b - a)) for b, a in zip(before, model.get_weights())]


# %% No clipping, then global_clipnorm, then clipnorm
unclipped = update_norms(keras.optimizers.SGD(learning_rate=1.0))
# One norm over all the gradients together: what clip_grad_norm_ does.
global_clipped = update_norms(keras.optimizers.SGD(learning_rate=1.0, global_clipnorm=MAX_NORM))
# clipnorm clips each variable's gradient to MAX_NORM separately.
per_tensor_clipped = update_norms(keras.optimizers.SGD(learning_rate=1.0, clipnorm=MAX_NORM))

# %% Norms of the update of each tensor (kernel, bias, kernel, bias)
print("no clipping:        ", np.round(unclipped, 4), "total", round(np.linalg.norm(unclipped), 4))
print(
    "global_clipnorm:    ",
    np.round(global_clipped, 4),
    "total",
    round(np.linalg.norm(global_clipped), 4),
)
print("clipnorm:           ", np.round(per_tensor_clipped, 4))
