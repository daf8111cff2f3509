import logging

import tensorflow as tf


class ShowRetracingWarning(logging.Handler):
    """Print TensorFlow's retracing warning here (it goes to stderr), without its address."""

    def emit(self, record):
        message = record.getMessage()
        if "triggered tf.function retracing" in message:
            calls = message.split(" to <")[0]  # "5 out of the last 6 calls"
            print(f"  warning: {calls} ... triggered tf.function retracing")


warning_printer = ShowRetracingWarning()
tf.get_logger().addHandler(warning_printer)
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
tf.get_logger().removeHandler(warning_printer)


# An input signature fixes dtype and rank and leaves the length open: one trace.
@tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
def double(x):
    return x * 2


for n in (3, 4, 5, 6):
    doubled = double(tf.ones([n]))
graphs_for_any_length = double.experimental_get_tracing_count()
print("with input_signature, traces:", graphs_for_any_length)
try:
    double(tf.constant([1, 2]))  # int32 does not fit the float32 signature
except TypeError as error:
    print("int32 input:", type(error).__name__, str(error).split(". Received")[0])


# reduce_retracing=True: after a second shape, trace once for any length.
@tf.function(reduce_retracing=True)
def triple(x):
    return x * 3


for n in (3, 4, 5, 6):
    tripled = triple(tf.ones([n]))
print("with reduce_retracing, traces:", triple.experimental_get_tracing_count())
