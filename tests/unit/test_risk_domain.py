"""Risk rating: level = likelihood × impact and its band."""

import pytest

from qms_tui.domain import risk as R


def test_level_is_the_product():
    assert R.level(1, 1) == 1
    assert R.level(3, 4) == 12
    assert R.level(5, 5) == 25


@pytest.mark.parametrize(
    ("level", "band"),
    [(1, "low"), (4, "low"), (5, "medium"), (9, "medium"), (10, "high"), (16, "high"),
     (20, "critical"), (25, "critical")],
)
def test_band_boundaries(level, band):
    assert R.band(level) == band


def test_every_product_of_the_scales_has_a_band_in_order():
    seen = {R.level(a, b) for a in range(1, 6) for b in range(1, 6)}
    assert sorted(seen) == [1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25]
    ranks = [R.severity_rank(R.band(lv)) for lv in sorted(seen)]
    assert ranks == sorted(ranks)


@pytest.mark.parametrize("bad", [(0, 3), (6, 1), (2, True), (2.5, 1), ("3", 2)])
def test_scores_outside_the_scale_are_refused(bad):
    with pytest.raises(ValueError):
        R.level(*bad)


@pytest.mark.parametrize("bad", [0, 26, -1, 3.0])
def test_band_outside_range_is_refused(bad):
    with pytest.raises(ValueError):
        R.band(bad)


def test_residual_needs_both_scores_and_labels_are_msgids():
    assert R.residual_level(None, 3) is None
    assert R.residual_level(2, 2) == 4
    assert R.band_of(4, 5) == "critical"
    assert [R.band_label(b) for b in R.BANDS] == ["low", "medium", "high", "critical"]
    assert set(R.BAND_SYMBOL) == set(R.BANDS)
