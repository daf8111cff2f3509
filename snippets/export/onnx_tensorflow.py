import os

import keras
import numpy as np
import onnx
import onnxruntime as ort
import tensorflow as tf
import tf2onnx

keras.utils.set_random_seed(0)

# The same weights and inputs as onnx_pytorch.py (multiples of 1/4, exact in float32).
rng = np.random.default_rng(0)
kernel1 = (rng.integers(-4, 5, size=(4, 3)) / 4).astype(np.float32)
bias1 = (rng.integers(-4, 5, size=3) / 4).astype(np.float32)
kernel2 = (rng.integers(-4, 5, size=(3, 2)) / 4).astype(np.float32)
bias2 = (rng.integers(-4, 5, size=2) / 4).astype(np.float32)
features = (rng.integers(-4, 5, size=(6, 4)) / 4).astype(np.float32)

# Convert on the CPU, as onnx_pytorch.py exports on the CPU.
with tf.device("/CPU:0"):
    # tf2onnx converts Functional models; a Keras 3 Sequential model fails (see the page).
    inputs = keras.Input((4,), name="features")
    hidden = keras.layers.Dense(3, activation="relu")(inputs)
    outputs = keras.layers.Dense(2)(hidden)
    model = keras.Model(inputs, outputs)
    model.set_weights([kernel1, bias1, kernel2, bias2])
    y_model = model.predict(features, verbose=0)

signature = [tf.TensorSpec((None, 4), tf.float32, name="features")]  # any batch size
onnx_model, _ = tf2onnx.convert.from_keras(model, input_signature=signature, opset=18)
# tf2onnx names the free batch dimension "unk__N", from a counter that grows with every
# name it makes in this process: give it one stable name, as torch.onnx.export does.
for value in [*onnx_model.graph.input, *onnx_model.graph.output]:
    value.type.tensor_type.shape.dim[0].dim_param = "batch"
onnx.save(onnx_model, "model.onnx")
print("model.onnx:", os.path.getsize("model.onnx"), "bytes")
saved = onnx.load("model.onnx")
print("metadata on each node:", sorted({p.key for n in saved.graph.node for p in n.metadata_props}))
print("shapes of intermediate values:", len(saved.graph.value_info))

session = ort.InferenceSession("model.onnx", providers=["CPUExecutionProvider"])
(onnx_input,) = session.get_inputs()
print("input:", onnx_input.name, onnx_input.shape)  # a str is a symbolic dimension
y_exported = session.run(None, {"features": features})[0]
print(y_exported)
print("max difference from the model:", float(np.abs(y_exported - y_model).max()))

# The same call on a Sequential model with the same layers fails inside tf2onnx 1.17.
sequential = keras.Sequential(
    [keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)]
)
try:
    tf2onnx.convert.from_keras(sequential, input_signature=signature, opset=18)
except KeyError:
    print("Sequential model: tf2onnx raises KeyError")
