import os

import keras
import numpy as np
import onnx
import onnxruntime as ort
import tensorflow as tf
import tf2onnx
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

# The model, data and training of the Training loops page, in onnx_pytorch.py too.
digits = load_digits()
x_train, x_test, y_train, y_test = train_test_split(
    (digits.data / 16.0).astype(np.float32), digits.target, test_size=0.25, random_state=0
)
rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 32)).astype(np.float32)
w2 = rng.normal(0.0, np.sqrt(2 / 32), size=(32, 10)).astype(np.float32)

# Train on the CPU: this page is about the file, and the CPU gives the same bits everywhere.
with tf.device("/CPU:0"):
    # Functional, not Sequential: tf2onnx converts only the former (see Export and deployment).
    pixels = keras.Input(shape=(64,), name="pixels")
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
    kernel1_trained = model.layers[1].kernel.numpy()
    logits = model(x_test, training=False).numpy()
print(f"trained: test accuracy {(logits.argmax(axis=1) == y_test).mean():.3f}")

signature = [tf.TensorSpec((None, 64), tf.float32, name="pixels")]
onnx_model, _ = tf2onnx.convert.from_keras(model, input_signature=signature, opset=18)
# tf2onnx names the free batch dimension from a global counter ("unk__6", then "unk__11"
# on the next conversion): give it one stable name, as torch.onnx.export does.
for value in [*onnx_model.graph.input, *onnx_model.graph.output]:
    value.type.tensor_type.shape.dim[0].dim_param = "batch"
onnx.save(onnx_model, "digits.onnx")
print("digits.onnx:", os.path.getsize("digits.onnx"), "bytes")

# What a server runs: ONNX Runtime only, neither framework.
session = ort.InferenceSession("digits.onnx", providers=["CPUExecutionProvider"])
onnx_logits = session.run(None, {"pixels": x_test})[0]
predicted = onnx_logits.argmax(axis=1)
print("ONNX Runtime matches the model:", np.allclose(onnx_logits, logits, atol=1e-5))
print("first ten test digits:", predicted[:10])
