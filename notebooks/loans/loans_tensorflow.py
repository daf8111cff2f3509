# %% [markdown]
# # Will this loan be approved? (Keras)
#
# A lender has a table of past loan applications and, for each, whether it was
# approved. Can a model learn to predict the decision for a new application?
#
# This notebook answers that with three models trained on the same rows and judged on
# the same held-out test rows:
#
# - **logistic regression**, a linear model (scikit-learn);
# - **gradient boosting**, an ensemble of decision trees (scikit-learn);
# - a small **neural network** (a multilayer perceptron) written in Keras 3 on the
#   TensorFlow backend, trained with early stopping.
#
# Its PyTorch twin, `loans-pytorch.ipynb`, runs the same data, the same preprocessing
# and the same baselines; only the neural network's cells differ.

# %%
import json

import keras
import tensorflow as tf

# One seed for Python, numpy and TensorFlow. One CPU thread: the network is tiny, and a
# single thread adds numbers up in the same order on every run, so two runs print the same.
keras.utils.set_random_seed(0)
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)

# %% [markdown]
# ## The data
#
# The table is **synthetic**: the code below makes it, so the notebook runs anywhere
# without a download. Its columns mimic those of public loan-eligibility data sets:
# incomes, the loan amount and term, the applicant's credit record, the area of the
# property, employment, education, marital status and the purpose of the loan.
# Like a real form, it has gaps: some fields are left empty.
#
# Because the data is made up, we know how the decisions were made. The generator
# approves an application from hidden rules with **thresholds** (at least two years of
# credit history; no more than one late payment) and **interactions** (the new
# instalment plus existing debts against the household's income; self-employed
# applicants with a short credit history), then adds random noise, so even the
# perfect model would make mistakes. Approvals are the minority class.

# %%
from loans_data import describe, make_loans, read_csv, to_matrix, write_csv  # dlref:inline

# %% [markdown]
# At home your table is a CSV file. To show the code you would run on it, the cell
# below writes the synthetic table to `loans.csv` and reads it back with the standard
# library's `csv` module: an empty cell becomes `nan` (numbers) or `None` (categories).

# %%
columns, approved = make_loans(3000, seed=0)
write_csv("loans.csv", columns, approved)
columns, approved = read_csv("loans.csv")

describe(columns)
print("applications:", len(approved), " approved:", int(approved.sum()))
print("share approved:", round(float(approved.mean()), 4))

# %% [markdown]
# For your own file, change the path, the column lists `NUMERIC` and `CATEGORICAL` in
# the data cell above, and the label's name (`approved`) in `read_csv`. If you use
# pandas, read the file with `pandas.read_csv` and build the same dict of columns, with
# `None` for an empty category.

# %% [markdown]
# ## One split, one preprocessing
#
# The rows are split 60/20/20 into training, validation and test sets, **stratified** so
# each keeps the share of approvals. The test rows are touched once, at the end.
#
# Then one scikit-learn `ColumnTransformer` turns the mixed table into numbers: missing
# numbers become the median, numbers are standardised, missing categories become the
# most frequent one, and each category becomes a 0/1 column. It is fitted on the
# training rows only (medians, means and categories come from them) and then applied,
# unchanged, to every split and every model.
#
# Approvals are rarer than rejections, so all three models use **balanced class
# weights**: each approved row counts more in the loss, so that both classes weigh the
# same in total. A model trained this way says "approved" more readily, and its
# probabilities are no longer the plain chance of approval: the calibration check at the
# end shows by how much.

# %%
from loans_pipeline import balanced_weights, fit_baselines, preprocessor, split_rows  # dlref:inline

# %%
x, numeric, categorical = to_matrix(columns)
x_train, x_val, x_test, y_train, y_val, y_test = split_rows(x, approved)

preprocess = preprocessor(numeric, categorical).fit(x_train)
a_train, a_val, a_test = (preprocess.transform(part) for part in (x_train, x_val, x_test))
class_weights = balanced_weights(y_train)

print("rows (train, validation, test):", len(a_train), len(a_val), len(a_test))
print("features after preprocessing:", a_train.shape[1])
print("class weights:", {k: round(v, 4) for k, v in class_weights.items()})

# %% [markdown]
# ## Baselines
#
# Logistic regression fits one weight per feature; gradient boosting adds up 150 small
# decision trees (depth 3), each fitted to the errors of the ones before it. Neither uses the
# validation rows here: their settings are fixed, not tuned.

# %%
baselines = fit_baselines(a_train, y_train)
probabilities = {name: model.predict_proba(a_test)[:, 1] for name, model in baselines.items()}

# %% [markdown]
# ## The neural network
#
# A multilayer perceptron: two hidden layers of 32 and 16 ReLU units and one output,
# the logit of "approved". The loss takes logits (`from_logits=True`), so the sigmoid
# is applied inside the loss rather than as a layer.

# %%
model = keras.Sequential(
    [
        keras.Input(shape=(a_train.shape[1],)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=3e-3),
    loss=keras.losses.BinaryCrossentropy(from_logits=True),
)

# %% [markdown]
# `fit` runs the training loop: each epoch shuffles the training rows and takes Adam
# steps on batches of 128; `class_weight` weights each row's loss by its class. After
# each epoch Keras measures the loss on the validation rows (without class weights).
# **Early stopping** is a callback: when the validation loss has not improved for 10
# epochs in a row, training stops, and `restore_best_weights=True` puts back the
# weights of the best epoch.

# %%
early_stopping = keras.callbacks.EarlyStopping(
    monitor="val_loss", patience=10, restore_best_weights=True
)
history = model.fit(
    a_train,
    y_train,
    batch_size=128,
    epochs=200,
    validation_data=(a_val, y_val),
    class_weight=class_weights,
    callbacks=[early_stopping],
    verbose=0,
)
train_losses, val_losses = history.history["loss"], history.history["val_loss"]
best_epoch = early_stopping.best_epoch + 1  # Keras counts epochs from 0
print("epochs run:", len(val_losses), " best epoch:", best_epoch)
print("best validation loss:", round(min(val_losses), 4))

# %% [markdown]
# The figures come from helpers shared with the PyTorch notebook.

# %%
from loans_plots import plot_calibration, plot_confusion, plot_losses  # dlref:inline

# %% tags=["loss-curves"]
# Alt: Training and validation loss of the Keras network per epoch; the kept epoch is dashed.
plot_losses(train_losses, val_losses, best_epoch, "Keras network")

# %% [markdown]
# ## Results on the test rows
#
# Each model gives a probability of approval per test application. **ROC AUC** asks how
# well those probabilities rank approved above rejected applications (1 is perfect, 0.5
# is chance); **accuracy** and **F1** (of the "approved" class) judge the decisions at a
# threshold of 0.5.

# %%
from loans_scores import auc_gap_interval, print_table, score  # dlref:inline

# %%
logits = model.predict(a_test, verbose=0)[:, 0]
mlp_probability = keras.ops.convert_to_numpy(keras.ops.sigmoid(logits))

rows = [
    {"model": name, "library": "scikit-learn", **score(y_test, p)}
    for name, p in probabilities.items()
]
rows.append(
    {
        "model": "Neural network (MLP)",
        "library": "Keras (TensorFlow)",
        **score(y_test, mlp_probability),
    }
)
probabilities["Neural network (MLP)"] = mlp_probability
print_table(rows)

# %% [markdown]
# The test set is a sample: with other test rows the scores would move. A **paired
# bootstrap** measures by how much. It redraws the test rows with replacement many
# times and recomputes, on each draw, the gap in ROC AUC between gradient boosting and
# another model. If the middle 95 % of those gaps includes 0, this test set cannot tell
# the two models apart. (This covers the choice of test rows only; retraining with
# other seeds would move the scores too.)

# %%
boosting = probabilities["Gradient boosting"]
gap_to_logistic = auc_gap_interval(y_test, boosting, probabilities["Logistic regression"])
gap_to_mlp = auc_gap_interval(y_test, boosting, mlp_probability)
print("ROC AUC of gradient boosting minus that of another model, 95 % bootstrap interval:")
print("  logistic regression: ", gap_to_logistic)
print("  neural network (MLP):", gap_to_mlp)

# %% [markdown]
# The confusion matrices count, per model, the test applications in each pair of
# (true decision, predicted decision).

# %% tags=["confusion-matrix"]
# Alt: Confusion matrices of the three models (Keras network last) on the test applications.
plot_confusion(y_test, probabilities)

# %% [markdown]
# A calibration plot groups the test applications by predicted probability and compares
# each group's mean prediction with the share actually approved. Points on the diagonal
# mean "70 % predicted" really is 70 % approved; points below it mean the model
# predicts approval more often than it happens. The mean predicted probability against
# the actual share tells the same story in one number per model. To see what the class
# weights do, the cell also fits the same logistic regression without them.

# %%
from sklearn.linear_model import LogisticRegression

unweighted = LogisticRegression(max_iter=1000).fit(a_train, y_train)
unweighted_mean = round(float(unweighted.predict_proba(a_test)[:, 1].mean()), 4)
print("share approved in the test rows:", round(float(y_test.mean()), 4))
for name, probability in probabilities.items():
    print(f"mean predicted probability, {name}:", round(float(probability.mean()), 4))
print("mean predicted probability, Logistic regression without class weights:", unweighted_mean)

# %% tags=["calibration"]
# Alt: Calibration curves of the three models (Keras network included) against the diagonal.
plot_calibration(y_test, probabilities)

# %% tags=["results"]
auc = {row["model"]: row["roc_auc"] for row in rows}
results = {
    "rows": rows,
    "values": {
        "applications": len(approved),
        "approved_share": round(float(approved.mean()), 4),
        "test_rows": len(y_test),
        "logistic_auc": auc["Logistic regression"],
        "boosting_auc": auc["Gradient boosting"],
        "mlp_auc": auc["Neural network (MLP)"],
        "boosting_minus_logistic_low": gap_to_logistic[0],
        "boosting_minus_logistic_high": gap_to_logistic[1],
        "boosting_minus_mlp_low": gap_to_mlp[0],
        "boosting_minus_mlp_high": gap_to_mlp[1],
        "epochs_run": len(val_losses),
        "best_epoch": best_epoch,
        "mean_predicted_boosting": round(float(probabilities["Gradient boosting"].mean()), 4),
        "mean_predicted_logistic": round(float(probabilities["Logistic regression"].mean()), 4),
        "mean_predicted_logistic_unweighted": unweighted_mean,
        "test_approved_share": round(float(y_test.mean()), 4),
    },
}
print(json.dumps(results, indent=1))
