"""The park table of the slide "Dados de treino": shall we go to the park?

x1 = the weather, x2 = the money; Y = 1 we go, 0 we don't. Introduced in `perceptron_park`.
"""

import numpy as np

from tfgraph.support.i18n import N_, number

WEATHER = {-1: "Chovendo", 0: "Nublado", 1: "Sol"}           # raining, cloudy, sunny
MONEY = {-1: "Falido", 0: "Ok de grana", 1: "Rico!"}          # broke, fine, rich
# The answer in the slide's words, glossed in English (in Portuguese: the slide's words alone).
# Marked for the catalog: translate where it is shown, `_(park.ANSWER[y])`.
ANSWER = {0: N_("não vamos (we don't go)"), 1: N_("vamos! (we go)")}

# The training rows in the slide's order: (x1, x2) -> Y.
ROWS = [
    ((1, 0), 1),
    ((1, 1), 1),
    ((0, 1), 1),
    ((-1, 0), 0),
    ((-1, -1), 0),
    ((0, -1), 0),
]

# The slides' closing question: raining, but rich.
QUESTION = (-1, 1)


def table():
    """The training rows as arrays: x float32 [6, 2], y float32 [6]."""
    x = np.array([r[0] for r in ROWS], dtype=np.float32)
    y = np.array([r[1] for r in ROWS], dtype=np.float32)
    return x, y


def describe(x1, x2):
    """A day in the slide's words, e.g. 'Chovendo, Rico!' (numbers off the table as numbers)."""
    def word(names, v):
        return names[int(v)] if float(v).is_integer() and int(v) in names else number(v, "g")
    return f"{word(WEATHER, x1)}, {word(MONEY, x2)}"
