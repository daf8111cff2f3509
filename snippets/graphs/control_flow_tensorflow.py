import tensorflow as tf

traces = 0


@tf.function
def shrink(x):
    global traces
    traces += 1  # Python code: runs while tracing only
    steps = 0
    while tf.reduce_max(tf.abs(x)) > 1.0:  # AutoGraph: becomes a tf.while_loop
        x = x / 2
        steps += 1
    if tf.reduce_sum(x) > 0:  # AutoGraph: becomes a tf.cond
        return x + 1, steps
    return x - 1, steps


positive, positive_steps = shrink(tf.constant([3.0, 4.0]))
negative, negative_steps = shrink(tf.constant([-10.0, 2.0]))
print(positive, positive_steps)
print(negative, negative_steps)
print("traces:", traces)  # one graph holds the loop and both branches

graph = shrink.get_concrete_function(tf.constant([0.0, 0.0])).graph
op_types = [op.type for op in graph.get_operations()]
print("control flow ops:", [t for t in op_types if t.startswith("Stateless")])
