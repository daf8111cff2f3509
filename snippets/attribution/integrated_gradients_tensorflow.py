import keras
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

# The digits classifier of the Training loops page, trained as in integrated_gradients_pytorch.py.
digits = load_digits()
x_train, x_test, y_train, y_test = train_test_split(
    (digits.data / 16.0).astype(np.float32), digits.target, test_size=0.25, random_state=0
)
rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 32)).astype(np.float32)
w2 = rng.normal(0.0, np.sqrt(2 / 32), size=(32, 10)).astype(np.float32)


def integrated_gradients(model, images, baseline, target, n_steps):
    """Captum's riemann_trapezoid rule, written out: the same alphas and step weights."""
    alphas = tf.linspace(0.0, 1.0, n_steps)  # n_steps points from 0 to 1, both included
    weights = np.full(n_steps, 1 / n_steps, np.float32)  # each step weighs 1/n_steps ...
    weights[[0, -1]] /= 2  # ... and the two end points half that
    # Every point of every path in one batch: (n_steps, images, pixels).
    path = baseline + alphas[:, None, None] * (images - baseline)[None]
    flat = tf.reshape(path, (-1, images.shape[1]))
    with tf.GradientTape() as tape:
        tape.watch(flat)
        logits = model(flat)  # (n_steps * images, classes)
        chosen = tf.reduce_sum(logits * tf.one_hot(np.tile(target, n_steps), logits.shape[1]))
    # The paths do not interact, so the gradient of the sum is each point's own gradient.
    gradients = tf.reshape(tape.gradient(chosen, flat), path.shape)
    average = tf.reduce_sum(weights[:, None, None] * gradients, axis=0)
    return ((images - baseline) * average).numpy()


# Everything runs on the CPU: on a recent NVIDIA GPU, TensorFlow multiplies float32 matrices in
# TF32 by default, which would round differently from PyTorch's float32 products.
with tf.device("/CPU:0"):
    pixels = keras.Input(shape=(64,))
    hidden = keras.layers.Dense(32, activation="relu")(pixels)
    model = keras.Model(pixels, keras.layers.Dense(10)(hidden))
    model.set_weights([w1, np.zeros(32, np.float32), w2, np.zeros(10, np.float32)])

    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
    for _ in range(30):  # 30 full-batch steps
        with tf.GradientTape() as tape:
            loss = loss_fn(y_train, model(x_train, training=True))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))

    images = tf.constant(x_test[:4])  # four test digits
    baseline = tf.zeros_like(images)  # a black image
    predicted = model(images).numpy().argmax(axis=1)  # explain the class the model chose

    N_STEPS = 50
    attributions = integrated_gradients(model, images, baseline, predicted, N_STEPS)
    rows = np.arange(len(images))
    gain = model(images).numpy()[rows, predicted] - model(baseline).numpy()[rows, predicted]
gap = attributions.sum(axis=1) - gain  # what Captum calls the convergence delta

print("true digits:     ", y_test[:4])
print("predicted digits:", predicted)
for i in range(len(images)):
    print(
        f"digit {i}: sum of attributions {attributions[i].sum():7.3f}"
        f"  f(x) - f(baseline) {gain[i]:7.3f}  gap {gap[i]:6.3f}"
    )
# Captum's trapezoid weights add up to 1 - 1/N_STEPS, not 1: the sums fall short by about 1/N_STEPS.
print("gap / (f(x) - f(baseline)):", np.round(gap / gain, 2), " -1/N_STEPS:", -1 / N_STEPS)
print(f"attribution map of digit 0 (a {predicted[0]}), x100, rounded:")
print(np.round(100 * attributions[0].reshape(8, 8)).astype(int))
