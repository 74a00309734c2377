"""tfgraph.data.line: the points of lesson ml101's regression, numpy's line through them (the
oracle the lesson's two methods are held to) and the table that compares them."""

import numpy as np
import pytest

from tfgraph.data import line


def test_lstsq_oracle_is_itself_right():
    x = np.float32([0, 1, 2, 3])
    assert line.lstsq(x, 3 * x - 2) == pytest.approx((3.0, -2.0))


def test_points_are_seeded_float32_and_around_the_line():
    x, y = line.points(2.0, -1.0, 0.0, 50, seed=3)
    assert x.dtype == y.dtype == np.float32 and x.shape == y.shape == (50,)
    assert line.X_RANGE[0] <= x.min() and x.max() <= line.X_RANGE[1]
    np.testing.assert_allclose(y, 2 * x - 1, rtol=1e-6, atol=1e-5)     # no noise: on the line
    noisy = line.points(2.0, -1.0, 1.0, 50, seed=3)
    np.testing.assert_array_equal(noisy[0], line.points(2.0, -1.0, 1.0, 50, seed=3)[0])
    assert not np.array_equal(noisy[0], line.points(2.0, -1.0, 1.0, 50, seed=4)[0])


def test_equation_as_a_learner_writes_it():
    assert line.equation(2.0, -1.0) == "y = 2·x - 1"
    assert line.equation(0.5, 3) == "y = 0.5·x + 3"
    assert line.equation(1.98691, -1.00753, ".3f") == "y = 1.987·x - 1.008"


def test_summary_compares_every_line_with_numpys():
    x = np.float32([0, 1, 2, 3, 4])
    y = np.float32([-1.2, 1.1, 2.9, 5.2, 6.8])
    slope, intercept = line.lstsq(x, y)
    fitted = [("exact", slope, intercept, None), ("trained", slope + 0.01, intercept, 0.125)]
    text = line.summary(x, y, (2.0, -1.0), 0.5, fitted)
    lines = text.split("\n")
    assert lines[0] == "5 points around y = 2·x - 1, noise 0.5"
    assert lines[1].split() == ["slope", "intercept", "mean", "sq.", "error"]
    assert lines[2].split() == ["true", "line", "2.0000", "-1.0000"]          # no error shown
    mse = line.mean_squared_error(slope, intercept, x, y)
    assert lines[3].split()[-1] == lines[4].split()[-1] == f"{mse:.4f}"   # computed when None
    assert lines[5].split()[-1] == "0.1250"                               # given: kept
    assert "within 1.0e-02" in text                                        # the worst fit's gap
    assert f"y = {(slope + 0.01) * 5 + intercept:.3f}." in text               # the last line predicts


def test_summary_in_portuguese():
    from tfgraph.support import i18n
    x = np.float32([0, 1, 2, 3, 4])
    y = np.float32([-1.2, 1.1, 2.9, 5.2, 6.8])
    i18n.use("pt")
    lines = line.summary(x, y, (2.0, -1.0), 0.5, [("treinada", 2.0, -1.0, 0.125)]).split("\n")
    assert lines[0] == "5 pontos em torno de y = 2·x - 1, ruído 0,5"
    assert lines[1].split() == ["inclinação", "intercepto", "erro", "quadr.", "médio"]
    assert lines[2].split() == ["reta", "verdadeira", "2,0000", "-1,0000"]
    assert lines[4].split()[-1] == "0,1250"
    assert lines[5].startswith("   As duas chegam à reta do numpy a menos de ")
    assert line.equation(0.5, 3) == "y = 0,5·x + 3"
