"""The lessons, one module each, in the order of the talk "Deep Learning e Tensorflow".

`python -m lessons` prints the syllabus; `python -m lessons.<name>` runs a lesson.
"""


def N_(message):
    """Mark a text for the Portuguese catalog, as `tfgraph.support.i18n.N_` does, without
    importing tfgraph here: the syllabus imports nothing heavy. Translated where printed."""
    return message


# (module, part of the talk, slides it follows, what it teaches) in teaching order.
SYLLABUS = [
    ("ml101", "Parte 1 · Machine Learning 101",
     '"O que é Machine Learning?", "Tipos de modelos"',
     N_("three kinds of model as graphs: linear regression two ways, nearest neighbour, "
        "k-means")),
    ("activations", "Parte 1 · Redes Neurais",
     '"Neurônios Digitais", "Funções de Ativação"',
     N_("one neuron F(w·x + b); the slide's seven F, the perceptron's step first, with their "
        "tf.gradients slopes; why the choice matters on mnist_dense's network")),
    ("perceptron_park", "Parte 1 · Redes Neurais",
     '"Dados de treino", "Uma rede neural simples"',
     N_("one perceptron learns the park table by the perceptron rule")),
    ("backprop", "Parte 1 · Redes Neurais", '"Como o aprendizado acontece?"',
     N_("backpropagation's four steps as graph ops, the chain rule checked against "
        "tf.gradients")),
    ("playground", "Parte 1 · Redes Neurais", '"O Playground"',
     N_("the TensorFlow Playground's experiments as a graph; TensorBoard replays the "
        "heatmaps")),
    ("tf_basics", "Parte 2 · Tensorflow: Uma Introdução", '"Tensorflow: Uma Introdução"',
     N_("graphs, sessions, tensors: building is not running, feeds, shapes, dtypes")),
    ("mnist_softmax", "Parte 2 · Criando e treinando Redes Neurais", '"Logits?!"',
     N_("one layer of 10 neurons reads MNIST digits: one-hot labels, logits, softmax")),
    ("mnist_dense", "Parte 2 · Criando e treinando Redes Neurais",
     '"Uma rede Densa", "Tensorflow"',
     N_("ReLU layer -> logit layer -> gradients -> SGD trainer, built by hand")),
    # the talk's "Deep Learning" slides (Parte 1), taught once MNIST and training are known
    ("going_deep", "Parte 1 · Deep Learning", '"Going Deep", "VGGNet16", "Deep Learning?"',
     N_("the slide's VGGNet16 as a graph (138,357,544 parameters); a VGG-style network past "
        "99% on the digits")),
    ("transfer_learning", "Parte 1 · Deep Learning",
     '"Os Modelos", "Como reutilizar modelos"',
     N_("reuse going_deep's trained conv layers, frozen, with new dense layers for new "
        "digits")),
    ("tensorboard", "Parte 2 · O poder do Tensorboard", '"O poder do Tensorboard"',
     N_("every dashboard on the dense network, and a learning-rate sweep side by side")),
    # the last lesson: it needs everything before it
    ("distributed", "Além da palestra · o runtime distribuído",
     '"Tensorflow: Uma Introdução" (Seções: o cliente Python e o runtime C++)',
     N_("the dense network on a parameter server and workers: processes talking gRPC, "
        "async or synchronous SGD")),
]
