"""Pre-train the shapes study's backbone on a different task; write it for both frameworks.

The task: tell arrows, bars, rings and stars apart (shapes_data.PRETRAIN_CLASSES), never the
study's circles, crosses, squares and triangles. One pre-training run in PyTorch; the Keras
file holds the same numbers, moved layer by layer, and the script checks that both backbones
compute the same features before it writes anything.

Run from the repository root (about half a minute of CPU time, on one thread):

    python notebooks/shapes/pretrain_backbone.py

It rewrites notebooks/shapes/assets/backbone.safetensors and backbone.weights.h5 and prints
their sha256, which notebooks/shapes/assets/README.md records.
"""

import hashlib
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from torch import nn

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from backbone_torch import FEATURES, make_backbone  # noqa: E402
from shapes_data import PRETRAIN_CLASSES, make_pretraining_set  # noqa: E402

ASSETS = HERE / "assets"
SEED = 1234
TRAIN_PER_CLASS, HELD_OUT_PER_CLASS = 500, 100
EPOCHS, BATCH_SIZE, PEAK_LEARNING_RATE = 12, 64, 1e-2


def to_tensor(images):
    """uint8 N x H x W x 3 -> float N x 3 x H x W in [0, 1]."""
    return torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255


def flip_and_turn(images, generator):
    """Random horizontal flips and quarter turns: they keep every pre-training class."""
    flip = torch.rand(len(images), generator=generator) < 0.5
    images = torch.where(flip[:, None, None, None], images.flip(-1), images)
    turns = torch.randint(0, 4, (len(images),), generator=generator).tolist()
    return torch.stack(
        [torch.rot90(image, k, dims=(1, 2)) for image, k in zip(images, turns, strict=True)]
    )


def pretrain():
    """Train backbone and head on the pre-training task; return the backbone, held-out images."""
    torch.set_num_threads(1)  # one thread: no run-to-run variation from how work is split
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    generator = torch.Generator().manual_seed(SEED)
    images, labels = make_pretraining_set(TRAIN_PER_CLASS + HELD_OUT_PER_CLASS, seed=SEED)
    held_out = np.arange(len(labels)) % (TRAIN_PER_CLASS + HELD_OUT_PER_CLASS) >= TRAIN_PER_CLASS
    x_train, y_train = to_tensor(images[~held_out]), torch.from_numpy(labels[~held_out])
    x_held, y_held = to_tensor(images[held_out]), torch.from_numpy(labels[held_out])

    backbone = make_backbone()
    model = nn.Sequential(backbone, nn.Linear(FEATURES, len(PRETRAIN_CLASSES)))
    optimizer = torch.optim.Adam(model.parameters(), lr=PEAK_LEARNING_RATE)
    steps_per_epoch = len(y_train) // BATCH_SIZE
    # One-cycle schedule: the small final steps also let BatchNorm's running statistics settle.
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, PEAK_LEARNING_RATE, total_steps=EPOCHS * steps_per_epoch
    )
    for epoch in range(EPOCHS):
        model.train()
        order = torch.randperm(len(y_train), generator=generator)
        for step in range(steps_per_epoch):
            batch = order[step * BATCH_SIZE : (step + 1) * BATCH_SIZE]
            loss = F.cross_entropy(model(flip_and_turn(x_train[batch], generator)), y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        model.eval()
        with torch.no_grad():
            accuracy = (model(x_held).argmax(1) == y_held).float().mean().item()
        print(f"epoch {epoch + 1}: loss {loss.item():.4f}, held-out accuracy {accuracy:.4f}")
    return backbone, x_held


def keras_backbone_from(backbone):
    """The Keras backbone with the PyTorch backbone's weights (conv kernels OIHW -> HWIO)."""
    from backbone_keras import make_backbone as make_keras_backbone

    keras_backbone = make_keras_backbone()
    convs = [m for m in backbone if isinstance(m, nn.Conv2d)]
    norms = [m for m in backbone if isinstance(m, nn.BatchNorm2d)]
    for i, (conv, norm) in enumerate(zip(convs, norms, strict=True)):
        keras_backbone.get_layer(f"conv{i}").set_weights(
            [conv.weight.detach().permute(2, 3, 1, 0).numpy()]
        )
        keras_backbone.get_layer(f"bn{i}").set_weights(
            [
                t.detach().numpy()
                for t in (norm.weight, norm.bias, norm.running_mean, norm.running_var)
            ]
        )
    return keras_backbone


def main():
    """Pre-train, move the weights to Keras, compare the two, write both files."""
    backbone, x_held = pretrain()
    keras_backbone = keras_backbone_from(backbone)
    backbone.eval()
    with torch.no_grad():
        torch_features = backbone(x_held).numpy()
    keras_features = keras_backbone(x_held.permute(0, 2, 3, 1).numpy(), training=False).numpy()
    difference = float(np.abs(torch_features - keras_features).max())
    print(f"max |PyTorch - Keras| feature difference on held-out images: {difference:.2e}")
    if difference > 1e-3:
        sys.exit("the Keras backbone does not match the PyTorch one; nothing written")

    ASSETS.mkdir(exist_ok=True)
    save_file(backbone.state_dict(), ASSETS / "backbone.safetensors")
    keras_backbone.save_weights(ASSETS / "backbone.weights.h5")
    for name in ("backbone.safetensors", "backbone.weights.h5"):
        data = (ASSETS / name).read_bytes()
        print(f"{name}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
