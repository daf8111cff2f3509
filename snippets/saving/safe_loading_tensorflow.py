import os

import keras
import numpy as np

keras.utils.set_random_seed(0)


def marker_exists():
    return os.path.exists("marker.txt")


# A Lambda layer wrapping a Python lambda: its bytecode is stored in the file.
# The "payload" writes a harmless marker file; it could be any Python code.
inputs = keras.Input((2,))
outputs = keras.layers.Lambda(lambda x: (open("marker.txt", "w").close(), x)[1])(inputs)
model = keras.Model(inputs, outputs)  # building the graph already called the lambda once
os.remove("marker.txt")
model.save("untrusted.keras")

refused = False
try:
    keras.models.load_model("untrusted.keras")  # safe_mode=True by default
except ValueError as error:
    refused = True
    print(type(error).__name__)
    print(str(error).split(". ")[0])
payload_ran = marker_exists()
print("refused:", refused, "| payload ran:", payload_ran)

# DANGEROUS: safe_mode=False deserialises the lambda's bytecode, and rebuilding
# the functional graph calls it. Only ever do this with a file you trust.
loaded = keras.models.load_model("untrusted.keras", safe_mode=False)  # DANGEROUS
print("after safe_mode=False, payload ran on load:", marker_exists())
os.remove("marker.txt")
loaded(np.ones((1, 2), dtype="float32"))  # and on every call
print("and again when called:", marker_exists())
