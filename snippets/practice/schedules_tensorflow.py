import keras

BASE_LR = 0.1
STEPS = 12
WARMUP = 3


def learning_rates(schedule):
    """The learning rate the optimizer uses at each of STEPS steps."""
    variable = keras.Variable([0.0])
    optimizer = keras.optimizers.SGD(learning_rate=schedule)
    rates = []
    for _ in range(STEPS):
        # The optimizer evaluates the schedule at its own step count, optimizer.iterations.
        rates.append(float(optimizer.learning_rate))
        optimizer.apply_gradients([(keras.ops.zeros([1]), variable)])
    return rates


# %% Step decay: halve the rate every 4 steps
step_rates = learning_rates(
    keras.optimizers.schedules.ExponentialDecay(
        BASE_LR, decay_steps=4, decay_rate=0.5, staircase=True
    )
)

# %% Cosine decay from BASE_LR to 0 over STEPS steps
cosine_rates = learning_rates(keras.optimizers.schedules.CosineDecay(BASE_LR, decay_steps=STEPS))

# %% Linear warm-up from BASE_LR / 10, then cosine decay
warmup_rates = learning_rates(
    keras.optimizers.schedules.CosineDecay(
        BASE_LR / 10, decay_steps=STEPS - WARMUP, warmup_target=BASE_LR, warmup_steps=WARMUP
    )
)

# %% The three schedules, step by step
print("step  step-decay  cosine  warm-up+cosine")
for step in range(STEPS):
    print(
        f"{step:4d}  {step_rates[step]:10.5f}  {cosine_rates[step]:6.5f}  {warmup_rates[step]:.5f}"
    )
