"""tfgraph.transfer: lesson transfer_learning's table and conclusions, worded from the numbers
of the run (here numbers made up to take each branch)."""

from tfgraph import transfer

TITLES = {"scratch": "scratch", "frozen": "conv frozen, fc new", "fine_tuned": "all fine-tuned",
          "frozen_fc4": "conv+fc4 frozen"}
FLOPS = {"scratch": 44.4e6, "frozen": 15.0e6, "fine_tuned": 44.4e6, "frozen_fc4": 14.9e6}


def results(by_size):
    """{n: (scratch, frozen, fine_tuned, frozen_fc4) accuracies} -> the lesson's results."""
    return {"steps": 300, "test_images": 4_861, "by_size": {
        n: {v: {"accuracy": a, "ms_per_step": 10.0 * (i + 1)} for i, (v, a) in
            enumerate(zip(TITLES, accuracies))} for n, accuracies in by_size.items()}}


def test_full_mnist_like_numbers():
    shown = transfer.what_it_shows(results({10: (0.82, 0.92, 0.92, 0.87),
                                            100: (0.95, 0.97, 0.975, 0.93)}), FLOPS)
    assert shown[0] == ("reused, frozen conv layers against scratch: +0.100 at 10, +0.020 at "
                        "100 images per digit; the fewer the labelled images, the more the "
                        "reused layers are worth")
    assert shown[1].startswith("a frozen step does 15.0 MFLOP per image against 44.4 for a "
                               "full one (3.0x less)")
    assert shown[2].endswith("+0.000 at 10, +0.005 at 100: about the same accuracy, for 3.0x "
                             "the arithmetic per step: the reused conv layers were already "
                             "right for the new digits")
    assert shown[3] == ("keeping fc4 too (only fc5 new), against a new fc4: -0.050 at 10, "
                        "-0.040 at 100, and below scratch at 100 images per digit: fc4 had "
                        "learnt to tell the digits 0-4 apart, not 5-9; replace the dense "
                        "layers, where the classification happens, as the slides say")


def test_no_gain_from_reuse_says_why_it_can_happen():
    shown = transfer.what_it_shows(results({5: (0.76, 0.58, 0.71, 0.14)}), FLOPS)
    assert "-0.180 at 5 images per digit; here reuse did not clearly pay" in shown[0]
    assert "offline split" in shown[0]
    assert shown[2].endswith(": better, for 3.0x the arithmetic per step")


def test_table_has_an_accuracy_and_a_ms_column_per_variant_and_a_flops_row():
    lines = transfer.table(results({10: (0.82, 0.92, 0.92, 0.87)}), FLOPS, TITLES).splitlines()
    assert lines[0] == ("Accuracy on all 4,861 test digits 5-9 after 300 steps, and "
                        "wall-clock ms per training step:")
    assert lines[2].split() == ["10", "0.8200", "10.0", "0.9200", "20.0", "0.9200", "30.0",
                                "0.8700", "40.0"]
    assert lines[3].split() == ["MFLOP", "per", "image", "44.4", "15.0", "44.4", "14.9"]
    assert lines[2].index("0.8200") + 6 == lines[3].index("44.4") + 4   # right-aligned


def test_table_and_conclusions_in_portuguese():
    from conftest import english_left
    from tfgraph.support import i18n
    i18n.use("pt")
    lines = transfer.table(results({10: (0.82, 0.92, 0.92, 0.87)}), FLOPS, TITLES).splitlines()
    assert lines[0] == ("Acurácia em todos os 4.861 dígitos de teste 5-9 após 300 passos, e ms "
                        "de relógio por passo de treino:")
    assert lines[1].split()[:3] == ["imagens", "por", "dígito"]
    assert lines[2].split()[:3] == ["10", "0,8200", "10,0"]
    assert lines[3].split() == ["MFLOP", "por", "imagem", "44,4", "15,0", "44,4", "14,9"]
    shown = transfer.what_it_shows(results({10: (0.82, 0.92, 0.92, 0.87),
                                            100: (0.95, 0.97, 0.975, 0.93)}), FLOPS)
    assert shown[0] == ("camadas conv reaproveitadas e congeladas, contra treinar do zero: "
                        "+0,100 com 10, +0,020 com 100 imagens por dígito; quanto menos imagens "
                        "rotuladas, mais valem as camadas reaproveitadas")
    assert shown[1].startswith("um passo congelado faz 15,0 MFLOP por imagem contra 44,4")
    assert english_left("\n".join(shown)) == []
    gone = transfer.what_it_shows(results({5: (0.76, 0.58, 0.71, 0.14)}), FLOPS)
    assert "-0,180 com 5 imagens por dígito; aqui reaproveitar não compensou" in gone[0]
    assert english_left("\n".join(gone)) == []
