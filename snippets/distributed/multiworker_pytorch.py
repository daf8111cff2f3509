import os
import signal
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP

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

if "LOCAL_RANK" not in os.environ:
    # Started as `python multiworker_pytorch.py`: start it again under torchrun,
    # as `torchrun --standalone --nproc-per-node=2 multiworker_pytorch.py OUTDIR`.
    with tempfile.TemporaryDirectory() as outdir:
        torchrun = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "torch.distributed.run",
                "--standalone",
                "--nproc-per-node=2",
                __file__,
                outdir,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # torchrun and its workers form one process group
        )
        try:
            out, err = torchrun.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(torchrun.pid, signal.SIGKILL)  # torchrun and every worker
            torchrun.communicate()
            raise
        if torchrun.returncode != 0:
            raise RuntimeError(f"torchrun failed:\n{err}")
        print(out, end="")  # what rank 0 printed
        saved = np.load(os.path.join(outdir, "weights.npz"))
        w1, b1, w2, b2 = (saved[f"arr_{i}"] for i in range(4))
        losses = saved["losses"].tolist()
else:
    # A worker started by torchrun, which sets RANK, LOCAL_RANK, WORLD_SIZE,
    # MASTER_ADDR and MASTER_PORT: init_process_group reads them (env://).
    rank, world_size = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    local_rank = int(os.environ["LOCAL_RANK"])
    # CUDA when PyTorch sees a GPU, the CPU otherwise; DLREF_DEVICE=cpu|cuda forces either.
    device_kind = os.environ.get("DLREF_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
    use_cuda = device_kind == "cuda"
    # NCCL needs one GPU per process on the node; gloo runs on the CPU (and on a shared GPU).
    backend = "nccl" if use_cuda and torch.cuda.device_count() > local_rank else "gloo"
    if use_cuda:
        torch.cuda.set_device(local_rank % torch.cuda.device_count())
    device = torch.device(f"cuda:{torch.cuda.current_device()}" if use_cuda else "cpu")
    dist.init_process_group(backend)

    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))
    with torch.no_grad():
        model[0].weight.copy_(torch.from_numpy(w1_init.T))  # torch stores (out, in)
        model[0].bias.copy_(torch.from_numpy(b1_init))
        model[2].weight.copy_(torch.from_numpy(w2_init.T))
        model[2].bias.copy_(torch.from_numpy(b2_init))
    ddp = DDP(model.to(device), device_ids=[device.index] if backend == "nccl" else None)
    optimizer = torch.optim.SGD(ddp.parameters(), lr=LEARNING_RATE)

    local = GLOBAL_BATCH // world_size  # this worker's slice of the global batch
    x = torch.from_numpy(x_all[rank * local : (rank + 1) * local]).to(device)
    y = torch.from_numpy(y_all[rank * local : (rank + 1) * local]).to(device)
    losses = []
    for step in range(1, STEPS + 1):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(ddp(x), y)
        loss.backward()  # DDP averages the gradients over the workers here
        optimizer.step()
        total = loss.detach().clone()
        dist.all_reduce(total, op=dist.ReduceOp.SUM)
        losses.append(total.item() / world_size)
        if rank == 0:  # one worker prints, the others stay quiet
            print(f"step {step}  global-batch loss {losses[-1]:.6f}")

    # Gather every worker's weights on every worker and compare them.
    flat = torch.cat([p.detach().flatten() for p in model.parameters()])
    gathered = [torch.empty_like(flat) for _ in range(world_size)]
    dist.all_gather(gathered, flat)
    if rank == 0:
        identical = all(torch.equal(gathered[0], g) for g in gathered)
        print(f"workers: {world_size}  end with identical weights: {identical}")
        w1, b1 = model[0].weight.detach().cpu().numpy().T, model[0].bias.detach().cpu().numpy()
        w2, b2 = model[2].weight.detach().cpu().numpy().T, model[2].bias.detach().cpu().numpy()
        print("w2 after training:", " ".join(f"{v:.6f}" for v in w2.ravel()))
        np.savez(os.path.join(sys.argv[1], "weights.npz"), w1, b1, w2, b2, losses=np.array(losses))
    dist.destroy_process_group()  # every rank leaves the group before it exits
    # Without this, some runs abort in C++ static destructors at interpreter exit
    # ("terminate called without an active exception"), and torchrun reports a failure.
    sys.stdout.flush()
    os._exit(0)
