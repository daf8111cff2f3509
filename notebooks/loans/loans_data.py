"""A synthetic loan-application table, made by seeded numpy code.

Each row is one application: numeric columns (incomes, loan amount, term, credit
history, existing debt) and categorical ones (property area, employment, education,
marital status, purpose), with missing values in several columns, as in a real
application form. The label ``approved`` comes from hidden rules with thresholds and
interactions plus noise, so no model can score perfectly.
"""

import csv

import numpy as np

NUMERIC = [
    "applicant_income",
    "coapplicant_income",
    "loan_amount",
    "loan_term_months",
    "credit_history_years",
    "debt_to_income",
    "late_payments",
    "dependents",
]
CATEGORICAL = ["property_area", "employment", "education", "married", "purpose"]
FEATURES = NUMERIC + CATEGORICAL

# Share of values blanked out per column: the form fields applicants skip.
MISSING_SHARE = {
    "loan_amount": 0.03,
    "loan_term_months": 0.02,
    "credit_history_years": 0.08,
    "dependents": 0.025,
    "employment": 0.05,
    "married": 0.01,
}


def _pick(rng: np.random.Generator, values: list[str], weights: list[float], n: int) -> np.ndarray:
    """Draw ``n`` categories with the given weights, as an object array of strings."""
    return rng.choice(np.array(values, dtype=object), size=n, p=weights)


def _monthly_payment(amount: np.ndarray, months: np.ndarray, yearly_rate: float) -> np.ndarray:
    """Monthly instalment of an annuity loan: equal payments that repay ``amount``."""
    r = yearly_rate / 12
    return amount * r / (1 - (1 + r) ** -months)


def make_loans(n: int = 2000, seed: int = 0) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Make ``n`` loan applications and their approval decisions.

    Args:
        n: Number of applications (rows).
        seed: Seed of the numpy generator; the same seed gives the same table.

    Returns:
        A dict from column name to a 1-D array (float with ``nan`` for missing numbers,
        object with ``None`` for missing categories), and the 0/1 labels
        (1 = approved).
    """
    rng = np.random.default_rng(seed)

    # Applicants: monthly incomes are skewed (log-normal); many have no co-applicant.
    employment = _pick(rng, ["Salaried", "Self-employed", "Contract"], [0.62, 0.23, 0.15], n)
    education = _pick(rng, ["Graduate", "Not graduate"], [0.72, 0.28], n)
    married = _pick(rng, ["Yes", "No"], [0.62, 0.38], n)
    property_area = _pick(rng, ["Urban", "Semiurban", "Rural"], [0.36, 0.37, 0.27], n)
    purpose = _pick(rng, ["Home", "Car", "Education", "Business"], [0.5, 0.2, 0.12, 0.18], n)
    dependents = rng.choice([0.0, 1.0, 2.0, 3.0], size=n, p=[0.55, 0.2, 0.15, 0.1])
    applicant_income = np.round(
        np.exp(rng.normal(8.1, 0.5, n) + 0.2 * (education == "Graduate")), -1
    )
    has_coapplicant = (married == "Yes") & (rng.random(n) < 0.7)
    coapplicant_income = np.where(
        has_coapplicant, np.round(np.exp(rng.normal(7.5, 0.6, n)), -1), 0.0
    )

    # The loan: amount (thousands) grows with income; terms are a few standard lengths.
    loan_amount = np.round(np.exp(rng.normal(np.log(applicant_income / 25), 0.45)), 0)
    loan_term_months = rng.choice([120.0, 180.0, 240.0, 360.0], size=n, p=[0.1, 0.15, 0.15, 0.6])

    # Credit record: years of history, late payments in the last year, other debts.
    credit_history_years = np.round(rng.gamma(2.0, 3.0, n), 1)
    late_payments = rng.poisson(0.35 + 0.5 * (credit_history_years < 2), n).astype(float)
    debt_to_income = np.round(rng.beta(2.0, 6.0, n), 3)

    # The hidden decision rules: thresholds and interactions, not a weighted sum.
    total_income = applicant_income + coapplicant_income
    payment = _monthly_payment(loan_amount * 1000, loan_term_months, 0.07)
    total_debt_ratio = debt_to_income + payment / total_income
    score = (
        2.2 * (credit_history_years >= 2)
        - 3.0 * ((late_payments >= 2) | (credit_history_years < 1))
        - 2.5 * (total_debt_ratio > 0.45)
        - 2.0 * (total_debt_ratio > 0.65)
        + 0.9 * (property_area == "Semiurban")
        - 1.4 * ((employment == "Self-employed") & (credit_history_years < 5))
        - 1.0 * ((purpose == "Business") & (property_area == "Rural"))
        + 0.8 * ((married == "Yes") & (coapplicant_income > 0) & (dependents <= 1))
        + 0.4 * (education == "Graduate")
    )
    noise = rng.logistic(0.0, 0.5, n)
    approved = (score + noise > 1.6).astype(np.int64)

    columns = {
        "applicant_income": applicant_income,
        "coapplicant_income": coapplicant_income,
        "loan_amount": loan_amount,
        "loan_term_months": loan_term_months,
        "credit_history_years": credit_history_years,
        "debt_to_income": debt_to_income,
        "late_payments": late_payments,
        "dependents": dependents,
        "property_area": property_area,
        "employment": employment,
        "education": education,
        "married": married,
        "purpose": purpose,
    }
    # Blank out fields at random, after the decision: the lender saw the full form.
    for name, share in MISSING_SHARE.items():
        blank = rng.random(n) < share
        column = columns[name].copy()
        column[blank] = np.nan if column.dtype.kind == "f" else None
        columns[name] = column
    return columns, approved


def write_csv(path: str, columns: dict[str, np.ndarray], approved: np.ndarray) -> None:
    """Write the table as a CSV file, one application per line; a missing value is empty."""
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([*FEATURES, "approved"])
        for i in range(len(approved)):
            cells = [columns[name][i] for name in FEATURES]
            cells = ["" if cell is None or cell != cell else cell for cell in cells]  # nan != nan
            writer.writerow([*cells, approved[i]])


def read_csv(path: str) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Read a CSV file with the columns in ``FEATURES`` and ``approved``.

    Args:
        path: The CSV file; its header names the columns, in any order.

    Returns:
        The columns (numeric ones as float with ``nan`` for an empty cell, categorical
        ones as object arrays with ``None``) and the 0/1 labels.
    """
    with open(path, newline="") as file:
        records = list(csv.DictReader(file))
    columns = {}
    for name in NUMERIC:
        columns[name] = np.array([float(r[name]) if r[name] else np.nan for r in records])
    for name in CATEGORICAL:
        columns[name] = np.array([r[name] or None for r in records], dtype=object)
    approved = np.array([int(r["approved"]) for r in records])
    return columns, approved


def describe(columns: dict[str, np.ndarray]) -> None:
    """Print one line per column: its kind, how many values are missing, the first values."""
    print(f"{'column':<22}{'kind':<13}{'missing':>8}  first values")
    for name in FEATURES:
        values = columns[name]
        kind = "numeric" if name in NUMERIC else "categorical"
        missing = int(sum(v is None or v != v for v in values))  # nan != nan
        first = ", ".join("-" if v is None or v != v else str(v) for v in values[:4])
        print(f"{name:<22}{kind:<13}{missing:>8}  {first}")


def to_matrix(columns: dict[str, np.ndarray]) -> tuple[np.ndarray, list[int], list[int]]:
    """Stack the feature columns into one 2-D object array, in ``FEATURES`` order.

    Returns:
        The array, the indices of its numeric columns and those of its categorical ones.
    """
    matrix = np.column_stack([columns[name].astype(object) for name in FEATURES])
    numeric = [FEATURES.index(name) for name in NUMERIC]
    categorical = [FEATURES.index(name) for name in CATEGORICAL]
    return matrix, numeric, categorical
