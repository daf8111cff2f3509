import torch


class Log1pExp(torch.autograd.Function):
    """log(1 + e^x) with a gradient that stays finite for large x."""

    @staticmethod
    def forward(ctx, x):
        e = torch.exp(x)
        ctx.save_for_backward(e)
        return torch.log(1 + e)

    @staticmethod
    def backward(ctx, upstream):
        (e,) = ctx.saved_tensors
        return upstream * (1 - 1 / (1 + e))


x = torch.tensor(100.0, requires_grad=True)
naive = torch.log(1 + torch.exp(x))  # e^100 overflows float32
naive.backward()
print(x.grad)  # nan: inf / inf

x.grad = None
Log1pExp.apply(x).backward()
grad = x.grad
print(grad)
