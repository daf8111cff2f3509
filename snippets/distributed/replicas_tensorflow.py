import os
import subprocess
import sys
import tempfile

import numpy as np

REPLICAS = 2  # two replicas in one process, on two logical CPU devices
GLOBAL_BATCH = 8  # split in two: 4 examples per replica
STEPS = 3
LEARNING_RATE = 0.1
TIMEOUT_S = 120  # the child process this script starts ends within this bound
CHILD = "DLREF_REPLICAS_OUTDIR"  # set in the child: where it saves its results

# The same starting weights and data as the PyTorch script: multiples of 1/4,
# so both frameworks start from exactly the same numbers. Keras layout (in, out).
rng = np.random.default_rng(0)
w1_init = (rng.integers(-4, 5, size=(4, 3)) / 4).astype(np.float32)
b1_init = np.zeros(3, np.float32)
w2_init = (rng.integers(-4, 5, size=(3, 1)) / 4).astype(np.float32)
b2_init = np.zeros(1, np.float32)
x_all = (rng.integers(-4, 5, size=(GLOBAL_BATCH, 4)) / 4).astype(np.float32)
y_all = (rng.integers(-4, 5, size=(GLOBAL_BATCH, 1)) / 4).astype(np.float32)

if CHILD not in os.environ:
    # Logical devices can only be set up before TensorFlow initialises, so the
    # training runs in a fresh interpreter: this same file, started again.
    with tempfile.TemporaryDirectory() as outdir:
        child = subprocess.run(
            [sys.executable, __file__],
            env={**os.environ, CHILD: outdir},
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,  # kills the child and raises if it hangs
        )
        if child.returncode != 0:
            raise RuntimeError(f"training process failed:\n{child.stderr}")
        print(child.stdout, end="")
        saved = np.load(os.path.join(outdir, "weights.npz"))
        w1, b1, w2, b2 = (saved[f"arr_{i}"] for i in range(4))
        losses = saved["losses"].tolist()
else:
    import keras
    import tensorflow as tf

    # CUDA when TensorFlow sees a GPU, the CPU otherwise; DLREF_DEVICE=cpu|cuda forces either.
    gpus = tf.config.list_physical_devices("GPU")
    use_gpu = (os.environ.get("DLREF_DEVICE") or ("cuda" if gpus else "cpu")) == "cuda"
    kind = "GPU" if use_gpu else "CPU"
    physical = tf.config.list_physical_devices(kind)
    reduce_on_one = None  # None: the strategy picks (NCCL for several real GPUs)
    if len(physical) < REPLICAS:
        # Split the first device into two logical ones (a GPU needs a memory limit).
        config = tf.config.LogicalDeviceConfiguration(memory_limit=1024 if use_gpu else None)
        tf.config.set_logical_device_configuration(physical[0], [config] * REPLICAS)
        reduce_on_one = tf.distribute.ReductionToOneDevice()  # no NCCL within one GPU
    devices = [device.name for device in tf.config.list_logical_devices(kind)][:REPLICAS]
    strategy = tf.distribute.MirroredStrategy(devices, cross_device_ops=reduce_on_one)
    print("replicas in sync:", strategy.num_replicas_in_sync)

    with strategy.scope():  # variables created here are mirrored on every device
        model = keras.Sequential(
            [
                keras.Input(shape=(4,)),
                keras.layers.Dense(3, activation="relu"),
                keras.layers.Dense(1),
            ]
        )
        model.set_weights([w1_init, b1_init, w2_init, b2_init])
        optimizer = keras.optimizers.SGD(learning_rate=LEARNING_RATE)

    # Each global batch of 8 is split into one batch of 4 per replica.
    dataset = tf.data.Dataset.from_tensor_slices((x_all, y_all)).batch(GLOBAL_BATCH).repeat()
    batches = iter(strategy.experimental_distribute_dataset(dataset))

    @tf.function
    def train_step(x, y):
        def replica_step(x, y):
            with tf.GradientTape() as tape:
                per_example = tf.reduce_mean(tf.square(model(x) - y), axis=1)
                # Sum over the 4 local examples / 8: the replicas' losses add up to
                # the mean over the global batch.
                loss = tf.nn.compute_average_loss(per_example, global_batch_size=GLOBAL_BATCH)
            grads = tape.gradient(loss, model.trainable_variables)
            # Under the strategy, apply_gradients SUMS the gradients of all replicas.
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss

        per_replica = strategy.run(replica_step, args=(x, y))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)

    losses = []
    for step in range(1, STEPS + 1):
        losses.append(float(train_step(*next(batches))))
        print(f"step {step}  global-batch loss {losses[-1]:.6f}")

    # A Keras variable wraps a tf.distribute MirroredVariable (.value), which holds
    # one copy per device (.values): compare the copies.
    identical = all(
        all(np.array_equal(copy.numpy(), var.value.values[0].numpy()) for copy in var.value.values)
        for var in model.trainable_variables
    )
    print("replicas end with identical weights:", identical)
    w1, b1, w2, b2 = model.get_weights()
    print("w2 after training:", " ".join(f"{v:.6f}" for v in w2.ravel()))
    np.savez(
        os.path.join(os.environ[CHILD], "weights.npz"), w1, b1, w2, b2, losses=np.array(losses)
    )

    # Keras fit works under this strategy (unlike under MultiWorkerMirroredStrategy,
    # see multiworker_tensorflow.py): one more epoch, after the weights were saved.
    with strategy.scope():
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE), loss="mse")
    model.fit(x_all, y_all, batch_size=GLOBAL_BATCH, epochs=1, verbose=0)
    print("model.fit: trained")
