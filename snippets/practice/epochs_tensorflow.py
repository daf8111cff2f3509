import keras
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

BATCH_SIZE = 64
EPOCHS = 4
LEARNING_RATE = 0.05
MOMENTUM = 0.9

# %% Data: training and validation batches
digits = load_digits()
x_train, x_val, y_train, y_val = train_test_split(
    (digits.data / 16.0).astype(np.float32), digits.target, test_size=0.25, random_state=0
)
# No .shuffle(): the batch order the PyTorch side uses; training normally shuffles.
train_data = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(BATCH_SIZE)
val_data = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(256)

# %% Model, loss and optimizer (the same starting weights as the PyTorch side)
rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 32)).astype(np.float32)
w2 = rng.normal(0.0, np.sqrt(2 / 32), size=(32, 10)).astype(np.float32)
model = keras.Sequential(
    [keras.Input(shape=(64,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10)]
)
model.set_weights([w1, np.zeros(32, np.float32), w2, np.zeros(10, np.float32)])
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE, momentum=MOMENTUM),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)

# %% fit runs the same loop: every batch, then a validation pass per epoch
# shuffle applies to arrays; a Dataset keeps its own order (fit warns if left at True).
history = model.fit(
    train_data, validation_data=val_data, epochs=EPOCHS, shuffle=False, verbose=0
).history
for epoch in range(EPOCHS):
    print(
        f"epoch {epoch + 1}  loss {history['loss'][epoch]:.4f}"
        f"  accuracy {history['accuracy'][epoch]:.4f}"
        f"  val_loss {history['val_loss'][epoch]:.4f}"
        f"  val_accuracy {history['val_accuracy'][epoch]:.4f}"
    )
curves = np.array([history[name] for name in ("loss", "accuracy", "val_loss", "val_accuracy")])
