"""IPIP Big-Five: the shipped items, scoring worked by hand, and the organisation comparison."""

import csv
import math

import pytest

from tandem.profiles import ipip
from tandem.profiles.ipip import FACTORS, Item, load_items, norm_comparison, score

# Keys per factor, counted by hand from data/ipip_bigfive_50.csv:
#   Extraversion           + 1 11 21 31 41            − 6 16 26 36 46           → 5 + / 5 −
#   Agreeableness          + 7 17 27 37 42 47         − 2 12 22 32              → 6 + / 4 −
#   Conscientiousness      + 3 13 23 33 43 48         − 8 18 28 38              → 6 + / 4 −
#   Emotional Stability    + 9 19                     − 4 14 24 29 34 39 44 49  → 2 + / 8 −
#   Intellect/Imagination  + 5 15 25 35 40 45 50      − 10 20 30                → 7 + / 3 −
PLUS_KEYED = {
    "Extraversion": 5,
    "Agreeableness": 6,
    "Conscientiousness": 6,
    "Emotional Stability": 2,
    "Intellect/Imagination": 7,
}


def all_answers(value):
    return dict.fromkeys(range(1, 51), value)


def test_the_fifty_items_load_in_order_with_ten_per_factor():
    items = load_items()
    assert [i.number for i in items] == list(range(1, 51))
    assert items[0] == Item(1, "Am the life of the party.", "Extraversion", "+")
    assert items[1] == Item(2, "Feel little concern for others.", "Agreeableness", "-")
    assert items[49] == Item(50, "Am full of ideas.", "Intellect/Imagination", "+")
    for factor in FACTORS:
        of_factor = [i for i in items if i.factor == factor]
        assert len(of_factor) == 10
        assert sum(i.key == "+" for i in of_factor) == PLUS_KEYED[factor]


def test_load_items_is_cached_but_callers_cannot_alter_the_cache():
    first = load_items()
    first.clear()
    assert len(load_items()) == 50
    assert ipip._items.cache_info().misses <= 1


def test_the_shipped_file_keeps_its_header_and_the_mini_ipip_columns():
    with ipip.DATA_FILE.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header == [
        "ipip50_item",
        "text",
        "factor_no",
        "factor",
        "key",
        "mini_ipip_item",
        "mini_ipip_scale",
        "mini_ipip_key",
    ]


def test_all_threes_score_thirty_on_every_factor():
    # 3 reversed is 6 − 3 = 3, so each factor is 10 × 3 = 30 whatever the keys.
    assert score(all_answers(3)) == dict.fromkeys(FACTORS, 30)


def test_all_fives_worked_by_hand():
    # "+" items count 5, "−" items count 6 − 5 = 1:
    #   Extraversion          5·5 + 5·1 = 30
    #   Agreeableness         6·5 + 4·1 = 34
    #   Conscientiousness     6·5 + 4·1 = 34
    #   Emotional Stability   2·5 + 8·1 = 18
    #   Intellect/Imagination 7·5 + 3·1 = 38
    assert score(all_answers(5)) == {
        "Extraversion": 30,
        "Agreeableness": 34,
        "Conscientiousness": 34,
        "Emotional Stability": 18,
        "Intellect/Imagination": 38,
    }


def test_all_ones_mirror_all_fives():
    # "+" items count 1, "−" items 6 − 1 = 5: E 5 + 25 = 30, A 6 + 20 = 26, C 26,
    # ES 2 + 40 = 42, I 7 + 15 = 22 — and each pairs with the all-fives score to 60.
    assert score(all_answers(1)) == {
        "Extraversion": 30,
        "Agreeableness": 26,
        "Conscientiousness": 26,
        "Emotional Stability": 42,
        "Intellect/Imagination": 22,
    }


def test_agreeing_with_the_keys_gives_fifty_and_against_them_ten():
    items = load_items()
    keyed = {i.number: 5 if i.key == "+" else 1 for i in items}
    against = {i.number: 1 if i.key == "+" else 5 for i in items}
    assert score(keyed) == dict.fromkeys(FACTORS, 50)
    assert score(against) == dict.fromkeys(FACTORS, 10)


def test_one_reversed_item_moves_only_its_factor():
    # All 3s, then item 4 ("Get stressed out easily", Emotional Stability, −) answered 5:
    # it counts 6 − 5 = 1 instead of 3, so Emotional Stability drops from 30 to 28.
    answers = all_answers(3) | {4: 5}
    assert score(answers) == dict.fromkeys(FACTORS, 30) | {"Emotional Stability": 28}


def test_missing_and_invalid_answers_are_named():
    answers = all_answers(3)
    del answers[7]
    del answers[42]
    answers[3] = 0
    answers[9] = 6
    answers[51] = 3
    with pytest.raises(ValueError) as error:
        score(answers)
    message = str(error.value)
    assert "missing answers for items 7, 42" in message
    assert "unknown items 51" in message
    assert "outside 1–5 for items 3, 9" in message


@pytest.mark.parametrize("bad", [2.5, True, "3", None])
def test_non_integer_answers_are_refused(bad):
    with pytest.raises(ValueError, match="items 10"):
        score(all_answers(3) | {10: bad})


# ---------------------------------------------------------------------------------------
# Comparison with the organisation
# ---------------------------------------------------------------------------------------


def test_norm_comparison_worked_example():
    # Organisation: 20, 25, 30, 35, 40 → mean 30;
    # squared deviations 100 + 25 + 0 + 25 + 100 = 250; SD = √(250 / 4) = √62.5 = 7.9056942
    # A score of 40: z = 10 / 7.9056942 = 1.2649111 → "above average";
    # percentile: 4 below, 1 equal → (4 + 0.5) / 5 = 90 %.
    result = norm_comparison(40, [20, 25, 30, 35, 40])
    assert result is not None
    assert result.n == 5
    assert result.mean == 30.0
    assert result.sd == pytest.approx(7.9056942, abs=1e-6)
    assert result.z == pytest.approx(1.2649111, abs=1e-6)
    assert result.percentile == 90.0
    assert result.description == "above average for your organisation"


@pytest.mark.parametrize(
    ("value", "description"),
    [
        (30, "about average for your organisation"),  # z = 0
        (33, "about average for your organisation"),  # z = 3 / 7.906 = 0.38
        (26, "below average for your organisation"),  # z = −0.51
        (44, "well above average for your organisation"),  # z = 1.77
        (10, "well below average for your organisation"),  # z = −2.53
    ],
)
def test_norm_comparison_bands(value, description):
    result = norm_comparison(value, [20, 25, 30, 35, 40])
    assert result is not None
    assert result.description == description


def test_norm_comparison_needs_five_people():
    assert norm_comparison(30, [20, 25, 30, 35]) is None
    assert norm_comparison(30, [20, 25, 30, 35, 40, 45], min_n=7) is None
    with pytest.raises(ValueError, match="at least 5"):
        norm_comparison(30, [20, 25, 30], min_n=3)


def test_norm_comparison_without_spread_has_no_z():
    result = norm_comparison(30, [30] * 6)
    assert result is not None
    assert (result.sd, result.z, result.percentile) == (0.0, None, 50.0)
    assert result.description == "the same as everyone in your organisation"
    assert norm_comparison(35, [30] * 6).description == "above everyone in your organisation"


@pytest.mark.parametrize(
    ("value", "org"), [(9, [30] * 5), (30, [30, 30, 30, 30, 51]), (30.5, [30] * 5)]
)
def test_norm_comparison_refuses_impossible_scores(value, org):
    with pytest.raises(ValueError):
        norm_comparison(value, org)


def test_scores_feed_the_comparison():
    # Five colleagues answering all 1s … all 5s. Emotional Stability (2 "+", 8 "−") is
    # 2·v + 8·(6 − v) = 48 − 6v → 42, 36, 30, 24, 18: mean 30; squared deviations
    # 144 + 36 + 0 + 36 + 144 = 360, SD = √(360 / 4) = √90 = 9.4868330.
    org = [score(all_answers(v))["Emotional Stability"] for v in (1, 2, 3, 4, 5)]
    assert org == [42, 36, 30, 24, 18]
    result = norm_comparison(42, org)
    assert result is not None
    assert result.sd == pytest.approx(math.sqrt(90))
    assert result.z == pytest.approx(12 / math.sqrt(90))  # 1.2649
    assert result.percentile == 90.0
