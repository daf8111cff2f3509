import tensorflow as tf

# The order depends on both the global seed and shuffle's own seed.
tf.random.set_seed(0)
indices = tf.data.Dataset.range(20)  # stand-ins for 20 samples: each one is its own index


def epoch_order(dataset):
    """One pass over the dataset: the sample indices of each batch."""
    return [batch.numpy().tolist() for batch in dataset]


# buffer_size >= the number of samples: a uniform shuffle of the whole set.
# reshuffle_each_iteration=True (the default) draws a new order each epoch.
dataset = indices.shuffle(buffer_size=20, seed=0).batch(8)
first_epoch = epoch_order(dataset)
second_epoch = epoch_order(dataset)
print("epoch 1:", first_epoch)
print("epoch 2:", second_epoch)
new_order_each_epoch = first_epoch != second_epoch
batch_sizes = [len(batch) for batch in first_epoch]
print("batch sizes:", batch_sizes)

# A pipeline built again with the same seeds replays the same sequence of epochs.
again = indices.shuffle(buffer_size=20, seed=0).batch(8)
again_first = epoch_order(again)
same_seed_repeats = again_first == first_epoch
print("same seed, new pipeline:", same_seed_repeats)

# The same order every epoch: reshuffle_each_iteration=False.
fixed = indices.shuffle(buffer_size=20, seed=0, reshuffle_each_iteration=False).batch(8)
fixed_orders = [epoch_order(fixed) for _ in range(2)]
fixed_order_repeats = fixed_orders[0] == fixed_orders[1]
print("reshuffle_each_iteration=False:", fixed_orders[0], fixed_order_repeats)

every_sample_once = all(
    sorted(i for batch in epoch for i in batch) == list(range(20))
    for epoch in (first_epoch, second_epoch)
)
print("every sample once per epoch:", every_sample_once)

# A buffer smaller than the data shuffles only locally: output k is drawn from
# the first k + 4 samples, so no sample moves more than 3 places forward.
local = epoch_order(indices.shuffle(buffer_size=4, seed=0).batch(8))
print("buffer_size=4:", local)

# Without a global seed, seed=0 alone still gives a repeatable order, but another one.
tf.random.set_seed(None)
op_seed_only = epoch_order(indices.shuffle(buffer_size=20, seed=0).batch(8))
op_seed_again = epoch_order(indices.shuffle(buffer_size=20, seed=0).batch(8))
print("seed=0 without a global seed, repeats:", op_seed_only == op_seed_again)
print("seed=0 without a global seed, same order as above:", op_seed_only == first_epoch)
