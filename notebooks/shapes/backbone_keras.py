"""The small convolutional backbone, Keras version: the same layers as backbone_torch.py."""

import keras
from keras import layers, ops

FEATURES = 32


@keras.saving.register_keras_serializable(package="shapes")
class PerImageStandardization(layers.Layer):
    """Subtract each image's mean colour and divide by its spread.

    Colour and brightness say nothing about the shape, so the network starts without them.
    """

    def call(self, images):
        """Standardise a batch of N x H x W x 3 images."""
        mean = ops.mean(images, axis=(1, 2), keepdims=True)
        spread = ops.std(images, axis=(1, 2, 3), keepdims=True)
        return (images - mean) / (spread + 1e-3)


def make_backbone(image_size=32):
    """Standardise, three conv-BN-ReLU-pool blocks, then global average pooling.

    BatchNormalization gets PyTorch's defaults (momentum 0.1 there is 0.9 here,
    epsilon 1e-5), so weights moved from the PyTorch backbone compute the same features.
    """
    inputs = keras.Input((image_size, image_size, 3))
    x = PerImageStandardization(name="standardize")(inputs)
    for i, width in enumerate((8, 16, FEATURES)):
        x = layers.Conv2D(width, 3, padding="same", use_bias=False, name=f"conv{i}")(x)
        x = layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name=f"bn{i}")(x)
        x = layers.ReLU(name=f"relu{i}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{i}")(x)
    outputs = layers.GlobalAveragePooling2D(name="pool")(x)
    return keras.Model(inputs, outputs, name="backbone")
