import keras
import numpy as np
from sklearn.datasets import load_digits

keras.utils.set_random_seed(0)

digits = load_digits()  # 8x8 images of handwritten digits, bundled with scikit-learn
n_features = digits.data.shape[1]  # 64 pixels: the width of the input layer
n_classes = len(np.unique(digits.target))  # 10 digits: the width of the output layer
batch = (digits.data[:5] / 16.0).astype("float32")

network = keras.Sequential(
    [
        keras.Input(shape=(n_features,)),  # the input layer: a shape, no weights
        keras.layers.Dense(32),  # hidden layer 1
        keras.layers.ReLU(),
        keras.layers.Dense(16),  # hidden layer 2
        keras.layers.ReLU(),
        keras.layers.Dense(n_classes),  # output layer: one score (logit) per class
    ]
)

shapes, parameter_counts = [], []
x = batch
print(f"{'input':<10} {tuple(x.shape)}")
for layer in network.layers:
    x = layer(x)
    count = layer.count_params()
    shapes.append(tuple(x.shape))
    parameter_counts.append(count)
    print(f"{type(layer).__name__:<10} {tuple(x.shape)!s:<10} {count:>5} parameters")

parameter_count = sum(parameter_counts)
print("total parameters:", parameter_count)
print("output width == number of classes:", x.shape[1] == n_classes)
print("first layer's weight matrix:", tuple(network.layers[0].kernel.shape))  # (in, out)
