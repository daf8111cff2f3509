# %% [markdown]
# # Which shape is this? (Keras)
#
# A folder of small pictures, one sub-folder per class: `circle`, `cross`, `square`, `triangle`.
# Every shape comes with a random colour, size, position, rotation, background colour and pixel
# noise, so the only thing that tells the classes apart is the shape itself. This notebook, in
# Keras 3 on the TensorFlow backend,
#
# 1. writes that folder to disk and reads it with `keras.utils.image_dataset_from_directory`,
# 2. augments the training images with Keras preprocessing layers,
# 3. trains a small convolutional network from scratch,
# 4. reuses a backbone pre-trained on *other* shapes: first frozen, then fine-tuned, with
#    BatchNormalization kept in inference mode,
# 5. saves a checkpoint in the middle of training, resumes it in a fresh model and checks that the
#    result equals the run that was never interrupted,
# 6. looks at the mistakes: a confusion matrix and the misclassified test images.
#
# The PyTorch version of the same study is in the notebook next to this one.

# %%
import json
import urllib.request
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import layers
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix

SEED = 0
tf.config.threading.set_intra_op_parallelism_threads(1)  # a tiny model: one thread is enough
tf.config.threading.set_inter_op_parallelism_threads(1)
keras.utils.set_random_seed(SEED)  # seeds Python's random, NumPy and TensorFlow
tf.config.experimental.enable_op_determinism()

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

# %% [markdown]
# Is colour really useless? A logistic regression that sees only each image's mean colour
# (three numbers) should stay near chance, one in four. It reads the same files as the PyTorch
# notebook's baseline and gives the same number.


# %%
def mean_colour(images):
    """Each image's average red, green and blue: the only input of the baseline."""
    return images.reshape(len(images), -1, 3).mean(axis=1)


train_images, train_labels, class_names = read_split("shapes/train")
test_images, test_labels, _ = read_split("shapes/test")
colour_baseline = LogisticRegression(max_iter=1000).fit(mean_colour(train_images), train_labels)
colour_accuracy = colour_baseline.score(mean_colour(test_images), test_labels)
print(f"mean-colour baseline, test accuracy: {colour_accuracy:.4f}")

# %% [markdown]
# ## Reading the folder
#
# `image_dataset_from_directory` takes the class names from the sub-folder names (in sorted
# order) and labels each image with its folder's index. It returns a `tf.data.Dataset` of
# float32 images with values 0 to 255. The validation and test sets are small enough to keep
# as two NumPy arrays each.

# %%
IMAGE_SIZE, BATCH_SIZE = 32, 32


def read_folder(split, batch_size):
    """One split of the image folder as a dataset, in file order."""
    return keras.utils.image_dataset_from_directory(
        f"shapes/{split}",
        image_size=(IMAGE_SIZE, IMAGE_SIZE),
        batch_size=batch_size,
        shuffle=False,
        verbose=False,  # no "Found N files" line: the cell prints what it read, once
    )


def read_arrays(split):
    """A whole split as class names, an image array and a label array."""
    batches = read_folder(split, batch_size=100)
    images, labels = zip(*batches.as_numpy_iterator(), strict=True)
    return batches.class_names, np.concatenate(images), np.concatenate(labels)


train_files = read_folder("train", batch_size=None).cache()  # one image at a time, kept in memory
_, val_x, val_y = read_arrays("val")
names, test_x, test_y = read_arrays("test")
image, label = next(iter(train_files))
print(names, val_x.shape, test_x.shape, tuple(image.shape), image.dtype.name, int(label))

# %% [markdown]
# The training order must be something we can reproduce from the middle of a run, to resume
# training exactly. So the shuffling is ours: the cached images are reshuffled every epoch from
# one seed and repeated; skipping the batches of the first `k` epochs gives the order a run sees
# from epoch `k` on.

# %%
STEPS_PER_EPOCH = len(train_labels) // BATCH_SIZE


def training_batches(skip_epochs=0):
    """Training batches, reshuffled each epoch, from epoch `skip_epochs` on."""
    batches = train_files.shuffle(len(train_labels), seed=SEED).batch(BATCH_SIZE).repeat()
    return batches.skip(skip_epochs * STEPS_PER_EPOCH)


# %% [markdown]
# ## Augmentation with preprocessing layers
#
# A circle turned, mirrored or moved a little is still a circle. Keras's random preprocessing
# layers do this inside the model: they change the images only when the model runs in training
# mode, as in `fit`, and at inference time they return their input (their docstrings in Keras
# 3.15.1 say so). The corners that a rotation uncovers are filled with the nearest border
# pixels.


# %%
def make_augmentation():
    """Random flips, rotations and shifts, active only in training mode."""
    return keras.Sequential(
        [
            layers.RandomFlip("horizontal"),
            layers.RandomRotation(
                0.5, fill_mode="nearest"
            ),  # any angle: 0.5 of a full turn each way
            layers.RandomTranslation(0.1, 0.1, fill_mode="nearest"),  # up to 10 % of the size
        ],
        name="augmentation",
    )


# %% tags=["augmented"]
# Alt: Eight training images (top row) and the same images randomly flipped, turned and shifted.
originals = np.stack([image for image, _ in train_files.shard(len(train_labels) // 8, 0).take(8)])
augmented = make_augmentation()(originals, training=True).numpy()
show_examples(
    np.concatenate([originals, augmented]).astype("uint8"),
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
from backbone_keras import make_backbone  # dlref:inline


# %%
def make_model(backbone, inference_mode_backbone=False):
    """Rescale, augment, extract features with `backbone`, classify with a new head."""
    inputs = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 3))
    x = layers.Rescaling(1 / 255)(inputs)
    x = make_augmentation()(x)
    # training=False: the backbone's BatchNormalization layers always use their stored statistics.
    features = backbone(x, training=False) if inference_mode_backbone else backbone(x)
    outputs = layers.Dense(len(class_names), name="head")(features)
    return keras.Model(inputs, outputs)


def compile_model(model, learning_rate):
    """Adam and cross-entropy on the head's raw scores."""
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )  # no metrics: accuracy is measured after training, on the validation and test images


def predicted_classes(model, images):
    """The predicted class of each image."""
    # A few hundred images: calling the model directly is quicker than predict(), which first
    # compiles a graph function for the model.
    return np.asarray(model(images, training=False)).argmax(axis=1)


def accuracies(model):
    """Validation and test accuracy."""
    return (
        float((predicted_classes(model, val_x) == val_y).mean()),
        float((predicted_classes(model, test_x) == test_y).mean()),
    )


def trainable_parameters(model):
    """How many numbers the optimizer updates."""
    return int(sum(np.prod(v.shape) for v in model.trainable_weights))


def random_states(model):
    """The state variables of the model's random layers (here: the augmentation layers)."""
    return [v for v in model.variables if "seed_generator_state" in v.path]


# %% [markdown]
# ## From scratch, with a checkpoint on the way
#
# A checkpoint that lets training continue exactly holds the weights, the optimizer's state
# (Adam keeps two running averages per weight and a step count), and the state of everything
# random that the rest of the run depends on. `model.save` writes the first two into one
# `.keras` file. The augmentation layers' random state is not among them (checked below), so a
# small callback saves it next to the model. The run trains for `EPOCHS` epochs in one `fit`;
# the callback writes the checkpoint after `RESUME_AT` epochs without disturbing it.


# %%
class CheckpointAt(keras.callbacks.Callback):
    """Save the model and the random layers' states after a given epoch."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        """Write the checkpoint when `epoch` (counted from 0) ends the chosen epoch."""
        if epoch + 1 == self.epoch:
            self.model.save("checkpoint.keras")
            np.savez(
                "checkpoint_random_states.npz", *[v.numpy() for v in random_states(self.model)]
            )


EPOCHS, RESUME_AT, LEARNING_RATE = 10, 7, 3e-3

scratch = make_model(make_backbone())
compile_model(scratch, LEARNING_RATE)
scratch.fit(
    training_batches(),
    epochs=EPOCHS,
    steps_per_epoch=STEPS_PER_EPOCH,
    callbacks=[CheckpointAt(RESUME_AT)],
    shuffle=False,  # the batches are shuffled already
    verbose=0,
)
scratch_parameters = trainable_parameters(scratch)
scratch_val, scratch_test = accuracies(scratch)
print(
    f"from scratch: {scratch_parameters} trainable parameters, "
    f"validation accuracy {scratch_val:.4f}, test accuracy {scratch_test:.4f}"
)

# %% [markdown]
# ## Resume: the same model as the uninterrupted run
#
# Now pretend the process died after the checkpoint: `keras.models.load_model` rebuilds the
# model from the file (architecture, weights, compiled optimizer with its state), we put the
# random states back, and `fit` runs the remaining epochs on the batches from epoch `RESUME_AT` on.


# %%
def resume():
    """Rebuild the model from the checkpoint, restore the random states, train to the end."""
    model = keras.models.load_model("checkpoint.keras")
    saved = np.load("checkpoint_random_states.npz")
    for variable, name in zip(random_states(model), saved.files, strict=True):
        variable.assign(saved[name])
    model.fit(
        training_batches(skip_epochs=RESUME_AT),
        initial_epoch=RESUME_AT,
        epochs=EPOCHS,
        steps_per_epoch=STEPS_PER_EPOCH,
        shuffle=False,
        verbose=0,
    )
    return model


def max_difference(model_a, model_b):
    """The largest absolute difference between the two models' weights."""
    # get_weights() includes BatchNorm's moving statistics
    pairs = zip(model_a.get_weights(), model_b.get_weights(), strict=True)
    return max(float(np.abs(a.astype("float64") - b).max()) for a, b in pairs)


loaded = keras.models.load_model("checkpoint.keras")
saved = np.load("checkpoint_random_states.npz")
same_states = all(
    np.array_equal(v.numpy(), saved[name])
    for v, name in zip(random_states(loaded), saved.files, strict=True)
)

resumed = resume()
resume_difference = max_difference(scratch, resumed)
print(
    f"random states after load_model equal the saved ones: {same_states}\n"
    f"resumed vs uninterrupted, max |difference| over all weights: {resume_difference}"
)

# %% [markdown]
# Every weight matches. The first line shows why the callback saves the random states itself:
# after `load_model` the augmentation layers' states are not the ones saved, so without
# restoring them the augmentations after the break would be drawn from a different state than
# in the uninterrupted run. (The PyTorch notebook shows what that does to the weights.)

# %% [markdown]
# ## Transfer learning from a pre-trained backbone
#
# With a hub model at home, you would start from ImageNet weights, freeze them, call the base
# model in inference mode, and put a new head on top, for example with `keras.applications`
# (whose MobileNetV3 models rescale 0-255 inputs themselves) or a KerasHub preset:
#
# <!-- dlref:not-run: downloads ImageNet weights -->
# ```python
# import keras
# import keras_hub
#
# base = keras.applications.MobileNetV3Small(
#     input_shape=(224, 224, 3), include_top=False, weights="imagenet", pooling="avg"
# )
# base.trainable = False
# inputs = keras.Input((224, 224, 3))
# outputs = keras.layers.Dense(4)(base(inputs, training=False))
# model = keras.Model(inputs, outputs)
#
# model = keras_hub.models.ImageClassifier.from_preset("resnet_18_imagenet", num_classes=4)
# ```
#
# Here the backbone is our small one, pre-trained on a different task: telling arrows, bars,
# rings and stars apart (`pretrain_backbone.py` in this study's folder made it; it never saw a
# circle, cross, square or triangle). Its weights are the PyTorch notebook's backbone, moved
# layer by layer. The notebook uses the committed file when it is next to it and downloads it
# otherwise.

# %%
ASSETS_URL = "https://raw.githubusercontent.com/dlref/dlref/main/notebooks/shapes/assets/"


def asset(name):
    """The committed file `name`: the local copy, or else one downloaded from the repository."""
    path = Path(name)
    if not path.exists():
        urllib.request.urlretrieve(ASSETS_URL + name, path)
    return path


backbone = make_backbone()
backbone.load_weights(asset("backbone.weights.h5"))
print([layer.name for layer in backbone.layers if layer.weights])

# %% [markdown]
# ### Freezing in Keras: `trainable = False` also means inference mode for BatchNormalization
#
# In Keras 3.15.1, a BatchNormalization layer uses the current batch's statistics, and updates
# its moving averages, only when it is called with `training=True` **and** it is trainable
# (`if training and self.trainable:` in `keras/src/layers/normalization/batch_normalization.py`,
# whose docstring says so too). Checked on a copy of the pre-trained backbone, called in
# training mode:

# %%
probe = make_backbone()
probe.load_weights(asset("backbone.weights.h5"))
first_norm = probe.get_layer("bn0")
batch = originals / 255
changes = {}
for trainable in (True, False):
    probe.trainable = trainable
    before = first_norm.moving_mean.numpy()
    probe(batch, training=True)
    changes[trainable] = float(np.abs(first_norm.moving_mean.numpy() - before).max())
print(
    "called with training=True, the first BatchNorm's moving mean moved by\n"
    f"  {changes[True]:.4f} with trainable=True, {changes[False]:.4f} with trainable=False"
)

# %% [markdown]
# That covers the frozen step. For fine-tuning we set `trainable = True` again, and then the
# layers would switch back to batch statistics inside `fit`. Calling the backbone with
# `training=False` in the model (see `make_model`) keeps them in inference mode for good. This is
# what Keras's guide "Transfer learning & fine-tuning" (keras.io/guides/transfer_learning, last
# modified 2023-06-25) recommends; without it, the guide warns, the updates to the
# non-trainable weights can destroy what the model has learned. PyTorch has no such link: there,
# `requires_grad_(False)` stops gradients only, and BatchNorm keeps updating its statistics
# until the module is put in eval mode.
#
# ### Step 1: frozen backbone, train only the new head

# %%
FROZEN_EPOCHS, HEAD_LEARNING_RATE = 5, 1e-2

backbone.trainable = False
transfer = make_model(backbone, inference_mode_backbone=True)
compile_model(transfer, HEAD_LEARNING_RATE)
transfer.fit(
    training_batches(),
    epochs=FROZEN_EPOCHS,
    steps_per_epoch=STEPS_PER_EPOCH,
    shuffle=False,
    verbose=0,
)
frozen_parameters = trainable_parameters(transfer)
frozen_val, frozen_test = accuracies(transfer)
print(
    f"frozen backbone: {frozen_parameters} trainable parameters, "
    f"validation accuracy {frozen_val:.4f}, test accuracy {frozen_test:.4f}"
)

# %% [markdown]
# ### Step 2: unfreeze and fine-tune everything with a lower learning rate
#
# `trainable` changes take effect at the next `compile`, so the model is compiled again, with a
# learning rate ten times lower. The BatchNormalization layers' scale and shift now train with
# the rest; their moving statistics stay as pre-trained.

# %%
FINE_TUNE_EPOCHS, FINE_TUNE_LEARNING_RATE = 5, 1e-3

backbone.trainable = True
compile_model(transfer, FINE_TUNE_LEARNING_RATE)
transfer.fit(
    training_batches(skip_epochs=FROZEN_EPOCHS),
    epochs=FINE_TUNE_EPOCHS,
    steps_per_epoch=STEPS_PER_EPOCH,
    shuffle=False,
    verbose=0,
)
fine_tuned_parameters = trainable_parameters(transfer)
fine_tuned_val, fine_tuned_test = accuracies(transfer)
print(
    f"fine-tuned: {fine_tuned_parameters} trainable parameters, "
    f"validation accuracy {fine_tuned_val:.4f}, test accuracy {fine_tuned_test:.4f}"
)

# %% [markdown]
# ## Where the fine-tuned model goes wrong

# %% tags=["confusion-matrix"]
# Alt: Fine-tuned model's confusion matrix on the test set: true class by row, predicted by column.
predictions = predicted_classes(transfer, test_x)
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
            "library": "Keras",
            "accuracy": round(scratch_test, 4),
            "trainable_parameters": scratch_parameters,
        },
        {
            "model": "Transfer: frozen backbone",
            "library": "Keras",
            "accuracy": round(frozen_test, 4),
            "trainable_parameters": frozen_parameters,
        },
        {
            "model": "Transfer: fine-tuned",
            "library": "Keras",
            "accuracy": round(fine_tuned_test, 4),
            "trainable_parameters": fine_tuned_parameters,
        },
    ],
    "values": {
        "scratch_accuracy": round(scratch_test, 4),
        "frozen_accuracy": round(frozen_test, 4),
        "fine_tuned_accuracy": round(fine_tuned_test, 4),
        "resume_max_difference": resume_difference,
    },
}
print(json.dumps(results, indent=1))
