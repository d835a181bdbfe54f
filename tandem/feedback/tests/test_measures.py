"""The formulas in ``feedback.measures`` against examples worked out by hand.

Every expected value below is derived in the comment above it, so a reader can check the
arithmetic without trusting the code under test.
"""

import math

import pytest

from tandem.feedback.measures import (
    RCIResult,
    cronbach_alpha,
    gas_t_score,
    mean,
    reliable_change,
    sample_sd,
    sample_variance,
    self_other_category,
)

# ---------------------------------------------------------------------------------------
# mean / variance / sd
# ---------------------------------------------------------------------------------------


def test_mean_and_sample_variance_worked_example():
    # values 2, 4, 4, 4, 5, 5, 7, 9: sum 40, mean 5.
    # squared deviations 9, 1, 1, 1, 0, 0, 4, 16 → 32; sample variance 32 / 7 = 4.571428…
    values = [2, 4, 4, 4, 5, 5, 7, 9]
    assert mean(values) == 5.0
    assert sample_variance(values) == pytest.approx(32 / 7)
    assert sample_sd(values) == pytest.approx(math.sqrt(32 / 7))


def test_mean_of_nothing_is_an_error_not_zero():
    with pytest.raises(ValueError, match="empty"):
        mean([])


def test_sample_variance_needs_two_values():
    with pytest.raises(ValueError, match="at least 2"):
        sample_variance([3.0])


# ---------------------------------------------------------------------------------------
# GAS T-score: T = 50 + 10·Σwx / √((1−ρ)Σw² + ρ(Σw)²), ρ = 0.3
# ---------------------------------------------------------------------------------------


def test_gas_levels_that_cancel_out_give_fifty():
    # +1, 0, −1 with weights 1: Σwx = 0 → T = 50 whatever the denominator.
    assert gas_t_score([1, 0, -1]) == 50.0


def test_gas_all_expected_gives_fifty():
    assert gas_t_score([0, 0, 0, 0]) == 50.0


def test_gas_two_targets_both_somewhat_better_than_expected():
    # +1, +1, weights 1: Σwx = 2; Σw² = 2; (Σw)² = 4.
    # denominator = √(0.7·2 + 0.3·4) = √(1.4 + 1.2) = √2.6 = 1.6124515…
    # T = 50 + 10·2 / 1.6124515 = 50 + 12.403473 = 62.403473
    assert gas_t_score([1, 1]) == pytest.approx(62.403473, abs=1e-6)


def test_gas_single_target_runs_from_thirty_to_seventy():
    # One target: Σw² = (Σw)² = 1, denominator √(0.7 + 0.3) = 1, so T = 50 + 10·x.
    assert [gas_t_score([x]) for x in (-2, -1, 0, 1, 2)] == [30.0, 40.0, 50.0, 60.0, 70.0]


def test_gas_three_targets_all_much_better_than_expected():
    # +2, +2, +2: Σwx = 6; Σw² = 3; (Σw)² = 9.
    # denominator = √(0.7·3 + 0.3·9) = √(2.1 + 2.7) = √4.8 = 2.1908902
    # T = 50 + 60 / 2.1908902 = 50 + 27.386128 = 77.386128
    assert gas_t_score([2, 2, 2]) == pytest.approx(77.386128, abs=1e-6)


def test_gas_with_weights():
    # levels +2, −1 with weights 2, 1: Σwx = 4 − 1 = 3; Σw² = 4 + 1 = 5; (Σw)² = 9.
    # denominator = √(0.7·5 + 0.3·9) = √(3.5 + 2.7) = √6.2 = 2.4899799
    # T = 50 + 30 / 2.4899799 = 50 + 12.048289 = 62.048289
    assert gas_t_score([2, -1], weights=[2, 1]) == pytest.approx(62.048289, abs=1e-6)


def test_gas_weights_are_relative():
    assert gas_t_score([2, -1], weights=[4, 2]) == pytest.approx(gas_t_score([2, -1], [2, 1]))
    assert gas_t_score([1, 1], weights=[3, 3]) == pytest.approx(gas_t_score([1, 1]))


def test_gas_rho_zero_is_the_plain_standardised_sum():
    # ρ = 0: denominator √Σw² = √2; T = 50 + 10·2/√2 = 50 + 14.142136
    assert gas_t_score([1, 1], rho=0.0) == pytest.approx(64.142136, abs=1e-6)


@pytest.mark.parametrize(
    ("levels", "weights", "rho", "message"),
    [
        ([], None, 0.3, "at least one"),
        ([3], None, 0.3, "from -2 to \\+2"),
        ([-3, 0], None, 0.3, "goal level #1 is -3"),
        ([1.5], None, 0.3, "integer"),
        ([True], None, 0.3, "integer"),
        ([1, 0], [1], 0.3, "2 goal levels but 1 weights"),
        ([1, 0], [1, 0], 0.3, "weight #2 must be positive"),
        ([1, 0], [1, -1], 0.3, "weight #2 must be positive"),
        ([1], None, -0.1, "rho"),
        ([1], None, 1.5, "rho"),
        ([1], [math.nan], 0.3, "finite"),
    ],
)
def test_gas_rejects_invalid_input_with_a_clear_message(levels, weights, rho, message):
    with pytest.raises(ValueError, match=message):
        gas_t_score(levels, weights, rho)


# ---------------------------------------------------------------------------------------
# Cronbach's alpha
# ---------------------------------------------------------------------------------------

# 4 respondents × 3 items:
#            item1 item2 item3 | total
#   r1         2     3     3   |   8
#   r2         3     3     4   |  10
#   r3         4     5     4   |  13
#   r4         5     5     5   |  15
# item1: mean 3.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5 → s² = 5/3
# item2: mean 4,   squared deviations 1 + 1 + 1 + 1 = 4             → s² = 4/3
# item3: mean 4,   squared deviations 1 + 0 + 0 + 1 = 2             → s² = 2/3
# Σ item variances = 11/3
# totals: mean 11.5, squared deviations 12.25 + 2.25 + 2.25 + 12.25 = 29 → s² = 29/3
# α = 3/2 · (1 − (11/3)/(29/3)) = 3/2 · 18/29 = 27/29 = 0.931034…
MATRIX = [[2, 3, 3], [3, 3, 4], [4, 5, 4], [5, 5, 5]]


def test_cronbach_alpha_worked_example():
    assert cronbach_alpha(MATRIX) == pytest.approx(27 / 29)


def test_cronbach_alpha_drops_respondents_with_cant_say_listwise():
    # A fifth respondent with a "can't say" is left out entirely, so α is unchanged.
    assert cronbach_alpha([*MATRIX, [1, None, 5]]) == pytest.approx(27 / 29)


def test_cronbach_alpha_of_two_parallel_items():
    # items (1,2,3) and (1,2,3): s² = 1 each, Σ = 2; totals (2,4,6): s² = 4.
    # α = 2/1 · (1 − 2/4) = 1.0
    assert cronbach_alpha([[1, 1], [2, 2], [3, 3]]) == pytest.approx(1.0)


def test_cronbach_alpha_can_be_negative_when_items_disagree():
    # items (1,2,3) and (3,2,1): s² = 1 each; totals (4,4,4) → variance 0 → undefined.
    assert cronbach_alpha([[1, 3], [2, 2], [3, 1]]) is None
    # items (1,2,3) and (2,3,1): s² = 1 each, Σ = 2; totals (3,5,4): mean 4, s² = 2/2 = 1.
    # α = 2 · (1 − 2/1) = −2
    assert cronbach_alpha([[1, 2], [2, 3], [3, 1]]) == pytest.approx(-2.0)


@pytest.mark.parametrize(
    "matrix",
    [
        [],  # nobody answered
        [[1], [2], [3]],  # a single item
        [[1, 2, 3]],  # a single respondent
        [[1, 2], [None, 3], [2, None]],  # only one complete respondent after deletion
        [[3, 3], [3, 3], [3, 3]],  # no variance at all
    ],
)
def test_cronbach_alpha_is_none_when_undefined(matrix):
    assert cronbach_alpha(matrix) is None


def test_cronbach_alpha_rejects_a_ragged_matrix():
    with pytest.raises(ValueError, match="ragged"):
        cronbach_alpha([[1, 2, 3], [1, 2]])


# ---------------------------------------------------------------------------------------
# Reliable Change Index: SE = SD·√(1−r); S_diff = √2·SE; reliable if |x₂−x₁|/S_diff > 1.96
# ---------------------------------------------------------------------------------------


def test_rci_worked_example_improvement():
    # before 3.2, after 3.9, SD 0.6, r 0.84:
    # SE = 0.6·√0.16 = 0.6·0.4 = 0.24; S_diff = √2·0.24 = 0.3394113
    # RCI = 0.7 / 0.3394113 = 2.0623957 > 1.96 → reliable improvement
    result = reliable_change(3.2, 3.9, sd=0.6, reliability=0.84)
    assert result.s_diff == pytest.approx(0.3394113, abs=1e-7)
    assert result.rci == pytest.approx(2.0623957, abs=1e-6)
    assert result.reliable is True
    assert result.direction == "improved"


def test_rci_worked_example_decline():
    # The same numbers the other way round: RCI = −2.0623957 → reliable decline.
    result = reliable_change(3.9, 3.2, sd=0.6, reliability=0.84)
    assert result.rci == pytest.approx(-2.0623957, abs=1e-6)
    assert (result.reliable, result.direction) == (True, "declined")


def test_rci_small_change_is_not_reliable():
    # before 3.2, after 3.7: RCI = 0.5 / 0.3394113 = 1.4731398 ≤ 1.96
    result = reliable_change(3.2, 3.7, sd=0.6, reliability=0.84)
    assert result.rci == pytest.approx(1.4731398, abs=1e-6)
    assert (result.reliable, result.direction) == (False, "no reliable change")


def test_rci_exactly_at_the_critical_value_is_not_reliable():
    # SD 1, r 0.5: SE = √0.5, S_diff = √2·√0.5 = 1, so RCI = x₂ − x₁ = 1.96: not > 1.96.
    result = reliable_change(0.0, 1.96, sd=1.0, reliability=0.5)
    assert result == RCIResult(rci=1.96, s_diff=1.0, reliable=False, direction="no reliable change")
    assert reliable_change(0.0, 1.97, sd=1.0, reliability=0.5).reliable is True


def test_rci_lower_is_better_flips_the_direction():
    result = reliable_change(3.9, 3.2, sd=0.6, reliability=0.84, higher_is_better=False)
    assert result.direction == "improved"


def test_rci_with_zero_reliability():
    # r = 0: S_diff = √2·SD = 1.4142136 for SD 1; a change of 3 → RCI 2.1213203
    result = reliable_change(1.0, 4.0, sd=1.0, reliability=0.0)
    assert result.rci == pytest.approx(2.1213203, abs=1e-6)
    assert result.reliable


@pytest.mark.parametrize(
    ("sd", "reliability", "message"),
    [
        (0.0, 0.8, "sd must be positive"),
        (-1.0, 0.8, "sd must be positive"),
        (0.6, 1.0, "reliability must be in \\[0, 1\\)"),
        (0.6, 1.2, "reliability must be in \\[0, 1\\)"),
        (0.6, -0.3, "reliability must be in \\[0, 1\\)"),
        (math.inf, 0.8, "finite"),
    ],
)
def test_rci_refuses_undefined_inputs(sd, reliability, message):
    with pytest.raises(ValueError, match=message):
        reliable_change(3.0, 4.0, sd=sd, reliability=reliability)


def test_rci_from_cronbach_alpha_end_to_end():
    # α of MATRIX is 27/29; SD of its totals is √(29/3) = 3.1091264.
    # SE = 3.1091264·√(2/29) = 3.1091264·0.2626129 = 0.8164966 (= √(2/3) exactly:
    #   SD²·(1 − r) = 29/3 · 2/29 = 2/3); S_diff = √2·√(2/3) = √(4/3) = 1.1547005.
    # A total going from 8 to 11 gives RCI = 3 / 1.1547005 = 2.5980762 → reliable.
    alpha = cronbach_alpha(MATRIX)
    assert alpha is not None
    sd = sample_sd([8, 10, 13, 15])
    result = reliable_change(8, 11, sd=sd, reliability=alpha)
    assert result.s_diff == pytest.approx(math.sqrt(4 / 3))
    assert result.rci == pytest.approx(2.5980762, abs=1e-6)
    assert result.direction == "improved"


# ---------------------------------------------------------------------------------------
# Self vs others
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("self_score", "others", "expected"),
    [
        (4.5, 3.5, "blind_spot"),  # self higher by exactly 1.0
        (5.0, 3.2, "blind_spot"),
        (4.1, 3.1, "blind_spot"),  # 4.1 − 3.1 is 0.9999999999999996 in binary floating point
        (3.1, 4.1, "hidden_strength"),
        (4.1, 3.2, "aligned"),  # 0.9
        (3.2, 4.2, "hidden_strength"),
        (2.0, 4.75, "hidden_strength"),
        (3.0, 3.0, "aligned"),
        (3.4, 4.3, "aligned"),  # 0.9 the other way
        (None, 4.0, "unknown"),
        (4.0, None, "unknown"),
        (None, None, "unknown"),
    ],
)
def test_self_other_category(self_score, others, expected):
    assert self_other_category(self_score, others) == expected


def test_self_other_boundary_survives_floating_point_noise():
    # 2.3 − 1.3 is 0.9999999999999998 in binary floating point, yet the report shows a
    # gap of 1.0, so it must count as 1.0.
    assert 2.3 - 1.3 < 1.0
    assert self_other_category(2.3, 1.3) == "blind_spot"
    assert self_other_category(1.3, 2.3) == "hidden_strength"
    # ...but a real shortfall is not rounded away.
    assert self_other_category(2.29, 1.3) == "aligned"


def test_self_other_custom_threshold():
    assert self_other_category(4.0, 3.5, threshold=0.5) == "blind_spot"
    assert self_other_category(4.0, 3.5) == "aligned"
    with pytest.raises(ValueError, match="positive"):
        self_other_category(4.0, 3.5, threshold=0)


# --- Spearman–Brown, worked by hand -------------------------------------------------------


def test_spearman_brown_worked_examples():
    from tandem.feedback.measures import single_item_reliability, spearman_brown

    # Doubling a test of r = .6: 2·.6 / (1 + .6) = 1.2 / 1.6 = .75
    assert spearman_brown(0.6, 2) == pytest.approx(0.75)
    # One item of a 4-item scale with α = .8: .25·.8 / (1 − .75·.8) = .2 / .4 = .5
    assert single_item_reliability(0.8, 4) == pytest.approx(0.5)
    # One item of a 3-item scale with α = .9: (.9/3) / (1 − (2/3)·.9) = .3 / .4 = .75
    assert single_item_reliability(0.9, 3) == pytest.approx(0.75)
    assert single_item_reliability(0.7, 1) == pytest.approx(0.7)  # a scale of one: itself
    assert spearman_brown(0.0, 0.25) == 0.0


def test_spearman_brown_refuses_what_is_not_a_reliability():
    from tandem.feedback.measures import single_item_reliability, spearman_brown

    with pytest.raises(ValueError, match="reliability must be in"):
        spearman_brown(-0.2, 0.5)
    with pytest.raises(ValueError, match="factor must be positive"):
        spearman_brown(0.5, 0)
    with pytest.raises(ValueError, match="at least one item"):
        single_item_reliability(0.8, 0)


def test_panel_change_z_worked_example():
    from tandem.feedback.measures import panel_change_z

    # SE = √(1²/4 + 1²/4) = √0.5 = 0.7071; z = (3 − 2) / 0.7071 = 1.4142
    assert panel_change_z(2.0, 3.0, 1.0, 4, 1.0, 4) == pytest.approx(2**0.5)
    # SE = √(0.5²/5 + 0²/5) = 0.2236; z = 0.5 / 0.2236 = 2.2361
    assert panel_change_z(3.0, 3.5, 0.5, 5, 0.0, 5) == pytest.approx(5**0.5)
    assert panel_change_z(2.0, 3.0, 1.0, 1, 1.0, 4) is None  # one rater: no spread to judge
    assert panel_change_z(2.0, 3.0, 0.0, 4, 0.0, 4) is None


def test_welch_degrees_of_freedom_and_the_t_table():
    from tandem.feedback.measures import t_critical_95, welch_df

    # Equal spreads and sizes: ν = (2·0.25)² / (2·0.25²/3) = 0.25 / 0.041667 = 6
    assert welch_df(1.0, 4, 1.0, 4) == pytest.approx(6.0)
    assert welch_df(1.0, 1, 1.0, 4) is None
    assert t_critical_95(6.0) == 2.447
    assert t_critical_95(6.9) == 2.447  # the strict side: the value for 6 df
    assert t_critical_95(4.2) == 2.776
    assert t_critical_95(5000) == 1.96
    with pytest.raises(ValueError):
        t_critical_95(0.5)
