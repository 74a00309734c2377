"""tfgraph.figures in the learner's language: a figure's words are drawn at run time, so under
--lang pt the title, axis labels, legend and captions that reach TensorBoard are Portuguese
(numbers with a decimal comma), and in English they are what they always were."""

import numpy as np

from tfgraph import figures, tf
from tfgraph.support import i18n

X = np.linspace(-0.5, 0.5, 5)


def words(figure):
    """Every text a figure draws: titles, axis labels, legend entries, texts and captions."""
    found = [figure._suptitle.get_text()] if figure._suptitle is not None else []
    for ax in figure.axes:
        found += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        found += [t.get_text() for t in ax.texts]
        if ax.get_legend() is not None:
            found += [t.get_text() for t in ax.get_legend().get_texts()]
    return [w for w in found if w]


def curve():
    return figures.activation_curve("relu", X, np.maximum(X, 0), (X >= 0) * 1.0, False, X[:2],
                                    [0.0, 0.0])


def images_written(folder):
    """{tag: [PNG bytes]} of every image summary in the event files of `folder`."""
    found = {}
    for path in sorted(folder.glob("events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                if value.WhichOneof("value") == "image":
                    found.setdefault(value.tag, []).append(value.image.encoded_image_string)
    return found


def test_a_figure_in_portuguese_reaches_tensorboard_with_its_portuguese_words(tmp_path):
    english = figures.png(curve())
    i18n.use("pt")
    figure = curve()
    drawn = words(figure)
    # What the figure will draw, read from matplotlib's own text artists before rendering.
    assert drawn == ["Função de ativação: relu", "x (a soma ponderada w·x + b)", "valor",
                     "relu(x)", "derivada, por tf.gradients", "a derivada em x = -0,5 ... -0,25"]
    assert not any(w in " ".join(drawn) for w in ("the weighted sum", "value", "derivative"))
    with tf.Graph().as_default():
        writer = tf.compat.v1.summary.FileWriter(str(tmp_path))
        written = figures.write(writer, "functions/relu", figure, step=3)
        writer.close()
    # Read back from the event file: the image TensorBoard shows is this rendering, and it
    # differs from the English one of the same curve (its words differ, nothing else).
    assert images_written(tmp_path) == {"functions/relu": [written]}
    assert written != english


def test_english_figures_keep_their_words():
    assert words(curve()) == ["Função de ativação: relu", "x (the weighted sum w·x + b)", "value",
                              "relu(x)", "derivative, by tf.gradients",
                              "the derivative at x = -0.5 ... -0.25"]
    neuron = figures.neuron([0.5, -1.0], 0.25, [1.0, 2.0], -1.25, 0.22, "sigmoid")
    assert words(neuron)[0] == "Neurônio digital: Pesos (weights), Viés (bias), Função de ativação"
    assert "w1 = 0.5" in words(neuron) and "Viés b = 0.25" in words(neuron)


def test_captions_of_digits_and_clusters_in_portuguese():
    i18n.use("pt")
    neuron = figures.neuron([0.5, -1.0], 0.25, [1.0, 2.0], -1.25, 0.22, "sigmoid")
    assert words(neuron)[0] == "Neurônio digital: Pesos, Viés, Função de ativação"
    assert {"w1 = 0,5", "Viés b = 0,25", "Σ w·x + b\n= -1,25"} <= set(words(neuron))

    class Split:
        images = np.zeros((3, 4))
        labels = np.array([1, 2, 3])

    near = figures.neighbours([0, 1], Split, Split, np.array([1, 3, 3]), np.array([[0, 1]] * 3),
                              np.array([[1.25, 2.5]] * 3), 2, "Vizinhos", shown=2)
    assert words(near) == ["Vizinhos", "teste: 1", "teste: 2\ndisse 3", "1, distância 1,2",
                           "1, distância 1,2", "2, distância 2,5", "2, distância 2,5"]
    centres = figures.cluster_centres(np.zeros((3, 4)), 2, "Centros",
                                      [(1200, [(3, 0.9), (5, 0.1)]), (0, []), (1, [(2, 1.0)])])
    assert words(centres) == ["Centros", "grupo 0: 1200 dígitos\n3: 90%, 5: 10%",
                              "grupo 1: vazio", "grupo 2: 1 dígito\n2: 100%"]
    fit = figures.line_fit(X, X, [("GD", 2.0, -1.5, "r-")], "Reta", (0, 1))
    assert words(fit) == ["Reta", "x", "y", "5 pontos com ruído", "GD: y = 2,000·x - 1,500"]
