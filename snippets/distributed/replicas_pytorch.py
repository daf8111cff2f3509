import os
import socket
import sys
import tempfile
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP

WORLD_SIZE = 2  # two processes, one replica each
GLOBAL_BATCH = 8  # split in two: 4 examples per replica
STEPS = 3
LEARNING_RATE = 0.1
TIMEOUT_S = 120  # every process this script starts ends within this bound

# The same starting weights and data as the TensorFlow script: multiples of 1/4,
# so both frameworks start from exactly the same numbers. Keras layout (in, out).
rng = np.random.default_rng(0)
w1_init = (rng.integers(-4, 5, size=(4, 3)) / 4).astype(np.float32)
b1_init = np.zeros(3, np.float32)
w2_init = (rng.integers(-4, 5, size=(3, 1)) / 4).astype(np.float32)
b2_init = np.zeros(1, np.float32)
x_all = (rng.integers(-4, 5, size=(GLOBAL_BATCH, 4)) / 4).astype(np.float32)
y_all = (rng.integers(-4, 5, size=(GLOBAL_BATCH, 1)) / 4).astype(np.float32)


def make_model():
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))
    with torch.no_grad():
        model[0].weight.copy_(torch.from_numpy(w1_init.T))  # torch stores (out, in)
        model[0].bias.copy_(torch.from_numpy(b1_init))
        model[2].weight.copy_(torch.from_numpy(w2_init.T))
        model[2].bias.copy_(torch.from_numpy(b2_init))
    return model


def train(rank, outdir):
    """One replica: runs in its own process, started by mp.spawn."""
    # CUDA when PyTorch sees a GPU, the CPU otherwise; DLREF_DEVICE=cpu|cuda forces either.
    device_kind = os.environ.get("DLREF_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
    use_cuda = device_kind == "cuda"
    # NCCL needs one GPU per process; gloo runs on the CPU (and on a shared GPU).
    backend = "nccl" if use_cuda and torch.cuda.device_count() >= WORLD_SIZE else "gloo"
    if use_cuda:
        torch.cuda.set_device(rank % torch.cuda.device_count())
    device = torch.device(f"cuda:{torch.cuda.current_device()}" if use_cuda else "cpu")

    dist.init_process_group(backend, rank=rank, world_size=WORLD_SIZE)
    model = make_model()
    # DDP broadcasts rank 0's weights at start and, in backward(), replaces each
    # gradient with its AVERAGE over the ranks.
    ddp = DDP(model.to(device), device_ids=[device.index] if backend == "nccl" else None)
    optimizer = torch.optim.SGD(ddp.parameters(), lr=LEARNING_RATE)

    local = GLOBAL_BATCH // WORLD_SIZE  # this rank's slice of the global batch
    x = torch.from_numpy(x_all[rank * local : (rank + 1) * local]).to(device)
    y = torch.from_numpy(y_all[rank * local : (rank + 1) * local]).to(device)
    losses = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(ddp(x), y)  # mean over the 4 local examples
        loss.backward()  # the gradient all-reduce happens here
        optimizer.step()
        # Mean of the two local means = mean over the global batch of 8.
        global_loss = loss.detach().clone()
        dist.all_reduce(global_loss, op=dist.ReduceOp.SUM)  # then divide by the ranks
        losses.append(global_loss.item() / WORLD_SIZE)

    weights = [
        model[0].weight.detach().cpu().numpy().T,
        model[0].bias.detach().cpu().numpy(),
        model[2].weight.detach().cpu().numpy().T,
        model[2].bias.detach().cpu().numpy(),
    ]
    np.savez(os.path.join(outdir, f"rank{rank}.npz"), *weights, losses=np.array(losses))
    dist.destroy_process_group()  # leave the group cleanly before the process exits
    # Then exit at once, without the interpreter's teardown: a worker that went
    # through it was seen to abort (SIGABRT) in about 1 run in 25 on this project's
    # CI machine, after its work was done and saved.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    # env:// rendezvous: each rank reads these and connects to rank 0 there.
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    with socket.socket() as probe:  # a port that is free now, chosen by the OS
        probe.bind(("127.0.0.1", 0))
        os.environ["MASTER_PORT"] = str(probe.getsockname()[1])
    with tempfile.TemporaryDirectory() as outdir:
        # spawn starts fresh interpreters that import this file (not as __main__)
        # and call train(rank, outdir) with rank = 0, 1.
        context = mp.start_processes(train, args=(outdir,), nprocs=WORLD_SIZE, join=False)
        deadline = time.monotonic() + TIMEOUT_S
        while not context.join(timeout=1):  # raises if a rank failed
            if time.monotonic() > deadline:
                for process in context.processes:
                    process.kill()
                raise TimeoutError(f"DDP workers still running after {TIMEOUT_S} s")
        ranks = [np.load(os.path.join(outdir, f"rank{r}.npz")) for r in range(WORLD_SIZE)]
        final = [[rank[f"arr_{i}"] for i in range(4)] for rank in ranks]
        losses = ranks[0]["losses"].tolist()

    identical = all(np.array_equal(a, b) for a, b in zip(final[0], final[1]))
    w1, b1, w2, b2 = final[0]
    for step, loss in enumerate(losses, start=1):
        print(f"step {step}  global-batch loss {loss:.6f}")
    print("replicas end with identical weights:", identical)
    print("w2 after training:", " ".join(f"{v:.6f}" for v in w2.ravel()))

    # The same steps in this one process on the whole batch of 8: DDP's average
    # of two 4-example gradients is the gradient of the 8-example mean loss.
    single = make_model()
    sgd = torch.optim.SGD(single.parameters(), lr=LEARNING_RATE)
    for _ in range(STEPS):
        sgd.zero_grad()
        nn.functional.mse_loss(single(torch.from_numpy(x_all)), torch.from_numpy(y_all)).backward()
        sgd.step()
    expected = [single[0].weight.T, single[0].bias, single[2].weight.T, single[2].bias]
    same = all(np.allclose(e.detach().numpy(), w, atol=1e-6) for e, w in zip(expected, final[0]))
    print("same as one process on the whole batch:", same)
