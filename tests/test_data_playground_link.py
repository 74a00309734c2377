"""tfgraph.data.playground_link in Portuguese: the experiment's lines, its record in the Text
tab and a bad link's one-line error (the link's keys and values stay as the link writes them;
the English is tested with the lesson, tests/test_playground.py)."""

import pytest
from conftest import english_left

from tfgraph.data import playground_link as link
from tfgraph.support import i18n

URL = "https://playground.tensorflow.org/#dataset=xor&networkShape=4&seed=0.5&showTestData=true"


def test_the_experiment_in_portuguese():
    settings = link.settings_from(URL)
    i18n.use("pt")
    lines = settings.describe(250, 250).splitlines()
    assert lines[0] == "Dados: xor (classificação), ruído 0%, 250 pontos de treino e 250 de teste"
    assert lines[1] == ("Rede: características x1, x2 -> ocultas: 4 (tanh) -> saída (tanh); taxa de "
                        "aprendizado 0,03, lote 10, regularização: nenhuma")
    assert lines[2] == ("Do link: dataset, networkShape; ignoradas (só mudam a página do "
                        "Playground): showTestData")
    assert lines[3].startswith("Semente: a semente do link '0.5' -> --seed ")
    assert english_left("\n".join(lines)) == []
    record = settings.markdown(300)
    assert record.startswith("| configuração | valor |\n|---|---|\n| `dataset` | `xor` |")
    assert "| `learningRate` | `0.03` |" in record             # the values are code
    assert record.endswith("\n\nIgnoradas (só mudam a página do Playground): showTestData")


@pytest.mark.parametrize("url, message", [
    ("#noise=90", "no link, noise=90: uma porcentagem de 0 a 80"),
    ("#learningRate=0.0", "no link, learningRate=0: deve ser maior que 0"),
    ("#datset=xor", "a chave 'datset' do link não é uma das configurações do Playground (você "
                    "quis dizer 'dataset'? elas são "),
    ("https://x/", "o link 'https://x/' não tem a parte '#...': copie o endereço"),
    ("#percTrainData=0.1", "percTrainData 0,1% (de 500 pontos) deixa 0 para treino e 500 para "
                           "teste: os dois precisam de pontos"),
])
def test_a_bad_link_in_portuguese_is_one_line(url, message):
    i18n.use("pt")
    with pytest.raises(link.UserError) as error:
        link.settings_from(url)
    shown = str(error.value)
    assert shown.startswith(message) and "\n" not in shown
