import torch


def shrink(x):
    steps = 0
    # Python control flow on a tensor's value, as in the TensorFlow script:
    while x.abs().max() > 1.0:
        x = x / 2
        steps += 1
    if x.sum() > 0:
        return x + 1, steps
    return x - 1, steps


compiled_shrink = torch.compile(shrink, backend="aot_eager")
positive, positive_steps = compiled_shrink(torch.tensor([3.0, 4.0]))
negative, negative_steps = compiled_shrink(torch.tensor([-10.0, 2.0]))
print(positive, positive_steps)
print(negative, negative_steps)

# Correct results, but not one graph: each test of a tensor's value breaks it.
explanation = torch._dynamo.explain(shrink)(torch.tensor([3.0, 4.0]))
print("graphs:", explanation.graph_count, " graph breaks:", explanation.graph_break_count)
print("breaks at:", sorted({b.user_stack[-1].line for b in explanation.break_reasons}))

# fullgraph=True turns the first graph break into an error.
try:
    torch.compile(shrink, backend="aot_eager", fullgraph=True)(torch.tensor([3.0, 4.0]))
except torch._dynamo.exc.Unsupported as error:
    print("fullgraph=True:", str(error).splitlines()[0])


# torch.while_loop and torch.cond keep the loop and the branch inside the graph.
def shrink_in_graph(x):
    steps, x = torch.while_loop(
        lambda steps, x: x.abs().max() > 1.0,  # condition
        lambda steps, x: (steps + 1, x / 2),  # body
        (torch.tensor(0), x),  # initial values
    )
    x = torch.cond(x.sum() > 0, lambda x: x + 1, lambda x: x - 1, (x,))
    return x, steps


explanation = torch._dynamo.explain(shrink_in_graph)(torch.tensor([3.0, 4.0]))
print("graphs:", explanation.graph_count, " graph breaks:", explanation.graph_break_count)
compiled_in_graph = torch.compile(shrink_in_graph, backend="aot_eager", fullgraph=True)
print(*compiled_in_graph(torch.tensor([-10.0, 2.0])))
