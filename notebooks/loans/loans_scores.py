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
