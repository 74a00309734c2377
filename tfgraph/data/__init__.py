"""Data the lessons use.

    park               the park table of the slide "Dados de treino" (lesson perceptron_park)
    line               noisy points around a known line, numpy's answer (lesson ml101)
    idx                the IDX file format MNIST comes in
    mnist              MNIST-format digits: find, check, split, batch (lesson mnist_softmax on)
    digits             some of the ten digits: 0-4, a few images of each (going_deep, transfer)
    playground         the TensorFlow Playground's datasets and features (lesson playground)
    playground_link    the Playground's settings, as its link carries them (its state.ts)
"""
