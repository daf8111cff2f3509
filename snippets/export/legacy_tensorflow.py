import logging

import keras
import numpy as np

keras.utils.set_random_seed(0)


class Collect(logging.Handler):
    """Keep the messages Keras logs (through absl) instead of only printing them."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


model = keras.Sequential(
    [keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)]
)
features = np.ones((1, 4), dtype=np.float32)

# A whole model in HDF5, the Keras 2 format: still written, with a warning.
collect = Collect()
logging.getLogger("absl").addHandler(collect)
model.save("model.h5")
logging.getLogger("absl").removeHandler(collect)
(warning,) = collect.messages
sentences = warning.split(". ")
print("model.save('model.h5') logs:", sentences[1] + ".", sentences[2].split(", e.g")[0] + ".")

# A SavedModel is no longer something load_model reads.
model.export("saved", verbose=False)
try:
    keras.models.load_model("saved")
except ValueError as error:
    print("load_model('saved'): ValueError:", str(error).split(". ")[2] + ".")

# It comes back only as an inference layer that calls one of its endpoints.
layer = keras.layers.TFSMLayer("saved", call_endpoint="serve")
print("TFSMLayer('saved') output shape:", tuple(layer(features).shape))
