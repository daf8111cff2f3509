import re

import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(0)
images = np.random.default_rng(0).random((2, 8, 8, 1), dtype=np.float32)  # (N, H, W, C)
print("Keras default layout:", keras.config.image_data_format())

with tf.device("/CPU:0"):  # on the CPU even where a GPU is visible
    channels_last = keras.layers.Conv2D(4, kernel_size=3)
    print("channels_last output:", tuple(channels_last(images).shape))

    # The same layer told to read (N, C, H, W), PyTorch's layout:
    channels_first = keras.layers.Conv2D(4, kernel_size=3, data_format="channels_first")
    try:
        channels_first(images.transpose(0, 3, 1, 2))
        print("channels_first output: it runs")
    except tf.errors.UnimplementedError as error:
        print("channels_first:", type(error).__name__)
        print(re.search(r"The Conv2D op [^\[]*", str(error)).group().strip())
