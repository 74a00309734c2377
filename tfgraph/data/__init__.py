"""Data the lessons use: the park table (lesson perceptron_park), MNIST-format digits, the TensorFlow
Playground's datasets and settings (lesson playground)."""
