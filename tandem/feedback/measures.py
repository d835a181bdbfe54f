"""Measures used by 360 reports and coaching targets (DESIGN.md, "Measures (formulas)").

Plain Python, no Django: every formula is a small pure function so that it can be checked
against worked examples by hand (see ``tests/test_measures.py``).

Sources
-------
* Goal Attainment Scaling T-score: Kiresuk, T. J. & Sherman, R. E. (1968). Goal attainment
  scaling: a general method for evaluating comprehensive community mental health programs.
  *Community Mental Health Journal*, 4(6), 443–453.
* Reliable Change Index: Jacobson, N. S. & Truax, P. (1991). Clinical significance: a
  statistical approach to defining meaningful change in psychotherapy research. *Journal of
  Consulting and Clinical Psychology*, 59(1), 12–19.
* Cronbach's alpha: Cronbach, L. J. (1951). Coefficient alpha and the internal structure of
  tests. *Psychometrika*, 16(3), 297–334.
* Spearman–Brown prophecy formula: Spearman, C. (1910) and Brown, W. (1910), *British
  Journal of Psychology*, 3, 271–295 and 296–322.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "GAS_MAX_LEVEL",
    "GAS_MIN_LEVEL",
    "RCI_CRITICAL",
    "SELF_OTHER_THRESHOLD",
    "Direction",
    "RCIResult",
    "SelfOtherCategory",
    "cronbach_alpha",
    "gas_t_score",
    "mean",
    "panel_change_z",
    "reliable_change",
    "sample_sd",
    "sample_variance",
    "self_other_category",
    "single_item_reliability",
    "spearman_brown",
    "t_critical_95",
    "welch_df",
]

GAS_MIN_LEVEL: Final = -2
GAS_MAX_LEVEL: Final = 2
#: Two-tailed 5 % critical value of the standard normal distribution (Jacobson & Truax 1991).
RCI_CRITICAL: Final = 1.96
#: Self-vs-others gap on a 5-point scale that DESIGN.md calls a blind spot / hidden strength.
SELF_OTHER_THRESHOLD: Final = 1.0
# Means are shown rounded, so a gap that reads "1.0" must count as 1.0 even when binary
# floating point makes it 0.9999999999999996 (4.2 - 3.2, say).
_GAP_TOLERANCE: Final = 1e-9

Direction = Literal["improved", "declined", "no reliable change"]
SelfOtherCategory = Literal["blind_spot", "hidden_strength", "aligned", "unknown"]


# --------------------------------------------------------------------------------------
# Descriptive helpers
# --------------------------------------------------------------------------------------


def _finite(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean. Raises ``ValueError`` on an empty sequence (there is no mean of
    nothing, and silently returning 0 would look like a real score)."""
    if len(values) == 0:
        raise ValueError("mean of an empty sequence is undefined")
    # fsum: exactly rounded, so the result does not depend on the order of the values.
    return math.fsum(values) / len(values)


def sample_variance(values: Sequence[float]) -> float:
    """Sample variance with Bessel's correction (divisor n − 1), as used by Cronbach (1951)
    and in the SD that enters the Reliable Change Index. Needs at least two values."""
    n = len(values)
    if n < 2:
        raise ValueError(f"sample variance needs at least 2 values, got {n}")
    m = mean(values)
    return math.fsum((x - m) ** 2 for x in values) / (n - 1)


def sample_sd(values: Sequence[float]) -> float:
    """Sample standard deviation (divisor n − 1). Needs at least two values."""
    return math.sqrt(sample_variance(values))


# --------------------------------------------------------------------------------------
# Goal Attainment Scaling
# --------------------------------------------------------------------------------------


def gas_t_score(
    levels: Sequence[int],
    weights: Sequence[float] | None = None,
    rho: float = 0.3,
) -> float:
    """Summary T-score of a set of Goal Attainment Scales (Kiresuk & Sherman 1968)::

        T = 50 + 10·Σwᵢxᵢ / √((1 − ρ)·Σwᵢ² + ρ·(Σwᵢ)²)

    ``levels`` are the attained levels xᵢ ∈ {−2, −1, 0, +1, +2} (0 = the expected outcome),
    one per behavioural target; ``weights`` wᵢ default to 1 each. ρ is the assumed
    correlation between the goal scales; Kiresuk & Sherman recommend 0.3, the value fixed
    in DESIGN.md. With every goal at its expected level T = 50; the formula is scaled so
    that T behaves like a T-score (mean 50, SD 10) when the goals are met "as expected on
    average".

    Weights are relative: multiplying all of them by the same factor leaves T unchanged.
    They must be positive — a zero or negative weight would mean "this target does not
    count", which is better expressed by leaving the target out.
    """
    if len(levels) == 0:
        raise ValueError("gas_t_score needs at least one goal level")
    for i, level in enumerate(levels):
        if isinstance(level, bool) or not isinstance(level, int):
            raise ValueError(f"goal level #{i + 1} must be an integer, got {level!r}")
        if not GAS_MIN_LEVEL <= level <= GAS_MAX_LEVEL:
            raise ValueError(
                f"goal level #{i + 1} is {level}; GAS levels run from "
                f"{GAS_MIN_LEVEL} to +{GAS_MAX_LEVEL} (0 = expected outcome)"
            )
    if weights is None:
        w = [1.0] * len(levels)
    else:
        if len(weights) != len(levels):
            raise ValueError(f"got {len(levels)} goal levels but {len(weights)} weights")
        w = [_finite(x, f"weight #{i + 1}") for i, x in enumerate(weights)]
        for i, x in enumerate(w):
            if x <= 0:
                raise ValueError(f"weight #{i + 1} must be positive, got {x!r}")
    rho = _finite(rho, "rho")
    if not 0.0 <= rho <= 1.0:
        raise ValueError(f"rho (the correlation between goal scales) must be in [0, 1], got {rho}")

    weighted_sum = math.fsum(wi * xi for wi, xi in zip(w, levels, strict=True))
    sum_w_sq = math.fsum(wi * wi for wi in w)
    sum_w = math.fsum(w)
    # Positive weights and 0 ≤ ρ ≤ 1 keep the radicand strictly positive.
    denominator = math.sqrt((1.0 - rho) * sum_w_sq + rho * sum_w * sum_w)
    return 50.0 + 10.0 * weighted_sum / denominator


# --------------------------------------------------------------------------------------
# Cronbach's alpha
# --------------------------------------------------------------------------------------


def cronbach_alpha(item_scores: Sequence[Sequence[float | None]]) -> float | None:
    """Cronbach's α (1951) of a scale: rows are respondents, columns are items::

        α = k / (k − 1) · (1 − Σσᵢ² / σₜ²)

    with k items, σᵢ² the sample variance of item i and σₜ² the sample variance of the
    respondents' total scores.

    **Missing answers ("can't say", ``None``) are handled by listwise deletion**: a
    respondent who left any item of the scale unanswered is dropped before α is computed.
    α is defined on a complete respondents × items matrix; pairwise deletion (each
    variance on whoever answered that item) can mix different subsamples and give α
    outside its meaningful range, and imputing a value would invent answers nobody gave.
    The price is a smaller sample, which is why the result is ``None`` rather than a
    number when too few complete rows remain.

    Returns ``None`` when α is undefined: fewer than 2 items, fewer than 2 complete
    respondents, or zero variance of the totals (everybody gave the same total). α can be
    negative when items do not hang together; it is returned as is, and callers that use
    it as a reliability (the RCI) must reject values outside [0, 1).
    """
    rows = [list(row) for row in item_scores]
    if not rows:
        return None
    k = len(rows[0])
    for i, row in enumerate(rows):
        if len(row) != k:
            raise ValueError(
                f"respondent row #{i + 1} has {len(row)} items, expected {k} (ragged matrix)"
            )
        for j, value in enumerate(row):
            if value is not None:
                _finite(value, f"score in row #{i + 1}, item #{j + 1}")
    if k < 2:
        return None
    complete = [[float(v) for v in row if v is not None] for row in rows if None not in row]
    if len(complete) < 2:
        return None
    totals = [math.fsum(row) for row in complete]
    total_variance = sample_variance(totals)
    if total_variance == 0.0:
        return None
    item_variances = math.fsum(sample_variance([row[j] for row in complete]) for j in range(k))
    return k / (k - 1) * (1.0 - item_variances / total_variance)


# --------------------------------------------------------------------------------------
# Spearman–Brown
# --------------------------------------------------------------------------------------


def spearman_brown(reliability: float, factor: float) -> float:
    """Reliability of a test ``factor`` times as long, made of parallel items::

        r' = n·r / (1 + (n − 1)·r)

    ``factor`` < 1 shortens it: 1/k gives the reliability of one item of a k-item scale.
    ``reliability`` must be in [0, 1]; ``factor`` > 0.
    """
    reliability = _finite(reliability, "reliability")
    factor = _finite(factor, "factor")
    if not 0.0 <= reliability <= 1.0:
        raise ValueError(f"reliability must be in [0, 1], got {reliability}")
    if factor <= 0.0:
        raise ValueError(f"factor must be positive, got {factor}")
    return factor * reliability / (1.0 + (factor - 1.0) * reliability)


def single_item_reliability(scale_alpha: float, items: int) -> float:
    """What one item of a ``items``-item scale with Cronbach's α ``scale_alpha`` is worth on
    its own, by Spearman–Brown stepped down by 1/k. A single item is far less reliable than
    the scale it belongs to; using the scale's α for it would call noise a reliable change."""
    if items < 1:
        raise ValueError(f"a scale has at least one item, got {items}")
    return spearman_brown(scale_alpha, 1.0 / items)


# --------------------------------------------------------------------------------------
# Reliable Change Index
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RCIResult:
    """Outcome of :func:`reliable_change`.

    ``rci`` is signed: (after − before) / S_diff, positive when the score went up.
    """

    rci: float
    s_diff: float
    reliable: bool
    direction: Direction


def reliable_change(
    before: float,
    after: float,
    sd: float,
    reliability: float,
    *,
    higher_is_better: bool = True,
) -> RCIResult:
    """Reliable Change Index (Jacobson & Truax 1991)::

        SE     = SD·√(1 − r)
        S_diff = √2·SE            (computed as SD·√(2(1 − r)), the same value)
        RCI    = (x₂ − x₁) / S_diff,   reliable if |RCI| > 1.96

    ``sd`` is the standard deviation of the measure at baseline (in the reference group),
    ``reliability`` r its reliability — in Tandem, Cronbach's α of the scale
    (DESIGN.md). A change is "reliable" when it is larger than measurement error alone
    would produce 95 % of the time. The comparison is strict (> 1.96), as published.

    Raises ``ValueError`` when the index is undefined rather than returning a misleading
    number: ``sd`` must be > 0 (with no spread there is no error scale) and ``reliability``
    must be in [0, 1) — r = 1 would mean no measurement error, so any change at all,
    however tiny, would be "infinitely" reliable; a negative α means the scale is not
    measuring one thing and must not be used for change.
    """
    before = _finite(before, "before")
    after = _finite(after, "after")
    sd = _finite(sd, "sd")
    reliability = _finite(reliability, "reliability")
    if sd <= 0.0:
        raise ValueError(f"sd must be positive to compute a Reliable Change Index, got {sd}")
    if not 0.0 <= reliability < 1.0:
        raise ValueError(
            f"reliability must be in [0, 1) to compute a Reliable Change Index, got "
            f"{reliability} (r = 1 means no measurement error; r < 0 means an unusable scale)"
        )
    s_diff = sd * math.sqrt(2.0 * (1.0 - reliability))
    rci = (after - before) / s_diff
    reliable = abs(rci) > RCI_CRITICAL
    direction: Direction
    if not reliable:
        direction = "no reliable change"
    elif (rci > 0) == higher_is_better:
        direction = "improved"
    else:
        direction = "declined"
    return RCIResult(rci=rci, s_diff=s_diff, reliable=reliable, direction=direction)


def panel_change_z(
    before: float, after: float, sd_before: float, n_before: int, sd_after: float, n_after: int
) -> float | None:
    """How far a change of a raters' mean lies beyond rater sampling: the standard error of
    the difference of two independent means (Welch)::

        z = (x₂ − x₁) / √(s₁²/n₁ + s₂²/n₂)

    A 360 asks a panel of raters, and the panel is never quite the same twice; the RCI covers
    the error of the measure (its α), this covers who happened to answer. ``None`` when
    undefined: fewer than 2 raters in a round, or no spread at all in either.
    """
    for value, name in ((before, "before"), (after, "after"), (sd_before, "sd_before")):
        _finite(value, name)
    _finite(sd_after, "sd_after")
    if n_before < 2 or n_after < 2:
        return None
    se = math.sqrt(sd_before**2 / n_before + sd_after**2 / n_after)
    if se == 0.0:
        return None
    return (after - before) / se


def welch_df(sd_before: float, n_before: int, sd_after: float, n_after: int) -> float | None:
    """Welch–Satterthwaite degrees of freedom of :func:`panel_change_z`::

    ν = (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1))
    """
    if n_before < 2 or n_after < 2:
        return None
    a, b = sd_before**2 / n_before, sd_after**2 / n_after
    denominator = a**2 / (n_before - 1) + b**2 / (n_after - 1)
    if denominator == 0.0:
        return None
    return (a + b) ** 2 / denominator


# Two-tailed 5 % critical values of Student's t (any statistics table), by degrees of freedom.
_T_95: Final = (
    (1, 12.706), (2, 4.303), (3, 3.182), (4, 2.776), (5, 2.571), (6, 2.447), (7, 2.365),
    (8, 2.306), (9, 2.262), (10, 2.228), (12, 2.179), (15, 2.131), (20, 2.086), (25, 2.060),
    (30, 2.042), (40, 2.021), (60, 2.000), (120, 1.980),
)  # fmt: skip


def t_critical_95(df: float) -> float:
    """Two-tailed 5 % critical value of t for ``df`` degrees of freedom (fractional, as Welch
    gives): the value for the largest tabled df not above it, which errs on the strict side;
    1.98 from 120 df, 1.96 (the normal value) from 1000."""
    if df < 1:
        raise ValueError(f"degrees of freedom must be at least 1, got {df}")
    if df >= 1000:
        return RCI_CRITICAL
    return next(value for tabled, value in reversed(_T_95) if df >= tabled)


# --------------------------------------------------------------------------------------
# Self vs others
# --------------------------------------------------------------------------------------


def self_other_category(
    self_score: float | None,
    others_score: float | None,
    threshold: float = SELF_OTHER_THRESHOLD,
) -> SelfOtherCategory:
    """Classify the gap between the coachee's self-rating and the others' mean
    (DESIGN.md: "≥ 1.0 on a 5-point scale: blind spot if self is higher, hidden strength
    if lower").

    * ``"blind_spot"`` — self − others ≥ threshold (the leader rates themself higher than
      others see them);
    * ``"hidden_strength"`` — others − self ≥ threshold;
    * ``"aligned"`` — the gap is smaller than the threshold;
    * ``"unknown"`` — either score is missing (no self answer, or the others' cell was
      suppressed for anonymity). We never guess a category from half the data.

    The boundary is inclusive and tolerant of floating-point noise (a gap of
    0.9999999999999996 that is displayed as 1.0 counts as 1.0).
    """
    if self_score is None or others_score is None:
        return "unknown"
    s = _finite(self_score, "self_score")
    o = _finite(others_score, "others_score")
    threshold = _finite(threshold, "threshold")
    if threshold <= 0:
        raise ValueError(f"threshold must be positive, got {threshold}")
    gap = s - o
    if gap >= threshold - _GAP_TOLERANCE:
        return "blind_spot"
    if -gap >= threshold - _GAP_TOLERANCE:
        return "hidden_strength"
    return "aligned"
