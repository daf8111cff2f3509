"""The scikit-learn part of the loan study, shared by its PyTorch and Keras notebooks.

One stratified split, one preprocessing fitted on the training rows only, one set of
class weights, and two baselines. Both notebooks run this same code, so the baselines'
numbers are the same in both.
"""

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight


def split_rows(x: np.ndarray, y: np.ndarray, seed: int = 0) -> tuple:
    """Split rows 60/20/20 into train, validation and test, keeping the class ratio in each.

    Args:
        x: The feature matrix, one row per application.
        y: The 0/1 labels.
        seed: Seed of the shuffles.

    Returns:
        ``(x_train, x_val, x_test, y_train, y_val, y_test)``.
    """
    x_train, x_rest, y_train, y_rest = train_test_split(
        x, y, test_size=0.4, stratify=y, random_state=seed
    )
    x_val, x_test, y_val, y_test = train_test_split(
        x_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=seed
    )
    return x_train, x_val, x_test, y_train, y_val, y_test


def preprocessor(numeric: list[int], categorical: list[int]) -> ColumnTransformer:
    """Build the preprocessing every model uses; fit it on the training rows only.

    Numbers: missing values become the training median, then each column is scaled to
    mean 0 and standard deviation 1. Categories: missing values become the most frequent
    category, then one 0/1 column per category; a category unseen in training is all 0.

    Args:
        numeric: Indices of the numeric columns.
        categorical: Indices of the categorical columns (missing values are ``None``).
    """
    numbers = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categories = make_pipeline(
        SimpleImputer(strategy="most_frequent", missing_values=None),
        OneHotEncoder(handle_unknown="ignore", sparse_output=False),
    )
    return ColumnTransformer(
        [("numeric", numbers, numeric), ("categorical", categories, categorical)]
    )


def balanced_weights(y: np.ndarray) -> dict[int, float]:
    """Weights that make each class count as much as the other in the loss: n / (2 n_class)."""
    weights = compute_class_weight("balanced", classes=np.array([0, 1]), y=y)
    return {0: float(weights[0]), 1: float(weights[1])}


def fit_baselines(x_train: np.ndarray, y_train: np.ndarray, seed: int = 0) -> dict:
    """Fit logistic regression and gradient boosting, both with balanced class weights.

    Args:
        x_train: Preprocessed training features.
        y_train: Training labels.
        seed: Seed of gradient boosting.

    Returns:
        The fitted models, by display name.
    """
    logistic = LogisticRegression(class_weight="balanced", max_iter=1000)
    # 150 trees of depth 3. This estimator has no class_weight; per-row weights do the same.
    boosting = GradientBoostingClassifier(
        n_estimators=150, learning_rate=0.1, max_depth=3, random_state=seed
    )
    row_weights = compute_sample_weight("balanced", y_train)
    return {
        "Logistic regression": logistic.fit(x_train, y_train),
        "Gradient boosting": boosting.fit(x_train, y_train, sample_weight=row_weights),
    }
