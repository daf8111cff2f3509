"""Deployment: one trained network, served where its users are.

`digits` defines the network both deployment pages use (a digit classifier on
scikit-learn's bundled 8x8 digits), built in PyTorch and in Keras with the same
weights, and exports it to ONNX for the browser page and the HTTP API.
"""
