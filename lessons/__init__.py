"""The lessons, one module each, in the order of the talk "Deep Learning e Tensorflow".

`python -m lessons` prints the syllabus; `python -m lessons.<name>` runs a lesson.
"""

# (module, part of the talk, slides it follows, what it teaches) in teaching order.
SYLLABUS = [
    ("perceptron_park", "Parte 1 · Redes Neurais",
     '"Dados de treino", "Uma rede neural simples"',
     "one perceptron learns the park table by the perceptron rule"),
]
