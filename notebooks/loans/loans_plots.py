"""Figures for the loan study, shared by its PyTorch and Keras notebooks."""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import ConfusionMatrixDisplay


def plot_losses(
    train_loss: list[float], val_loss: list[float], best_epoch: int, title: str
) -> None:
    """Plot the training and validation loss per epoch and mark the epoch kept."""
    epochs = np.arange(1, len(train_loss) + 1)
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=80)
    ax.plot(epochs, train_loss, label="training (class-weighted)")
    ax.plot(epochs, val_loss, label="validation")
    ax.axvline(best_epoch, color="grey", linestyle="--", label=f"weights kept (epoch {best_epoch})")
    ax.set_xlabel("epoch")
    ax.set_ylabel("binary cross-entropy")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    plt.show()


def plot_confusion(y_true: np.ndarray, probabilities: dict[str, np.ndarray]) -> None:
    """Draw one confusion matrix per model, side by side, at the 0.5 threshold."""
    fig, axes = plt.subplots(1, len(probabilities), figsize=(4 * len(probabilities), 3.6), dpi=80)
    for ax, (name, probability) in zip(axes, probabilities.items(), strict=True):
        ConfusionMatrixDisplay.from_predictions(
            y_true,
            (probability >= 0.5).astype(int),
            display_labels=["rejected", "approved"],
            colorbar=False,
            cmap="Blues",
            ax=ax,
        )
        ax.set_title(name)
    fig.tight_layout()
    plt.show()


def plot_calibration(y_true: np.ndarray, probabilities: dict[str, np.ndarray]) -> None:
    """Plot, per model, the share approved against the mean predicted probability, in bins."""
    fig, ax = plt.subplots(figsize=(5, 4.4), dpi=80)
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfectly calibrated")
    for name, probability in probabilities.items():
        share_approved, mean_predicted = calibration_curve(y_true, probability, n_bins=8)
        ax.plot(mean_predicted, share_approved, marker="o", label=name)
    ax.set_xlabel("mean predicted probability of approval")
    ax.set_ylabel("share actually approved")
    ax.legend()
    fig.tight_layout()
    plt.show()
