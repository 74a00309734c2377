"""tfgraph.race: the race table's rows, and sentences that say only what the race's own
numbers show, each claim with its other case (the real race is in test_activations.py)."""

from tfgraph import race
from tfgraph.support import report


def result(activation, accuracy, moved=0.004, seconds=1.0):
    return {"activation": activation, "test_accuracy": accuracy, "moved": moved,
            "seconds": seconds}


def test_rows_fit_the_header_in_race_order():
    results = [result("step", 0.8305, 0.0, 9.7), result("relu", 0.899, 0.00368, 9.2)]
    assert race.rows(results) == [("step", 0.8305, 0.0, 9.7), ("relu", 0.899, 0.00368, 9.2)]
    lines = report.table(race.rows(results), header=race.HEADER, formats=race.FORMATS,
                         indent="").splitlines()
    assert lines[0].split("  ")[0] == "activation" and len(race.HEADER) == len(race.FORMATS)
    assert lines[1].split() == ["step", "0.8305", "0", "9.7"]
    assert lines[2].split() == ["relu", "0.8990", "0.00368", "9.2"]


def test_the_split_race_reads_as_the_lesson_tells_it():
    # The offline split's numbers with the defaults (README): step 0.831, sigmoid 0.822,
    # relu 0.899, maxout 0.909.
    results = [result("step", 0.8305, 0.0), result("sigmoid", 0.822), result("relu", 0.899),
               result("maxout", 0.909)]
    step, sigmoid, slower, best = race.what_it_shows(results, hidden=256, learning_rate=0.01)
    assert step.startswith("step: its layer's weights did not move at all")
    assert "Its 0.831 is the logit layer alone, reading 256 fixed random" in step
    assert sigmoid.startswith("sigmoid 0.822 < relu 0.899 after the same steps at learning "
                              "rate 0.01: σ' is at most 0.25")
    assert slower.startswith("step 0.831 >= sigmoid 0.822: in so few steps")
    assert best == "Best of this race: maxout (0.909)."


def test_each_claim_has_its_other_case():
    results = [result("step", 0.5, 0.01), result("sigmoid", 0.95), result("relu", 0.9)]
    step, sigmoid, best = race.what_it_shows(results, hidden=8, learning_rate=0.5)
    assert step == ("step: its layer's weights moved (mean |change| 0.01): unexpected for a "
                    "step, look closer.")
    assert sigmoid.startswith("sigmoid 0.950 >= relu 0.900 this time")
    assert best == "Best of this race: sigmoid (0.950)."


def test_only_the_functions_raced_are_spoken_of():
    assert race.what_it_shows([result("tanh", 0.9)], hidden=8, learning_rate=0.01) == [
        "Best of this race: tanh (0.900)."]
    lines = race.what_it_shows([result("relu", 0.9), result("step", 0.8, 0.0)], 8, 0.01)
    assert len(lines) == 2 and not any("sigmoid" in line for line in lines)


def test_the_race_in_portuguese():
    from conftest import english_left
    from tfgraph.support import i18n
    results = [result("step", 0.8305, 0.0), result("sigmoid", 0.822), result("relu", 0.899)]
    i18n.use("pt")
    lines = report.table(race.rows(results), header=race.HEADER, formats=race.FORMATS,
                         indent="").splitlines()
    assert lines[0].split("  ")[:2] == ["ativação", "acurácia no teste"]
    assert lines[1].split()[1:] == ["0,8305", "0", "1,0"]
    shown = race.what_it_shows(results, hidden=256, learning_rate=0.01)
    assert shown[0].startswith("`step`: os pesos da sua camada não se moveram nada")
    assert "O seu 0,831 é só a camada de logits, lendo 256 características" in shown[0]
    assert shown[1].startswith("`sigmoid` 0,822 < `relu` 0,899 após os mesmos passos com taxa "
                               "de aprendizado 0,01: σ' é no máximo 0,25")
    assert shown[-1] == "A melhor desta corrida: `relu` (0,899)."
    assert english_left("\n".join(shown)) == []
