import json
import os
import signal
import socket
import subprocess
import sys
import tempfile

import numpy as np

WORKERS = 2
GLOBAL_BATCH = 8  # split across the workers
STEPS = 3
LEARNING_RATE = 0.1
TIMEOUT_S = 120  # every process this script starts ends within this bound

# The same starting weights and data as in the replicas scripts (Keras layout).
rng = np.random.default_rng(0)
w1_init = (rng.integers(-4, 5, size=(4, 3)) / 4).astype(np.float32)
b1_init = np.zeros(3, np.float32)
w2_init = (rng.integers(-4, 5, size=(3, 1)) / 4).astype(np.float32)
b2_init = np.zeros(1, np.float32)
x_all = (rng.integers(-4, 5, size=(GLOBAL_BATCH, 4)) / 4).astype(np.float32)
y_all = (rng.integers(-4, 5, size=(GLOBAL_BATCH, 1)) / 4).astype(np.float32)


def free_port():
    with socket.socket() as probe:  # a port that is free now, chosen by the OS
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


if "TF_CONFIG" not in os.environ:
    # Started as `python multiworker_tensorflow.py`: start two workers, each this
    # same file with its own TF_CONFIG (the cluster, and which worker it is).
    cluster = {"worker": [f"localhost:{free_port()}" for _ in range(WORKERS)]}
    with tempfile.TemporaryDirectory() as outdir:
        workers = [
            subprocess.Popen(
                [sys.executable, __file__, outdir],
                env={
                    **os.environ,
                    "TF_CONFIG": json.dumps(
                        {"cluster": cluster, "task": {"type": "worker", "index": index}}
                    ),
                },
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,
            )
            for index in range(WORKERS)
        ]
        try:
            results = [worker.communicate(timeout=TIMEOUT_S) for worker in workers]
        finally:
            for worker in workers:  # on a timeout or an error: end them all
                if worker.poll() is None:
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.communicate()
        for worker, (_, err) in zip(workers, results):
            if worker.returncode != 0:
                raise RuntimeError(f"a worker failed:\n{err}")
        print(results[0][0], end="")  # what worker 0 printed
        saved = np.load(os.path.join(outdir, "weights.npz"))
        w1, b1, w2, b2 = (saved[f"arr_{i}"] for i in range(4))
        losses = saved["losses"].tolist()
else:
    import keras
    import tensorflow as tf

    # Reads TF_CONFIG, connects to the other workers, one replica per worker here.
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    task = json.loads(os.environ["TF_CONFIG"])["task"]
    chief = task["index"] == 0  # worker 0 prints and saves

    with strategy.scope():  # variables are mirrored on every worker
        model = keras.Sequential(
            [
                keras.Input(shape=(4,)),
                keras.layers.Dense(3, activation="relu"),
                keras.layers.Dense(1),
            ]
        )
        model.set_weights([w1_init, b1_init, w2_init, b2_init])
        optimizer = keras.optimizers.SGD(learning_rate=LEARNING_RATE)

    def worker_dataset(context):
        # This worker's slice of each global batch, as in the PyTorch script.
        local = context.get_per_replica_batch_size(GLOBAL_BATCH)
        start = context.input_pipeline_id * local
        part = (x_all[start : start + local], y_all[start : start + local])
        return tf.data.Dataset.from_tensor_slices(part).batch(local).repeat()

    batches = iter(strategy.distribute_datasets_from_function(worker_dataset))

    @tf.function
    def train_step(x, y):
        def replica_step(x, y):
            with tf.GradientTape() as tape:
                per_example = tf.reduce_mean(tf.square(model(x) - y), axis=1)
                loss = tf.nn.compute_average_loss(per_example, global_batch_size=GLOBAL_BATCH)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))  # sums over workers
            return loss

        per_replica = strategy.run(replica_step, args=(x, y))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)

    losses = []
    for step in range(1, STEPS + 1):
        losses.append(float(train_step(*next(batches))))
        if chief:
            print(f"step {step}  global-batch loss {losses[-1]:.6f}")

    # Gather every worker's weights on every worker and compare them.
    @tf.function
    def all_weights():
        def flat():
            return tf.concat([tf.reshape(v, [1, -1]) for v in model.trainable_variables], axis=1)

        return strategy.gather(strategy.run(flat), axis=0)  # one row per worker

    rows = all_weights().numpy()
    if chief:
        identical = all(np.array_equal(rows[0], row) for row in rows)
        print(f"workers: {strategy.num_replicas_in_sync}  end with identical weights: {identical}")
        w1, b1, w2, b2 = model.get_weights()
        print("w2 after training:", " ".join(f"{v:.6f}" for v in w2.ravel()))
        np.savez(os.path.join(sys.argv[1], "weights.npz"), w1, b1, w2, b2, losses=np.array(losses))

    # Keras fit under this strategy fails in Keras 3.15.1 (keras-team/keras#20585):
    # the custom loop above is the route that works.
    with strategy.scope():
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE), loss="mse")
    try:
        model.fit(x_all, y_all, batch_size=GLOBAL_BATCH, epochs=1, verbose=0)
        fit_result = "model.fit: trained"
    except ValueError as error:  # the message lists tensor values: print its stable ends
        message = str(error)
        fit_result = f"model.fit: ValueError: {message[:40]}...}}){message.rsplit('})', 1)[-1]}"
    if chief:
        print(fit_result)

    sys.stdout.flush()
    os._exit(0)  # a worker can hang in TensorFlow's shutdown after MultiWorkerMirroredStrategy
