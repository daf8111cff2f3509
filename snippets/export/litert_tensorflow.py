import logging
import os
import warnings

import keras
import numpy as np
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter

keras.utils.set_random_seed(0)
tensorflow_version = tf.__version__

# The same weights and inputs as onnx_pytorch.py (multiples of 1/4, exact in float32).
rng = np.random.default_rng(0)
kernel1 = (rng.integers(-4, 5, size=(4, 3)) / 4).astype(np.float32)
bias1 = (rng.integers(-4, 5, size=3) / 4).astype(np.float32)
kernel2 = (rng.integers(-4, 5, size=(3, 2)) / 4).astype(np.float32)
bias2 = (rng.integers(-4, 5, size=2) / 4).astype(np.float32)
features = (rng.integers(-4, 5, size=(6, 4)) / 4).astype(np.float32)

# LiteRT targets phones and microcontrollers: convert on the CPU, whatever this machine has.
model = keras.Sequential(
    [keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)]
)
model.set_weights([kernel1, bias1, kernel2, bias2])
y_model = model.predict(features, verbose=0)

# Export a SavedModel, then convert it.
model.export("saved", verbose=False)
converter = tf.lite.TFLiteConverter.from_saved_model("saved")
with open("model.tflite", "wb") as file:
    file.write(converter.convert())
print("model.tflite:", os.path.getsize("model.tflite"), "bytes")

# The interpreter that used to ship with TensorFlow still exists, and warns.
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    tf.lite.Interpreter(model_path="model.tflite")
(deprecation,) = caught
sentences = " ".join(str(deprecation.message).split()).removeprefix("Warning: ").split(". ")
interpreter_deprecation = sentences[0] + "."
print(f"tf.lite.Interpreter: {deprecation.category.__name__}: {interpreter_deprecation}")
print(f"  {sentences[1]}.")

# Its replacement, from the ai-edge-litert package.
fresh = Interpreter(model_path="model.tflite")
print("input shape as converted:", fresh.get_input_details()[0]["shape"])


def run_litert(path, inputs):
    """Run a .tflite file with the LiteRT interpreter, resized to the batch."""
    interpreter = Interpreter(model_path=path)
    input_index = interpreter.get_input_details()[0]["index"]
    interpreter.resize_tensor_input(input_index, inputs.shape)
    interpreter.allocate_tensors()
    interpreter.set_tensor(input_index, inputs)
    interpreter.invoke()
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])


y_exported = run_litert("model.tflite", features)
print(y_exported)
print("max difference from the model:", float(np.abs(y_exported - y_model).max()))


class Collect(logging.Handler):
    """Keep what TensorFlow's converter logs (through absl)."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


# A trap: converting a concrete function and passing the model as well gives
# a file that runs without error and returns wrong numbers.
serve = tf.function(model).get_concrete_function(tf.TensorSpec((None, 4), tf.float32))
for label, trackable in [("without the model", None), ("with the model", model)]:
    collect = Collect()
    logging.getLogger("absl").addHandler(collect)
    converter = tf.lite.TFLiteConverter.from_concrete_functions([serve], trackable)
    logging.getLogger("absl").removeHandler(collect)
    with open("concrete.tflite", "wb") as file:
        file.write(converter.convert())
    close = np.allclose(run_litert("concrete.tflite", features), y_model, atol=1e-6)
    print(f"from_concrete_functions {label}: matches the model: {close}")
    for message in collect.messages:
        if "deprecated" in message:
            print("  logged:", message.split(". ")[1])
