"""tfgraph.data.digits: some of MNIST's ten digits (`--digits` of lesson going_deep, the
few images per digit of transfer_learning)."""

import numpy as np
import pytest

from tfgraph.data.digits import ALL_DIGITS, digits_text, few_images, only_digits, parse_digits
from tfgraph.data.mnist import Mnist, Split
from tfgraph.support.errors import UserError


@pytest.mark.parametrize("text, digits", [("0-4", (0, 1, 2, 3, 4)), ("5-9", (5, 6, 7, 8, 9)),
                                          ("0,2,4", (0, 2, 4)), ("7,0-2", (0, 1, 2, 7)),
                                          ("0-9", tuple(range(10)))])
def test_parse_digits(text, digits):
    assert parse_digits(text) == digits
    assert parse_digits(digits_text(digits)) == digits


@pytest.mark.parametrize("text, words", [
    ("3-1", ["expected digits 0-9", "e.g. 0-4", "'3-1'"]),
    ("12", ["expected digits 0-9", "'12'"]), ("seven", ["'seven'"]), ("0-", ["'0-'"]),
    ("-3", ["'-3'"]), ("7", ["at least two digits", "'7'"]), ("4,4-4", ["at least two"]),
])
def test_parse_digits_refuses_with_a_plain_value_error_the_learner_can_read(text, words):
    with pytest.raises(ValueError) as refused:
        parse_digits(text)
    assert all(word in str(refused.value) for word in words), refused.value


def test_digits_text_is_a_range_only_for_three_or_more_in_a_row():
    assert digits_text((0, 1, 2, 3, 4)) == "0-4"
    assert digits_text((0, 2, 4)) == "0,2,4" and digits_text((5, 6)) == "5,6"


def fake_mnist(seed=0):
    rng = np.random.default_rng(seed)

    def split(n):
        return Split(rng.random((n, 4), dtype=np.float32), np.arange(n) % 10)
    return Mnist(split(50), split(20), split(30), (2, 2), "test data")


def test_only_digits_keeps_those_labels():
    data = fake_mnist()
    kept = only_digits(data, (0, 1, 2, 3, 4))
    for name in ("train", "validation", "test"):
        assert set(getattr(kept, name).labels) == {0, 1, 2, 3, 4}
        assert len(getattr(kept, name)) == len(getattr(data, name)) // 2
    assert "digits 0-4 only" in kept.source
    assert only_digits(data, ALL_DIGITS) is data


def test_only_digits_says_when_none_are_left():
    data = fake_mnist()
    empty = Mnist(data.train.only((0,)), data.validation, data.test, (2, 2), "zeros")
    with pytest.raises(UserError, match="no training or test images of the digits 5-9"):
        only_digits(empty, (5, 6, 7, 8, 9))


def test_few_images_picks_n_of_each_digit_and_says_when_there_are_too_few():
    labels = np.arange(100) % 10
    split = Split(np.zeros((100, 784), np.float32), labels)
    new = (5, 6, 7, 8, 9)
    few = few_images(split, new, 3, seed=0)
    assert sorted(few.labels) == sorted([5, 6, 7, 8, 9] * 3)
    assert np.array_equal(few.labels, few_images(split, new, 3, 0).labels)
    with pytest.raises(UserError, match="only 10 training images of the digit 5"):
        few_images(split, new, 11, seed=0)


def test_digits_speak_portuguese():
    from tfgraph.support import i18n
    i18n.use("pt")
    with pytest.raises(ValueError) as error:
        parse_digits("7")
    assert str(error.value) == "um classificador precisa de ao menos dois dígitos, recebeu '7'"
    split = Split(np.zeros((4, 2), np.float32), np.array([5, 6, 6, 5]))
    with pytest.raises(UserError) as error:
        few_images(split, (5, 6), per_digit=3, seed=0)
    assert str(error.value) == ("só 2 imagens de treino do dígito 5 (eram pedidas 3 por dígito): "
                                "use menos --images-per-digit ou mais --train-size")
