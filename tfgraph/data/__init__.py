"""Data the lessons use: the park table (lesson 1) and MNIST-format digits."""
