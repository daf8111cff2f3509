"""The framework bridge: what connects PyTorch and TensorFlow in one process.

`transfer` copies weights between a PyTorch model and its Keras twin,
`devices` chooses the device the same way in both, and `versions` names the
installed framework packages.
"""
