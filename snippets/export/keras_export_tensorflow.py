import re

import keras
import numpy as np
import onnxruntime as ort
from ai_edge_litert.interpreter import Interpreter

keras.utils.set_random_seed(0)

# The same weights and inputs as onnx_pytorch.py (multiples of 1/4, exact in float32).
rng = np.random.default_rng(0)
kernel1 = (rng.integers(-4, 5, size=(4, 3)) / 4).astype(np.float32)
bias1 = (rng.integers(-4, 5, size=3) / 4).astype(np.float32)
kernel2 = (rng.integers(-4, 5, size=(3, 2)) / 4).astype(np.float32)
bias2 = (rng.integers(-4, 5, size=2) / 4).astype(np.float32)
features = (rng.integers(-4, 5, size=(6, 4)) / 4).astype(np.float32)

# A Sequential model: the kind that tf2onnx.convert.from_keras fails on (onnx_tensorflow.py).
model = keras.Sequential(
    [keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)]
)
model.set_weights([kernel1, bias1, kernel2, bias2])
y_model = model.predict(features, verbose=0)

# Keras's own exporter. "onnx" needs the tf2onnx package on the TensorFlow backend.
model.export("model.onnx", format="onnx", verbose=False)
session = ort.InferenceSession("model.onnx", providers=["CPUExecutionProvider"])
(onnx_input,) = session.get_inputs()
y_exported = session.run(None, {onnx_input.name: features})[0]
batch = onnx_input.shape[0]  # tf2onnx's name for it, "unk__" and a process-wide counter
print('format="onnx": batch dimension:', re.sub(r"\d+$", "N", batch))
print("max difference from the model:", float(np.abs(y_exported - y_model).max()))

# "litert" runs TensorFlow's LiteRT converter; the file runs in ai_edge_litert.
model.export("model.tflite", format="litert", verbose=False)
interpreter = Interpreter(model_path="model.tflite")
input_index = interpreter.get_input_details()[0]["index"]
interpreter.resize_tensor_input(input_index, features.shape)
interpreter.allocate_tensors()
interpreter.set_tensor(input_index, features)
interpreter.invoke()
y_litert = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
print('format="litert"')
print("max difference from the model:", float(np.abs(y_litert - y_model).max()))
