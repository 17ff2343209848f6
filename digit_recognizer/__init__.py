"""Handwritten digit recognition: train a Keras CNN on MNIST-style CSVs, read your own digits."""
