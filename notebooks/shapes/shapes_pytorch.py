# %% [markdown]
# # Which shape is this? (PyTorch)
#
# A folder of small pictures, one sub-folder per class: `circle`, `cross`, `square`, `triangle`.
# Every shape comes with a random colour, size, position, rotation, background colour and pixel
# noise, so the only thing that tells the classes apart is the shape itself. This notebook
#
# 1. writes that folder to disk and reads it back the way you would read your own photos,
# 2. augments the training images with flips, rotations and shifts that keep the class,
# 3. trains a small convolutional network from scratch,
# 4. reuses a backbone pre-trained on *other* shapes: first frozen, then fine-tuned,
# 5. stops a training run half-way, saves a checkpoint, resumes it in a fresh model and checks
#    that the result equals the run that was never interrupted,
# 6. looks at the mistakes: a confusion matrix and the misclassified test images.
#
# The Keras version of the same study is in the TensorFlow notebook next to this one.

# %%
import json
import urllib.request
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from safetensors.torch import load_file
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix
from torch import nn
from torch.utils.data import DataLoader, Dataset

SEED = 0
torch.set_num_threads(1)  # a tiny model: one thread keeps it fast on a busy, shared machine
torch.manual_seed(SEED)
torch.use_deterministic_algorithms(True)

# %% [markdown]
# ## The data: a folder of generated images
#
# The images are drawn by the code below rather than downloaded, so the notebook runs anywhere
# without a network and you can see exactly what makes a class. Colours are drawn from the same
# distribution for every class, so a model cannot cheat by colour or brightness.

# %%
from shapes_data import make_shapes, read_split  # dlref:inline

# %%
from shapes_plots import show_confusion_matrix, show_examples, show_misclassified  # dlref:inline

# %%
root = make_shapes("shapes", seed=SEED)
counts = {
    split: {
        folder.name: len(list(folder.glob("*.png"))) for folder in sorted((root / split).iterdir())
    }
    for split in ("train", "val", "test")
}
print("\n".join(f"{split}: {per_class}" for split, per_class in counts.items()))

# %% tags=["examples"]
# Alt: Training images, one row per class, each shape in random colours on a random background.
train_images, train_labels, class_names = read_split("shapes/train")
test_images, test_labels, _ = read_split("shapes/test")
show_examples(train_images, train_labels, class_names)

# %% [markdown]
# Is colour really useless? A logistic regression that sees only each image's mean colour
# (three numbers) should stay near chance, one in four:


# %%
def mean_colour(images):
    """Each image's average red, green and blue: the only input of the baseline."""
    return images.reshape(len(images), -1, 3).mean(axis=1)


colour_baseline = LogisticRegression(max_iter=1000).fit(mean_colour(train_images), train_labels)
colour_accuracy = colour_baseline.score(mean_colour(test_images), test_labels)
print(f"mean-colour baseline, test accuracy: {colour_accuracy:.4f}")

# %% [markdown]
# ## Reading the folder
#
# At home, with `torchvision` installed, `datasets.ImageFolder` reads a folder laid out like
# this one (`root/<class>/<image>`) in one line:
#
# <!-- dlref:not-run: needs torchvision, which this project does not install -->
# ```python
# from torchvision import datasets, transforms
#
# train_set = datasets.ImageFolder("shapes/train", transform=transforms.ToTensor())
# ```
#
# This project does not install `torchvision`, so the class below does that job with PIL and a
# `torch.utils.data.Dataset`, and you can see what happens inside: take the class names from the
# sub-folder names in sorted order, list the files once, open one image per `__getitem__`, and
# return a float tensor in channels-first order (3 x 32 x 32, values in [0, 1]) with the index
# of its folder as the label.


# %%
class ImageFolderDataset(Dataset):
    """Images in root/<class>/*.png, labelled by the index of their folder in sorted order."""

    def __init__(self, root):
        self.classes = sorted(folder.name for folder in Path(root).iterdir() if folder.is_dir())
        self.samples = [
            (path, label)
            for label, name in enumerate(self.classes)
            for path in sorted((Path(root) / name).glob("*.png"))
        ]

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, index):
        path, label = self.samples[index]
        image = np.asarray(Image.open(path).convert("RGB"), dtype=np.float32) / 255
        return torch.from_numpy(image).permute(2, 0, 1), label


train_set = ImageFolderDataset("shapes/train")
val_set = ImageFolderDataset("shapes/val")
test_set = ImageFolderDataset("shapes/test")
image, label = train_set[0]
print(train_set.classes, len(train_set), len(val_set), len(test_set), tuple(image.shape), label)

# %% [markdown]
# The training loader shuffles with its own `torch.Generator`. Keeping the shuffling (and the
# augmentation below) on one generator we create makes the whole run a function of one seed, and
# it is what lets us save and restore the run's randomness later.

# %%
BATCH_SIZE = 32


def training_loader(generator):
    """Shuffled training batches, the order drawn from `generator`."""
    return DataLoader(train_set, batch_size=BATCH_SIZE, shuffle=True, generator=generator)


val_loader = DataLoader(val_set, batch_size=100)
test_loader = DataLoader(test_set, batch_size=100)

# %% [markdown]
# ## Augmentation with tensor operations
#
# A circle turned, mirrored or moved a little is still a circle, so each training batch gets a
# random flip, a random rotation by any angle and a random shift of up to 10 % of the width.
# Without `torchvision.transforms`, one affine map per image does all three:
# `F.affine_grid` builds the sampling grid and `F.grid_sample` resamples the image, filling the
# corners with the nearest border pixels.


# %%
def augment(images, generator):
    """Randomly flip, rotate and shift each image of a batch (N x 3 x H x W)."""
    n = len(images)
    angle = (torch.rand(n, generator=generator) * 2 - 1) * torch.pi
    flip = torch.where(torch.rand(n, generator=generator) < 0.5, -1.0, 1.0)
    shift = (
        torch.rand(n, 2, generator=generator) * 2 - 1
    ) * 0.2  # the grid spans [-1, 1]: 0.2 is 10 %
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.stack(
        [
            torch.stack([cos * flip, -sin, shift[:, 0]], dim=1),
            torch.stack([sin * flip, cos, shift[:, 1]], dim=1),
        ],
        dim=1,
    )
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, padding_mode="border", align_corners=False)


# %% tags=["augmented"]
# Alt: Eight training images (top row) and the same images randomly flipped, turned and shifted.
originals = torch.stack(
    [train_set[i][0] for i in range(0, len(train_set), len(train_set) // 8)][:8]
)
augmented = augment(originals, torch.Generator().manual_seed(SEED))
show_examples(
    (torch.cat([originals, augmented]) * 255).round().to(torch.uint8).permute(0, 2, 3, 1).numpy(),
    np.repeat([0, 1], 8),
    ["original", "augmented"],
)

# %% [markdown]
# ## The model: a small backbone and a linear head
#
# The backbone turns a 32 x 32 image into a vector of features; the head maps the features to
# four class scores. The same backbone code is used for training from scratch and for transfer
# learning, so the comparison is only about where the backbone's weights start.

# %%
from backbone_torch import FEATURES, make_backbone  # dlref:inline


# %%
def make_model():
    """A fresh backbone with random weights and a linear head for our classes."""
    return nn.Sequential(make_backbone(), nn.Linear(FEATURES, len(class_names)))


def keep_batchnorm_statistics(model):
    """Put every BatchNorm layer in eval mode.

    It then normalises with its stored statistics and stops updating them; its scale and
    shift still train if they require gradients.
    """
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.eval()


def train(model, optimizer, generator, epochs, frozen_statistics=False):
    """Train for `epochs` epochs on augmented batches, drawing all randomness from `generator`."""
    loader = training_loader(generator)
    for _ in range(epochs):
        model.train()
        if frozen_statistics:
            keep_batchnorm_statistics(model)
        for images, labels in loader:
            loss = F.cross_entropy(model(augment(images, generator)), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


def predict(model, loader):
    """The predicted class of every image the loader yields, in order."""
    model.eval()
    with torch.no_grad():
        return torch.cat([model(images).argmax(dim=1) for images, _ in loader]).numpy()


def accuracy(model, loader):
    """The fraction of the loader's images the model classifies correctly."""
    labels = np.array([label for _, label in loader.dataset.samples])
    return float((predict(model, loader) == labels).mean())


def trainable_parameters(model):
    """How many numbers the optimizer updates."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# %% [markdown]
# ## From scratch, with a checkpoint on the way
#
# A checkpoint that lets training continue exactly holds more than the weights: the optimizer's
# state (Adam keeps two running averages per weight and a step count) and the state of every
# random number generator the rest of the run will draw from. Here that is one generator, which
# shuffles the data and draws the augmentations. The run below trains for `EPOCHS` epochs without
# stopping; after `RESUME_AT` epochs it writes a checkpoint, which does not disturb it.

# %%
EPOCHS, RESUME_AT, LEARNING_RATE = 10, 7, 3e-3

torch.manual_seed(SEED)
scratch = make_model()
optimizer = torch.optim.Adam(scratch.parameters(), lr=LEARNING_RATE)
generator = torch.Generator().manual_seed(SEED)
train(scratch, optimizer, generator, RESUME_AT)
torch.save(
    {
        "model": scratch.state_dict(),
        "optimizer": optimizer.state_dict(),
        "generator": generator.get_state(),
        "epoch": RESUME_AT,
    },
    "checkpoint.pt",
)
train(scratch, optimizer, generator, EPOCHS - RESUME_AT)

scratch_parameters = trainable_parameters(scratch)
scratch_val, scratch_test = accuracy(scratch, val_loader), accuracy(scratch, test_loader)
print(
    f"from scratch: {scratch_parameters} trainable parameters, "
    f"validation accuracy {scratch_val:.4f}, test accuracy {scratch_test:.4f}"
)

# %% [markdown]
# ## Resume: the same model as the uninterrupted run
#
# Now pretend the process died after the checkpoint: rebuild the model from fresh random weights
# and a new optimizer, load the checkpoint into both, restore the generator, and train the
# remaining epochs.


# %%
def resume(checkpoint_path, restore_generator=True):
    """Rebuild the model, load the checkpoint and train the remaining epochs."""
    checkpoint = torch.load(checkpoint_path)  # weights_only=True: tensors and plain containers only
    model = make_model()  # fresh random weights, about to be replaced
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    generator = torch.Generator().manual_seed(SEED)
    if restore_generator:
        generator.set_state(checkpoint["generator"])
    train(model, optimizer, generator, EPOCHS - checkpoint["epoch"])
    return model


def max_difference(model_a, model_b):
    """The largest absolute difference between the two models' weights and buffers."""
    pairs = zip(model_a.state_dict().values(), model_b.state_dict().values(), strict=True)
    return max((a.double() - b.double()).abs().max().item() for a, b in pairs)


resumed = resume("checkpoint.pt")
resume_difference = max_difference(scratch, resumed)
print(f"resumed vs uninterrupted, max |difference| over all weights: {resume_difference}")

# %% [markdown]
# Every weight matches. The generator state is not optional: resume once more, this time with
# the generator re-seeded instead of restored, and the data order and augmentations after the
# break differ from the uninterrupted run's, and so do the weights.

# %%
reseeded = resume("checkpoint.pt", restore_generator=False)
reseeded_difference = max_difference(scratch, reseeded)
print(f"generator re-seeded instead of restored, max |difference|: {reseeded_difference:.4f}")

# %% [markdown]
# ## Transfer learning from a pre-trained backbone
#
# With a hub model at home, you would start from ImageNet weights and replace the classifier,
# for example with torchvision or timm:
#
# <!-- dlref:not-run: downloads ImageNet weights -->
# ```python
# import timm
# import torch
# from torchvision import models
#
# weights = models.ResNet18_Weights.DEFAULT
# model = models.resnet18(weights=weights)
# model.fc = torch.nn.Linear(model.fc.in_features, 4)  # a new head for our four classes
# preprocess = weights.transforms()  # the resizing and normalisation those weights expect
#
# model = timm.create_model("resnet18", pretrained=True, num_classes=4)  # the same idea in timm
# ```
#
# Here the backbone is our small one, pre-trained on a different task: telling arrows, bars,
# rings and stars apart (`pretrain_backbone.py` in this study's folder made it; it never saw a
# circle, cross, square or triangle). The notebook uses the committed file when it is next to
# it and downloads it otherwise.

# %%
ASSETS_URL = "https://raw.githubusercontent.com/dlref/dlref/main/notebooks/shapes/assets/"


def asset(name):
    """The committed file `name`: the local copy, or else one downloaded from the repository."""
    path = Path(name)
    if not path.exists():
        urllib.request.urlretrieve(ASSETS_URL + name, path)
    return path


pretrained_weights = load_file(asset("backbone.safetensors"))
print(sorted(pretrained_weights)[:5], len(pretrained_weights), "tensors")

# %% [markdown]
# ### Freezing in PyTorch: gradients and BatchNorm statistics are separate switches
#
# `requires_grad_(False)` stops gradients, but a BatchNorm layer in training mode still
# normalises with the current batch's statistics and still updates its running mean and
# variance. Only eval mode stops that. Checked on the pre-trained backbone:

# %%
probe = make_backbone()
probe.load_state_dict(pretrained_weights)
probe.requires_grad_(False)
batch = torch.stack([train_set[i][0] for i in range(BATCH_SIZE)])
changes = {}
for mode in ("train", "eval"):
    probe.train(mode == "train")
    first_norm = probe[2]  # probe[0] standardises, probe[1] is the first convolution
    before = first_norm.running_mean.clone()
    with torch.no_grad():
        probe(batch)
    changes[mode] = (first_norm.running_mean - before).abs().max().item()
print(
    "requires_grad False; the first BatchNorm's running mean moved by\n"
    f"  {changes['train']:.4f} in train mode, {changes['eval']:.4f} in eval mode"
)

# %% [markdown]
# `model.train()` switches every sub-module back to training mode, so the training loop calls
# `keep_batchnorm_statistics` after it at the start of every epoch. Keras differs: there,
# `trainable = False` on a BatchNormalization layer also makes it run in inference mode (see the
# TensorFlow notebook).
#
# ### Step 1: frozen backbone, train only the new head

# %%
FROZEN_EPOCHS, HEAD_LEARNING_RATE = 5, 1e-2

torch.manual_seed(SEED)
transfer = make_model()
backbone, head = transfer[0], transfer[1]
backbone.load_state_dict(pretrained_weights)
backbone.requires_grad_(False)
optimizer = torch.optim.Adam(head.parameters(), lr=HEAD_LEARNING_RATE)
generator = torch.Generator().manual_seed(SEED)
train(transfer, optimizer, generator, FROZEN_EPOCHS, frozen_statistics=True)
frozen_parameters = trainable_parameters(transfer)
frozen_val, frozen_test = accuracy(transfer, val_loader), accuracy(transfer, test_loader)
print(
    f"frozen backbone: {frozen_parameters} trainable parameters, "
    f"validation accuracy {frozen_val:.4f}, test accuracy {frozen_test:.4f}"
)

# %% [markdown]
# ### Step 2: unfreeze and fine-tune everything with a lower learning rate
#
# The head now gives sensible scores, so small steps through the whole network adapt the
# pre-trained features to circles, crosses, squares and triangles without wiping them out.
# The BatchNorm layers keep their pre-trained statistics (eval mode) while their scale and shift
# train with the rest.

# %%
FINE_TUNE_EPOCHS, FINE_TUNE_LEARNING_RATE = 5, 1e-3

backbone.requires_grad_(True)
optimizer = torch.optim.Adam(transfer.parameters(), lr=FINE_TUNE_LEARNING_RATE)
train(transfer, optimizer, generator, FINE_TUNE_EPOCHS, frozen_statistics=True)
fine_tuned_parameters = trainable_parameters(transfer)
fine_tuned_val, fine_tuned_test = accuracy(transfer, val_loader), accuracy(transfer, test_loader)
print(
    f"fine-tuned: {fine_tuned_parameters} trainable parameters, "
    f"validation accuracy {fine_tuned_val:.4f}, test accuracy {fine_tuned_test:.4f}"
)

# %% [markdown]
# ## Where the fine-tuned model goes wrong

# %% tags=["confusion-matrix"]
# Alt: Fine-tuned model's confusion matrix on the test set: true class by row, predicted by column.
predictions = predict(transfer, test_loader)
show_confusion_matrix(
    confusion_matrix(test_labels, predictions), class_names, "Fine-tuned, test set"
)

# %% tags=["misclassified"]
# Alt: Test images the fine-tuned model got wrong, each titled with its true and predicted class.
show_misclassified(test_images, test_labels, predictions, class_names, "Fine-tuned")

# %% [markdown]
# ## Results

# %% tags=["results"]
results = {
    "rows": [
        {
            "model": "Mean-colour baseline",
            "library": "scikit-learn",
            "accuracy": round(colour_accuracy, 4),
            "trainable_parameters": int(
                colour_baseline.coef_.size + colour_baseline.intercept_.size
            ),
        },
        {
            "model": "CNN from scratch",
            "library": "PyTorch",
            "accuracy": round(scratch_test, 4),
            "trainable_parameters": scratch_parameters,
        },
        {
            "model": "Transfer: frozen backbone",
            "library": "PyTorch",
            "accuracy": round(frozen_test, 4),
            "trainable_parameters": frozen_parameters,
        },
        {
            "model": "Transfer: fine-tuned",
            "library": "PyTorch",
            "accuracy": round(fine_tuned_test, 4),
            "trainable_parameters": fine_tuned_parameters,
        },
    ],
    "values": {
        "colour_accuracy": round(colour_accuracy, 4),
        "scratch_accuracy": round(scratch_test, 4),
        "frozen_accuracy": round(frozen_test, 4),
        "fine_tuned_accuracy": round(fine_tuned_test, 4),
        "resume_max_difference": resume_difference,
        "reseeded_max_difference": round(reseeded_difference, 4),
        "test_images": len(test_set),
    },
}
print(json.dumps(results, indent=1))
