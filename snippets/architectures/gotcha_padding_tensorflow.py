import keras
import numpy as np

# padding="same" gives ceil(8 / 2) = 4 outputs, as PyTorch's padding=1 does, but pads
# differently: it needs (4 - 1) * 2 + 3 - 8 = 1 extra row and column, and puts it at the
# bottom and right. PyTorch's padding=1 pads 1 on every side, so every window is shifted.
rng = np.random.default_rng(0)
images = rng.standard_normal((1, 8, 8, 1), dtype=np.float32)  # NHWC: one 8x8 image
weight = rng.standard_normal((2, 1, 3, 3), dtype=np.float32)  # (out, in, kh, kw), PyTorch's order
bias = rng.standard_normal(2, dtype=np.float32)
kernel = weight.transpose(2, 3, 1, 0)  # Keras kernel: (kh, kw, in, out)

same = keras.layers.Conv2D(2, kernel_size=3, strides=2, padding="same")
same.build((None, 8, 8, 1))
same.set_weights([kernel, bias])
output_same = same(images)
print('padding="same", output (N, H, W, C):', tuple(output_same.shape))
print("output_same[0, 0, :, 0]:", output_same[0, 0, :, 0].numpy().round(4))

# The fix: pad explicitly, 1 on every side as PyTorch does, then convolve with "valid".
padded = keras.Sequential(
    [
        keras.Input((8, 8, 1)),
        keras.layers.ZeroPadding2D(1),
        keras.layers.Conv2D(2, kernel_size=3, strides=2, padding="valid"),
    ]
)
padded.layers[-1].set_weights([kernel, bias])
output = padded(images)
print("ZeroPadding2D(1) + valid, output:", tuple(output.shape))
print("output[0, 0, :, 0]:", output[0, 0, :, 0].numpy().round(4))
print('"same" equals explicit padding:', bool(np.allclose(output_same, output, atol=1e-5)))

# With stride 1 and an odd kernel, "same" pads (k - 1) / 2 on every side, as PyTorch's
# padding=k // 2 does: the two ways agree.
same_stride1 = keras.layers.Conv2D(2, kernel_size=3, padding="same")
same_stride1.build((None, 8, 8, 1))
same_stride1.set_weights([kernel, bias])
padded_stride1 = keras.Sequential(
    [
        keras.Input((8, 8, 1)),
        keras.layers.ZeroPadding2D(1),
        keras.layers.Conv2D(2, kernel_size=3, padding="valid"),
    ]
)
padded_stride1.layers[-1].set_weights([kernel, bias])
stride1_agree = bool(np.allclose(same_stride1(images), padded_stride1(images), atol=1e-5))
print('stride 1: "same" equals explicit padding:', stride1_agree)
