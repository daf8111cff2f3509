from pathlib import Path

import keras
import numpy as np
from PIL import Image

# A tiny image folder, one subfolder per class: images/cat/0.png ... images/dog/2.png
rng = np.random.default_rng(0)
for name in ["cat", "dog"]:
    folder = Path("images") / name
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(3):
        pixels = rng.integers(0, 256, size=(8, 8, 3), dtype=np.uint8)  # height, width, RGB
        Image.fromarray(pixels).save(folder / f"{i}.png")

keras.utils.set_random_seed(0)
dataset = keras.utils.image_dataset_from_directory(
    "images",
    image_size=(8, 8),  # every image is resized to this; the default is (256, 256)
    batch_size=4,
    shuffle=False,  # the default True shuffles (pass seed= for a fixed order)
)
class_names = dataset.class_names
print(class_names)
print(dataset.file_paths)

for x, y in dataset:
    print(x.shape, x.dtype.name, y.dtype.name, y.numpy().tolist())

labels = [int(label) for x, y in dataset for label in y]
first_image = next(iter(dataset))[0][0]  # (8, 8, 3): height, width, channels
first_pixels = first_image / 255.0  # floats 0..255 until scaled, e.g. by keras.layers.Rescaling
print(first_image.shape, first_pixels[0, 0])  # the top-left pixel's RGB
print("largest value:", float(np.max(first_image)))
