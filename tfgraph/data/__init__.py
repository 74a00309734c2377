"""Data the lessons use: the park table (lesson 1), MNIST-format digits, the TensorFlow
Playground's datasets and settings (lesson playground)."""
