"""The 50-item IPIP Big-Five Factor Markers: items, scoring, and comparison to the organisation.

Source: International Personality Item Pool, ipip.ori.org — the "50-item IPIP
representation of Goldberg's (1992) markers for the Big-Five factor structure". The items
are in the public domain, which is why Tandem uses them rather than a proprietary
inventory (DESIGN.md: "IPIP, public domain — not Hogan/DiSC"). The shipped file
``data/ipip_bigfive_50.csv`` is an unchanged copy of ``ipip_bigfive_50_and_mini20.csv``
from the project's shared data (same source); its last three columns mark the 20 items of
the Mini-IPIP (Donnellan, Oswald, Baird & Lucas 2006), not used here.

Scoring (DESIGN.md, "Measures"): each item is answered 1–5 (very inaccurate … very
accurate); "−"-keyed items are reversed as 6 − x; the ten items of each factor are summed,
so every factor scores 10–50.

IPIP publishes no norms for its scales (ipip.ori.org leaves norms to the user's own
sample), so :func:`norm_comparison` compares a score with the coachee's own organisation —
and only once at least five people there have a profile, the same floor as programme
analytics (DESIGN.md, "Confidentiality"), so that the comparison does not expose a
handful of colleagues' scores.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final, Literal

__all__ = [
    "FACTORS",
    "ITEM_COUNT",
    "Item",
    "NormResult",
    "load_items",
    "norm_comparison",
    "score",
]

DATA_FILE: Final = Path(__file__).resolve().parent / "data" / "ipip_bigfive_50.csv"
ITEM_COUNT: Final = 50
ITEMS_PER_FACTOR: Final = 10
ANSWER_MIN: Final = 1
ANSWER_MAX: Final = 5
FACTOR_MIN: Final = ITEMS_PER_FACTOR * ANSWER_MIN  # 10
FACTOR_MAX: Final = ITEMS_PER_FACTOR * ANSWER_MAX  # 50
#: The five factors, in the IPIP's order (factor numbers I–V).
FACTORS: Final = (
    "Extraversion",
    "Agreeableness",
    "Conscientiousness",
    "Emotional Stability",
    "Intellect/Imagination",
)
#: Smallest organisation sample that :func:`norm_comparison` will compare against.
MIN_NORM_N: Final = 5

Key = Literal["+", "-"]


@dataclass(frozen=True)
class Item:
    """One IPIP item: its number (1–50, the order it is asked in), text, factor and key."""

    number: int
    text: str
    factor: str
    key: Key


@cache
def _items() -> tuple[Item, ...]:
    with DATA_FILE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    items: list[Item] = []
    for row in rows:
        key = row["key"].strip()
        if key not in ("+", "-"):
            raise RuntimeError(f"{DATA_FILE.name}: item {row['ipip50_item']} has key {key!r}")
        factor = row["factor"].strip()
        if factor not in FACTORS:
            raise RuntimeError(f"{DATA_FILE.name}: unknown factor {factor!r}")
        items.append(
            Item(
                number=int(row["ipip50_item"]),
                text=row["text"].strip(),
                factor=factor,
                key="+" if key == "+" else "-",
            )
        )
    # The file ships with the app; if it is ever edited by hand, fail loudly, not score wrong.
    if [i.number for i in items] != list(range(1, ITEM_COUNT + 1)):
        raise RuntimeError(f"{DATA_FILE.name}: expected items numbered 1–{ITEM_COUNT} in order")
    for factor in FACTORS:
        if sum(i.factor == factor for i in items) != ITEMS_PER_FACTOR:
            raise RuntimeError(f"{DATA_FILE.name}: {factor} needs {ITEMS_PER_FACTOR} items")
    return tuple(items)


def load_items() -> list[Item]:
    """The 50 items in the order they are asked. Read once from the shipped CSV and cached;
    each call returns a fresh list, so a caller cannot alter the cache."""
    return list(_items())


def score(answers: Mapping[int, int]) -> dict[str, int]:
    """Score a complete questionnaire: item number → answer 1–5, for all 50 items.

    Returns factor → sum (10–50) in :data:`FACTORS` order. "−"-keyed items count 6 − x.
    Raises ``ValueError`` naming every missing, unknown or out-of-range item: a factor sum
    over fewer than ten items would not be on the 10–50 scale, so partial answers are
    refused rather than scored.
    """
    items = _items()
    missing = [i.number for i in items if i.number not in answers]
    unknown = sorted(
        (n for n in answers if not (isinstance(n, int) and 1 <= n <= ITEM_COUNT)), key=str
    )
    invalid = sorted(
        n
        for n, x in answers.items()
        if n not in unknown
        and (isinstance(x, bool) or not isinstance(x, int) or not ANSWER_MIN <= x <= ANSWER_MAX)
    )
    problems = []
    if missing:
        problems.append(f"missing answers for items {_numbers(missing)}")
    if unknown:
        problems.append(f"unknown items {_numbers(unknown)} (items run 1–{ITEM_COUNT})")
    if invalid:
        problems.append(f"answers outside {ANSWER_MIN}–{ANSWER_MAX} for items {_numbers(invalid)}")
    if problems:
        raise ValueError("IPIP answers: " + "; ".join(problems))

    totals = dict.fromkeys(FACTORS, 0)
    for item in items:
        x = answers[item.number]
        totals[item.factor] += x if item.key == "+" else (ANSWER_MAX + ANSWER_MIN) - x
    return totals


def _numbers(numbers: Sequence[object]) -> str:
    return ", ".join(str(n) for n in numbers)


@dataclass(frozen=True)
class NormResult:
    """A factor score placed within the organisation.

    ``z`` is (score − mean) / SD with the sample SD; ``None`` when everybody in the
    organisation has the same score (no spread). ``percentile`` is the mid-rank percentile
    (share of colleagues below, plus half of those equal) — empirical, no normality
    assumed. ``description`` says it in words for the coachee.
    """

    n: int
    mean: float
    sd: float
    z: float | None
    percentile: float
    description: str


def norm_comparison(
    score: int, scores_in_org: Sequence[int], min_n: int = MIN_NORM_N
) -> NormResult | None:
    """Compare a factor score (10–50) with the same factor's scores in the organisation.

    ``scores_in_org`` should include the person's own score (it is part of the
    organisation). Returns ``None`` when fewer than ``min_n`` (default 5) scores are given:
    with so few colleagues the mean and SD are unstable and would reveal too much about
    them. ``min_n`` below 5 is refused.

    The description uses bands of the z-score, coarse on purpose (a 10–50 sum over a small
    organisation does not support fine distinctions): |z| < 0.5 "about average",
    0.5–1.5 "above/below average", ≥ 1.5 "well above/below average".
    """
    if min_n < MIN_NORM_N:
        raise ValueError(f"min_n must be at least {MIN_NORM_N}, got {min_n}")
    for value in (score, *scores_in_org):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"factor scores must be integers, got {value!r}")
        if not FACTOR_MIN <= value <= FACTOR_MAX:
            raise ValueError(f"factor score {value} is outside {FACTOR_MIN}–{FACTOR_MAX}")
    n = len(scores_in_org)
    if n < min_n:
        return None
    mean = math.fsum(scores_in_org) / n
    sd = math.sqrt(math.fsum((x - mean) ** 2 for x in scores_in_org) / (n - 1))
    below = sum(x < score for x in scores_in_org)
    equal = sum(x == score for x in scores_in_org)
    percentile = 100.0 * (below + 0.5 * equal) / n
    z = (score - mean) / sd if sd > 0 else None
    return NormResult(
        n=n,
        mean=mean,
        sd=sd,
        z=z,
        percentile=percentile,
        description=_describe(score, mean, z),
    )


def _describe(score: int, mean: float, z: float | None) -> str:
    if z is None:  # no spread: every colleague has the same score
        if score == mean:
            return "the same as everyone in your organisation"
        side = "above" if score > mean else "below"
        return f"{side} everyone in your organisation"
    if abs(z) < 0.5:
        return "about average for your organisation"
    side = "above" if z > 0 else "below"
    if abs(z) < 1.5:
        return f"{side} average for your organisation"
    return f"well {side} average for your organisation"
