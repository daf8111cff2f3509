"""Figures shared by the shapes study's two notebooks (fixed sizes and dpi: identical PNGs)."""

import matplotlib.pyplot as plt
import numpy as np


def show_examples(images, labels, class_names, per_class=8):
    """One row per class: the first `per_class` images of that class, drawn as one picture."""
    framed = np.pad(images, ((0, 0), (1, 1), (1, 1), (0, 0)), constant_values=255)
    rows = [
        np.concatenate(list(framed[labels == k][:per_class]), axis=1)
        for k in range(len(class_names))
    ]
    fig, ax = plt.subplots(figsize=(0.75 * per_class, 0.75 * len(class_names) + 0.2), dpi=80)
    ax.imshow(np.concatenate(rows, axis=0), interpolation="nearest")
    height = framed.shape[1]
    ax.set_yticks((np.arange(len(class_names)) + 0.5) * height, class_names)
    ax.set_xticks([])
    fig.tight_layout()
    plt.show()


def show_confusion_matrix(matrix, class_names, title):
    """Counts of test images by true class (rows) and predicted class (columns)."""
    fig, ax = plt.subplots(figsize=(4.5, 4), dpi=80)
    ax.imshow(matrix, cmap="Blues")
    for (row, col), count in np.ndenumerate(matrix):
        colour = "white" if count > matrix.max() / 2 else "black"
        ax.text(col, row, int(count), ha="center", va="center", color=colour)
    ax.set_xticks(range(len(class_names)), class_names, rotation=30)
    ax.set_yticks(range(len(class_names)), class_names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title)
    fig.tight_layout()
    plt.show()


def show_misclassified(images, labels, predictions, class_names, title, limit=12):
    """Up to `limit` wrongly predicted images, spread over the set, titled true vs predicted."""
    wrong = np.flatnonzero(predictions != labels)
    shown = (
        wrong[np.linspace(0, len(wrong) - 1, min(limit, len(wrong))).astype(int)]
        if len(wrong)
        else wrong
    )
    columns = 6
    fig, axes = plt.subplots(2, columns, figsize=(columns * 1.5, 4.4), dpi=80)
    for ax in axes.flat:
        ax.axis("off")
    for ax, index in zip(axes.flat, shown, strict=False):
        ax.imshow(images[index], interpolation="nearest")
        ax.set_title(
            f"true {class_names[labels[index]]}\npredicted {class_names[predictions[index]]}",
            fontsize=8,
        )
    fig.suptitle(f"{title}: {len(shown)} of {len(wrong)} misclassified images")
    fig.tight_layout()
    plt.show()
