"""Scores for the loan study, shared by its PyTorch and Keras notebooks.

Every model is judged by its predicted probability of approval on the test rows: a
probability of 0.5 or more counts as "approved".
"""

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score


def score(y_true: np.ndarray, probability: np.ndarray) -> dict[str, float]:
    """Accuracy and F1 at the 0.5 threshold, and ROC AUC, each rounded to 4 decimals."""
    predicted = (probability >= 0.5).astype(int)
    return {
        "accuracy": round(float(accuracy_score(y_true, predicted)), 4),
        "roc_auc": round(float(roc_auc_score(y_true, probability)), 4),
        "f1": round(float(f1_score(y_true, predicted)), 4),
    }


def print_table(rows: list[dict]) -> None:
    """Print the results rows as an aligned text table."""
    print(f"{'model':<22}{'library':<22}{'accuracy':>9}{'roc_auc':>9}{'f1':>9}")
    for row in rows:
        print(
            f"{row['model']:<22}{row['library']:<22}"
            f"{row['accuracy']:>9.4f}{row['roc_auc']:>9.4f}{row['f1']:>9.4f}"
        )


def _auc(y_true: np.ndarray, probability: np.ndarray) -> float:
    """ROC AUC as the chance that an approved row outranks a rejected one (ties count half)."""
    negatives = np.sort(probability[y_true == 0])
    positives = probability[y_true == 1]
    below = np.searchsorted(negatives, positives, side="left")
    tied = np.searchsorted(negatives, positives, side="right") - below
    return float((below + 0.5 * tied).sum() / (len(positives) * len(negatives)))


def auc_gap_interval(
    y_true: np.ndarray,
    probability_a: np.ndarray,
    probability_b: np.ndarray,
    resamples: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """Give a 95 % bootstrap interval for ROC AUC of model a minus that of model b.

    Each resample draws the test rows with replacement and scores both models on the
    same draw (a paired bootstrap). The interval shows how much the gap depends on which
    rows happened to be in the test set; it says nothing about training randomness.

    Args:
        y_true: The test labels.
        probability_a: Model a's predicted probabilities.
        probability_b: Model b's predicted probabilities.
        resamples: Number of bootstrap draws.
        seed: Seed of the draws.

    Returns:
        The 2.5th and 97.5th percentiles of the gap, rounded to 4 decimals.
    """
    rng = np.random.default_rng(seed)
    gaps = []
    for _ in range(resamples):
        rows = rng.integers(0, len(y_true), len(y_true))
        y = y_true[rows]
        gaps.append(_auc(y, probability_a[rows]) - _auc(y, probability_b[rows]))
    low, high = np.percentile(gaps, [2.5, 97.5])
    return round(float(low), 4), round(float(high), 4)
