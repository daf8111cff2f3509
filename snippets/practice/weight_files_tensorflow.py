import zipfile

import h5py
import keras
import numpy as np

# %% Save the weights only, in HDF5: one dataset per variable, by layer
keras.utils.set_random_seed(0)
model = keras.Sequential(
    [keras.Input(shape=(4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)]
)
model.save_weights("model.weights.h5")


# %% What the file holds: the layers' variables in HDF5 groups
def show_dataset(name, item):
    if isinstance(item, h5py.Dataset):
        print(f"{name:22s} {item.dtype} {list(item.shape)}")


with h5py.File("model.weights.h5", "r") as file:
    file.visititems(show_dataset)

# %% Load it back into a model you build
restored = keras.Sequential(
    [keras.Input(shape=(4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)]
)
restored.load_weights("model.weights.h5")
x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
same_outputs = bool(np.array_equal(model(x), restored(x)))
print("same outputs:", same_outputs)

# %% The whole-model file adds the architecture and, once compiled, the optimizer
model.compile(optimizer="adam", loss="mse")
model.optimizer.build(model.trainable_variables)  # training would create its variables
model.save("model.keras")
print("model.keras holds:", sorted(zipfile.ZipFile("model.keras").namelist()))
with (
    zipfile.ZipFile("model.keras") as archive,
    archive.open("model.weights.h5") as weights,
    h5py.File(weights, "r") as file,
):
    print("its weights file has:", sorted(file))
