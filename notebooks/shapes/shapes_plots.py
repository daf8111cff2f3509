"""Figures shared by the shapes study's two notebooks (fixed sizes and dpi: identical PNGs)."""

import matplotlib.pyplot as plt
import numpy as np


def show_examples(images, labels, class_names, per_class=8):
    """A grid: one row per class, the first `per_class` images of that class."""
    fig, axes = plt.subplots(
        len(class_names), per_class, figsize=(per_class, len(class_names)), dpi=80
    )
    for row, name in enumerate(class_names):
        for col, image in enumerate(images[labels == row][:per_class]):
            axes[row, col].imshow(image)
        axes[row, 0].set_ylabel(name)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
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
    """The first `limit` test images whose prediction is wrong, with true and predicted class."""
    wrong = np.flatnonzero(predictions != labels)[:limit]
    columns = 6
    fig, axes = plt.subplots(2, columns, figsize=(columns * 1.5, 3.6), dpi=80)
    for ax in axes.flat:
        ax.axis("off")
    for ax, index in zip(axes.flat, wrong, strict=False):
        ax.imshow(images[index])
        ax.set_title(
            f"true {class_names[labels[index]]}\npredicted {class_names[predictions[index]]}",
            fontsize=8,
        )
    fig.suptitle(
        f"{title}: {len(wrong)} of {int((predictions != labels).sum())} misclassified shown"
    )
    fig.tight_layout()
    plt.show()
