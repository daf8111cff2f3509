import keras

FEATURES, UNITS, STEPS = 8, 16, 6

keras.utils.set_random_seed(0)

# %% Two stacked GRU layers; the last layer's final state feeds a classifier
# One RNN layer over stacked cells holds both levels, as PyTorch's one GRU module does.
inputs = keras.Input(shape=(STEPS, FEATURES))
cells = keras.layers.StackedRNNCells([keras.layers.GRUCell(UNITS), keras.layers.GRUCell(UNITS)])
final_state = keras.layers.RNN(cells, name="gru")(inputs)  # the top cell's final output
outputs = keras.layers.Dense(3, name="head")(final_state)
model = keras.Model(inputs, outputs)

# %% Shapes
x = keras.random.normal((2, STEPS, FEATURES), seed=0)
print("final state:", tuple(final_state.shape))
for level, cell in enumerate(cells.cells):
    for weight in cell.weights:
        print(f"{f'cell {level} {weight.name}':<24}{tuple(weight.shape)}")
output_shape = tuple(model(x).shape)
print("output:", output_shape)
