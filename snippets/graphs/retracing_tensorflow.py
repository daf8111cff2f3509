import tensorflow as tf

traces = 0  # a Python counter: the body's Python code runs only while tracing


@tf.function
def scale(x, factor):
    global traces
    traces += 1
    return x * factor


def call(label, x, factor):
    scale(x, factor)
    print(f"{label:<26} traces: {traces}  (tracing count {scale.experimental_get_tracing_count()})")


call("float32 [3], factor 2", tf.constant([1.0, 2.0, 3.0]), 2)
call("same again", tf.constant([4.0, 5.0, 6.0]), 2)  # reuses the graph
call("float32 [4]", tf.constant([1.0, 2.0, 3.0, 4.0]), 2)  # new shape
call("float32 [5]", tf.constant([1.0, 2.0, 3.0, 4.0, 5.0]), 2)  # new shape
call("int32 [3]", tf.constant([1, 2, 3]), 2)  # new dtype
call("factor 3 (Python int)", tf.constant([1.0, 2.0, 3.0]), 3)  # new Python value
call("factor 4 (Python int)", tf.constant([1.0, 2.0, 3.0]), 4)  # and again
call("factor 5.0 (tensor)", tf.constant([1.0, 2.0, 3.0]), tf.constant(5.0))
call("factor 6.0 (tensor)", tf.constant([1.0, 2.0, 3.0]), tf.constant(6.0))  # same spec


# An input signature fixes dtype and rank and leaves the length open: one trace.
@tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
def double(x):
    return x * 2


for n in (3, 4, 5, 6):
    doubled = double(tf.ones([n]))
graphs_for_any_length = double.experimental_get_tracing_count()
print("with input_signature, traces:", graphs_for_any_length)


# reduce_retracing=True: after a second shape, trace once for any length.
@tf.function(reduce_retracing=True)
def triple(x):
    return x * 3


for n in (3, 4, 5, 6):
    tripled = triple(tf.ones([n]))
print("with reduce_retracing, traces:", triple.experimental_get_tracing_count())
