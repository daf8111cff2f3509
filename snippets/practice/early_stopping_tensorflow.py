import keras
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

MAX_EPOCHS = 30
PATIENCE = 3  # epochs without a better validation loss before stopping
LEARNING_RATE = 0.2
MOMENTUM = 0.9
BATCH_SIZE = 40

# %% Data: a small training set, so that the model soon overfits
digits = load_digits()
x_train, x_val, y_train, y_val = train_test_split(
    (digits.data / 16.0).astype(np.float32), digits.target, test_size=0.25, random_state=0
)
x_train, y_train = x_train[:120], y_train[:120]

# %% Model, loss and optimizer (the same starting weights as the PyTorch side)
rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 64)).astype(np.float32)
w2 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 10)).astype(np.float32)
model = keras.Sequential(
    [keras.Input(shape=(64,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10)]
)
model.set_weights([w1, np.zeros(64, np.float32), w2, np.zeros(10, np.float32)])
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE, momentum=MOMENTUM),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)

# %% Train, watch the validation loss, keep the best weights
early_stopping = keras.callbacks.EarlyStopping(
    monitor="val_loss", patience=PATIENCE, restore_best_weights=True
)
history = model.fit(
    x_train,
    y_train,
    batch_size=BATCH_SIZE,
    epochs=MAX_EPOCHS,
    validation_data=(x_val, y_val),
    shuffle=False,  # the batch order of the PyTorch side
    callbacks=[early_stopping],
    verbose=0,
)
val_losses = history.history["val_loss"]
stopped_epoch = early_stopping.stopped_epoch
best_epoch = early_stopping.best_epoch
best_loss = early_stopping.best

# %% Report
final_val_loss = model.evaluate(x_val, y_val, verbose=0)
print(f"epochs run: {len(val_losses)}, stopped after epoch {stopped_epoch + 1}")
print(f"best epoch: {best_epoch + 1}, validation loss {best_loss:.4f}")
print(f"validation loss of the restored model: {final_val_loss:.4f}")
