"""Evaluate the coaching conversation analyser on the development data.

    .venv/bin/python scripts/eval_analyser.py          (make eval-analyser)

Reports, separately for the training and held-out splits (held-out conversations are never used
for training or tuning), and for the rules-only path and the model path:

* per-class precision, recall and F1 of the coach's turns in the four graded groups (question,
  reflection, telling, other) and their macro-F1, on Tandem's own conversations and on MIBot;
* open-vs-closed accuracy on Tandem's own questions (MIBot does not split questions);
* the coachee labels (status / strategy / other) and GROW stages on Tandem's own data;
* the AUC of coaching_score for separating the high- from the low-quality own conversations,
  and whether the coach is detected correctly without being named.

Needs only the analyser itself (no scikit-learn).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tandem.transcripts.analyser.analysis import analyse_utterances  # noqa: E402
from tandem.transcripts.analyser.corpus import (  # noqa: E402
    GROUP,
    Conversation,
    load_mibot,
    load_own,
)
from tandem.transcripts.analyser.labels import Method, label_coach  # noqa: E402
from tandem.transcripts.analyser.parsing import Utterance  # noqa: E402

GROUPS = ("question", "reflection", "telling", "other")


def prf(gold: Sequence[str], pred: Sequence[str], classes: Sequence[str]) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    for c in classes:
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[c] = (precision, recall, f1, tp + fn)
    return out


def report(title: str, gold: Sequence[str], pred: Sequence[str], classes: Sequence[str]) -> float:
    table = prf(gold, pred, classes)
    macro = sum(v[2] for v in table.values()) / len(classes)
    accuracy = sum(g == p for g, p in zip(gold, pred, strict=True)) / max(len(gold), 1)
    print(f"\n  {title}  (n={len(gold)}, accuracy {accuracy:.3f}, macro-F1 {macro:.3f})")
    print(f"    {'class':<12}{'precision':>10}{'recall':>10}{'F1':>10}{'support':>10}")
    for c, (p, r, f, n) in table.items():
        print(f"    {c:<12}{p:>10.3f}{r:>10.3f}{f:>10.3f}{n:>10}")
    return macro


def auc(high: Sequence[float], low: Sequence[float]) -> float:
    """Probability that a random high-quality conversation outscores a low-quality one."""
    if not high or not low:
        return float("nan")
    wins = sum((h > lo) + 0.5 * (h == lo) for h in high for lo in low)
    return wins / (len(high) * len(low))


def to_utterances(convo: Conversation) -> list[Utterance]:
    return [Utterance(i, t.speaker, None, t.text, i + 1) for i, t in enumerate(convo.turns)]


def eval_own(convos: list[Conversation], split: str, method: Method) -> None:
    chosen = [c for c in convos if c.split == split]
    gold: list[str] = []
    pred: list[str] = []
    oc_right = oc_total = 0
    cgold: list[str] = []
    cpred: list[str] = []
    ggold: list[str] = []
    gpred: list[str] = []
    scores: dict[str, list[float]] = {"high": [], "low": [], "mid": []}
    detected = 0
    for convo in chosen:
        utts = to_utterances(convo)
        result = analyse_utterances(utts, filename=convo.id, coach=convo.coach, method=method)
        auto = analyse_utterances(utts, filename=convo.id, method=method)
        detected += auto.coach == convo.coach
        scores[convo.quality or "mid"].append(result.metrics.coaching_score)
        for turn, out in zip(convo.turns, result.utterances, strict=True):
            ggold.append(str(turn.grow))
            gpred.append(str(out.grow_stage))
            if not turn.is_coach:
                cgold.append(turn.label)
                cpred.append(out.label)
                continue
            gold.append(GROUP[turn.label])
            pred.append(GROUP[out.label])
            if GROUP[turn.label] == "question" and GROUP[out.label] == "question":
                oc_total += 1
                oc_right += turn.label == out.label
    print(f"\n== Tandem's own conversations, {split} split, {method} ({len(chosen)} conversations)")
    report("coach turns, four groups", gold, pred, GROUPS)
    print(
        f"\n  open vs closed, among questions recognised as questions: "
        f"{oc_right}/{oc_total} = {oc_right / max(oc_total, 1):.3f}"
    )
    report("coachee turns", cgold, cpred, ("status", "strategy", "other"))
    grow_acc = sum(g == p for g, p in zip(ggold, gpred, strict=True)) / max(len(ggold), 1)
    print(f"\n  GROW stage per utterance: accuracy {grow_acc:.3f} (n={len(ggold)})")
    print(
        f"  coaching_score: high {sorted(scores['high'])}  mid {sorted(scores['mid'])}  "
        f"low {sorted(scores['low'])}"
    )
    print(f"  coaching_score AUC (high vs low): {auc(scores['high'], scores['low']):.3f}")
    print(f"  coach detected without --coach: {detected}/{len(chosen)}")


def eval_mibot(convos: list[Conversation], split: str, method: Method) -> None:
    gold: list[str] = []
    pred: list[str] = []
    for convo in convos:
        if convo.split != split:
            continue
        for turn in convo.turns:
            if turn.is_coach:
                gold.append(turn.label)
                pred.append(GROUP[label_coach(turn.text, method)])
    print(f"\n== MIBot (LLM labels, mapped), {split} split, {method}")
    report("counsellor turns, four groups", gold, pred, GROUPS)


def main() -> None:
    own = load_own()
    try:
        mibot = load_mibot()
    except FileNotFoundError:
        mibot = []
    for method in ("rules", "model"):
        print(f"\n################ method: {method} ################")
        for split in ("train", "heldout"):
            eval_own(own, split, method)  # type: ignore[arg-type]
        if mibot:
            for split in ("train", "heldout"):
                eval_mibot(mibot, split, method)  # type: ignore[arg-type]
        else:
            print("\n(MIBot data not found at /work/shared/data/mibot; skipped)")


if __name__ == "__main__":
    main()
