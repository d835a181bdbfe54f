"""Two to five plain-language suggestions drawn from the numbers.

Each candidate has a weight (how far the conversation is from good practice) and a sentence that
quotes the conversation's own counts, and where useful one of the coach's own turns, so the advice
is specific to this conversation rather than generic. The heaviest ones win; if fewer than two
apply, encouragement about what went well fills the gap.
"""

from __future__ import annotations

from collections.abc import Sequence

from .metrics import Counts, Metrics
from .parsing import Utterance

__all__ = ["suggest"]


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _example(utterances: Sequence[Utterance], labels: Sequence[str], coach: str, label: str) -> str:
    for utt, lab in zip(utterances, labels, strict=True):
        if utt.speaker == coach and lab == label and 3 <= len(utt.text.split()) <= 20:
            return utt.text
    return ""


def suggest(
    utterances: Sequence[Utterance],
    labels: Sequence[str],
    coach: str,
    counts: Counts,
    metrics: Metrics,
    *,
    quote: bool = True,
) -> list[str]:
    others = [u.speaker for u in utterances if u.speaker != coach]
    coachee = max(set(others), key=others.count) if others else "the coachee"
    asked, told = counts.questions, counts.telling
    advice, info = counts["advice"], counts["information"]
    opened, closed, reflected = (
        counts["open_question"],
        counts["closed_question"],
        counts["reflection"],
    )
    candidates: list[tuple[float, str]] = []

    if told > asked:
        told_words = (
            _plural(advice, "piece") + " of advice"
            if info == 0
            else f"{_plural(advice, 'piece')} of advice and {_plural(info, 'piece')} of information"
        )
        candidates.append(
            (
                2.0 + (told - asked) / max(told, 1),
                f"You gave {told_words} and asked {_plural(asked, 'question')}; next time ask "
                f"what {coachee} has already tried before offering options.",
            )
        )
    elif advice >= 3:
        candidates.append(
            (
                1.0,
                f"You offered advice {_plural(advice, 'time')}. Before suggesting, ask "
                f'"What ideas do you have?" and add yours only if they ask for it.',
            )
        )
    if asked >= 3 and metrics.open_question_share is not None and metrics.open_question_share < 0.5:
        example = _example(utterances, labels, coach, "closed_question") if quote else ""
        such_as = f' such as "{example}"' if example else ""
        candidates.append(
            (
                1.8 - metrics.open_question_share,
                f"{closed} of your {asked} questions were closed{such_as}. "
                "Rephrase them to start with "
                '"what" or "how" ("What\'s getting in the way?") so the answer has to be '
                "thought through rather than a yes or no.",
            )
        )
    if asked >= 3 and reflected < asked / 2:
        candidates.append(
            (
                1.5 - reflected / asked,
                f"You reflected back {_plural(reflected, 'time')} "
                f"for {_plural(asked, 'question')}. "
                'After an answer, say back what you heard ("So you\'re worried that...") before '
                "asking the next question; it shows you listened and often goes deeper.",
            )
        )
    if metrics.coach_talk_share > 0.5:
        candidates.append(
            (
                1.0 + metrics.coach_talk_share,
                f"You spoke {round(metrics.coach_talk_share * 100)}% of the words. "
                "Aim for under 40%: "
                f"ask one question, then pause and let {coachee} fill the silence.",
            )
        )
    if not metrics.ended_with_action:
        candidates.append(
            (
                1.6,
                f"The conversation ended without {coachee} naming their own next step. In the last "
                'five minutes ask "What will you do, and by when?"',
            )
        )
    elif metrics.commitment is None:
        candidates.append(
            (
                0.9,
                f"{coachee} named an action, but you didn't check their commitment. "
                'Ask "On a scale of 1 to 10, how committed are you?" and, below 8, '
                '"What would make it higher?"',
            )
        )
    elif metrics.commitment < 7:
        candidates.append(
            (
                1.0,
                f"{coachee} rated their commitment {metrics.commitment:g} out of 10. Ask what "
                "would raise it by one point, or shrink the action until it is an 8.",
            )
        )
    coverage = metrics.grow_coverage
    if coverage.get("goal", 0) == 0 and len(utterances) >= 8:
        candidates.append(
            (
                1.2,
                f'No goal was agreed for the conversation. Open by asking {coachee} "What would '
                'you like to get out of our time today?"',
            )
        )
    if coverage.get("options", 0) < 0.05 and asked >= 3 and advice < 3:
        candidates.append(
            (
                0.8,
                f'Little time went on options. Before deciding, ask "What else could you do?" '
                f"at least twice so {coachee} has more than one route.",
            )
        )

    candidates.sort(key=lambda c: -c[0])
    chosen = [text for _, text in candidates[:5]]
    if len(chosen) < 2 and opened:
        chosen.append(
            f'You asked {_plural(opened, "open question")}; keep leading with "what" and "how" '
            "so the coachee does the thinking."
        )
    if len(chosen) < 2 and reflected:
        chosen.append(
            f"Your {_plural(reflected, 'reflection')} showed you were listening; try one more at "
            "the end, summarising the plan in their words."
        )
    if len(chosen) < 2:
        chosen.append(
            "Record your next conversation too and compare the numbers; small changes in how "
            "often you ask rather than tell show up quickly."
        )
    if len(chosen) < 2:
        chosen.append(
            "Try one deliberate change next time — for example, reflect back before every "
            "second question — and see how the conversation shifts."
        )
    return chosen[:5]
