import torch


def noisy(x):
    y = torch.sin(x) * 2
    print("print ran")  # a Python side effect in the middle of the function
    return y + torch.cos(x)


def quiet(x):
    y = torch.sin(x) * 2
    return y + torch.cos(x)


compiled_noisy = torch.compile(noisy, backend="aot_eager")
x = torch.tensor([0.0, 1.0, 2.0])
first = compiled_noisy(x)
second = compiled_noisy(x)  # prints again: print stays in Python, between two graphs
same_as_eager = torch.allclose(second, quiet(x))
print("same as eager:", same_as_eager)

for function in (noisy, quiet):
    explanation = torch._dynamo.explain(function)(x)  # runs the function (and print) once
    print(
        f"{function.__name__}: graphs {explanation.graph_count},"
        f" graph breaks {explanation.graph_break_count}"
    )
    for reason in explanation.break_reasons:
        print("  reason:", reason.reason.splitlines()[0])
