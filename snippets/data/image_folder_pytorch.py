from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset

# A tiny image folder, one subfolder per class: images/cat/0.png ... images/dog/2.png
rng = np.random.default_rng(0)
for name in ["cat", "dog"]:
    folder = Path("images") / name
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(3):
        pixels = rng.integers(0, 256, size=(8, 8, 3), dtype=np.uint8)  # height, width, RGB
        Image.fromarray(pixels).save(folder / f"{i}.png")


class ImageFolder(Dataset):
    """Class-per-subfolder images, like torchvision.datasets.ImageFolder."""

    def __init__(self, root):
        self.classes = sorted(p.name for p in Path(root).iterdir() if p.is_dir())
        self.class_to_idx = {name: index for index, name in enumerate(self.classes)}
        self.samples = [
            (path, self.class_to_idx[name])
            for name in self.classes
            for path in sorted((Path(root) / name).glob("*.png"))
        ]

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, index):
        path, label = self.samples[index]
        with Image.open(path) as image:
            pixels = np.array(image.convert("RGB"))  # (H, W, C) uint8, a writable copy
        # What torchvision's ToTensor does: channels first, floats in [0, 1].
        x = torch.from_numpy(pixels).permute(2, 0, 1).float() / 255.0
        return x, label


dataset = ImageFolder("images")
class_names = dataset.classes
print(class_names, dataset.class_to_idx)
print([(path.as_posix(), label) for path, label in dataset.samples])

loader = DataLoader(dataset, batch_size=4)  # shuffle=False: folder order
for x, y in loader:
    print(x.shape, x.dtype, y.dtype, y.tolist())

labels = [label for x, label in dataset]
first_image = dataset[0][0]  # (3, 8, 8): channels, height, width
first_pixels = first_image.permute(1, 2, 0)  # (8, 8, 3), to compare with TensorFlow
print(first_image.shape, first_pixels[0, 0])  # the top-left pixel's RGB
print("largest value:", round(float(first_image.max()), 4))
