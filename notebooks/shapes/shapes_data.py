"""Generated shape images: the study's folder of PNGs and a second task to pre-train on."""

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

IMAGE_SIZE = 32
CLASSES = ("circle", "cross", "square", "triangle")
# Different shapes for pre-training: the backbone never sees the study's classes.
PRETRAIN_CLASSES = ("arrow", "bar", "ring", "star")
IMAGES_PER_CLASS = {"train": 80, "val": 20, "test": 50}

_SUPERSAMPLE = 4  # draw 4x larger, then average down: smooth edges without blur
_NOISE_STD = 12.0


def _polygon(kind, r):
    """Vertices (around the origin) of a polygon shape of radius about r."""
    if kind == "square":
        angles, radii = np.arange(4) * np.pi / 2, np.full(4, r)
    elif kind == "triangle":
        angles, radii = np.arange(3) * 2 * np.pi / 3, np.full(3, r)
    elif kind == "star":
        angles, radii = np.arange(10) * np.pi / 5, np.tile([r, 0.45 * r], 5)
    elif kind == "cross":
        a = 0.33 * r
        points = [(a, r), (a, a), (r, a), (r, -a), (a, -a), (a, -r)]
        points += [(-x, -y) for x, y in points]
        return np.array(points)
    elif kind == "bar":
        a = 0.28 * r
        return np.array([(-r, -a), (r, -a), (r, a), (-r, a)])
    elif kind == "arrow":
        a, h = 0.25 * r, 0.2 * r
        return np.array([(-r, -a), (h, -a), (h, -r), (r, 0), (h, r), (h, a), (-r, a)])
    else:
        raise ValueError(f"unknown shape {kind!r}")
    return np.stack([radii * np.cos(angles), radii * np.sin(angles)], axis=1)


def _random_colours(rng):
    """A background and a foreground colour, the same distribution for every class."""
    background = rng.integers(0, 256, size=3)
    while True:
        foreground = rng.integers(0, 256, size=3)
        if np.abs(foreground - background).sum() > 150:  # keep the shape visible
            return tuple(int(c) for c in background), tuple(int(c) for c in foreground)


def draw_shape(rng, kind, size=IMAGE_SIZE):
    """One RGB image of `kind` with random size, position, rotation, colours and noise."""
    big = size * _SUPERSAMPLE
    background, foreground = _random_colours(rng)
    r = rng.uniform(0.22, 0.4) * big
    centre = rng.uniform(r + 2, big - r - 2, size=2)
    angle = rng.uniform(0, 2 * np.pi)
    image = Image.new("RGB", (big, big), background)
    draw = ImageDraw.Draw(image)
    if kind in ("circle", "ring"):
        box = [centre[0] - r, centre[1] - r, centre[0] + r, centre[1] + r]
        width = int(0.3 * r) if kind == "ring" else 0
        draw.ellipse(box, fill=None if width else foreground, outline=foreground, width=width)
    else:
        rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        points = _polygon(kind, r) @ rotation.T + centre
        draw.polygon([tuple(p) for p in points], fill=foreground)
    small = np.asarray(image.resize((size, size), Image.Resampling.BOX), dtype=np.float64)
    noisy = small + rng.normal(0.0, _NOISE_STD, size=small.shape)
    return np.clip(np.rint(noisy), 0, 255).astype(np.uint8)


def make_shapes(root="shapes", seed=0):
    """Write root/{train,val,test}/<class>/<nnnn>.png and return the root as a Path."""
    root = Path(root)
    for split_index, (split, count) in enumerate(IMAGES_PER_CLASS.items()):
        rng = np.random.default_rng([seed, split_index])
        for kind in CLASSES:
            folder = root / split / kind
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(count):
                Image.fromarray(draw_shape(rng, kind)).save(folder / f"{i:04d}.png")
    return root


def read_split(folder):
    """All images of one split as (uint8 array N x H x W x 3, labels, class names), sorted."""
    class_names = sorted(p.name for p in Path(folder).iterdir() if p.is_dir())
    images, labels = [], []
    for label, name in enumerate(class_names):
        for path in sorted((Path(folder) / name).glob("*.png")):
            images.append(np.asarray(Image.open(path).convert("RGB")))
            labels.append(label)
    return np.stack(images), np.array(labels), class_names


def make_pretraining_set(count_per_class, seed):
    """The pre-training task in memory: (uint8 images N x H x W x 3, labels) of PRETRAIN_CLASSES."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(PRETRAIN_CLASSES)), count_per_class)
    images = np.stack([draw_shape(rng, PRETRAIN_CLASSES[label]) for label in labels])
    return images, labels
