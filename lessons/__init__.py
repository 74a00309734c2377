"""The lessons, one module each, in the order of the talk "Deep Learning e Tensorflow".

`python -m lessons` prints the syllabus; `python -m lessons.<name>` runs a lesson.
"""

# (module, part of the talk, slides it follows, what it teaches) in teaching order.
SYLLABUS = [
    ("perceptron_park", "Parte 1 · Redes Neurais",
     '"Dados de treino", "Uma rede neural simples"',
     "one perceptron learns the park table by the perceptron rule"),
    ("backprop", "Parte 1 · Redes Neurais", '"Como o aprendizado acontece?"',
     "backpropagation's four steps as graph ops, the chain rule checked against tf.gradients"),
    ("tf_basics", "Parte 2 · Tensorflow: Uma Introdução", '"Tensorflow: Uma Introdução"',
     "graphs, sessions, tensors: building is not running, feeds, shapes, dtypes"),
    ("mnist_softmax", "Parte 2 · Criando e treinando Redes Neurais", '"Logits?!"',
     "one layer of 10 neurons reads MNIST digits: one-hot labels, logits, softmax"),
    ("mnist_dense", "Parte 2 · Criando e treinando Redes Neurais",
     '"Uma rede Densa", "Tensorflow"',
     "ReLU layer -> logit layer -> gradients -> SGD trainer, built by hand"),
    ("tensorboard", "Parte 2 · O poder do Tensorboard", '"O poder do Tensorboard"',
     "every dashboard on the dense network, and a learning-rate sweep side by side"),
]
