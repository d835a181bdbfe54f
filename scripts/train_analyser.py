"""Train the analyser's linear speech-act models and write analyser/data/model.json.

Development only: needs scikit-learn and numpy, which the analyser does not need at run time.

    .venv/bin/pip install scikit-learn numpy
    .venv/bin/python scripts/train_analyser.py [--cv]

Training data: the training split of MIBot (mapped to the four groups, see analyser/corpus.py) and
the training split of Tandem's own written conversations, weighted up because they are the target
register (manager 1:1s) and the only source of advice and information in quantity. Every training
turn is also added once in "speech" form — lower case, no punctuation, a filler in front — so the
model does not lean on question marks that meeting transcripts often lack. The held-out splits are
never read here.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.feature_extraction import DictVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

from tandem.transcripts.analyser.corpus import GROUP, Conversation, load_mibot, load_own  # noqa: E402
from tandem.transcripts.analyser.features import client_features, coach_features  # noqa: E402
from tandem.transcripts.analyser.model import MODEL_PATH  # noqa: E402

OWN_WEIGHT = 8.0
COACH_C = 0.2
CLIENT_C = 1.0
MIN_COUNT = 3
RULE_SCALE = 3.0
FILLERS = ("", "", "so ", "um ", "yeah so ", "okay ", "and ", "uh ")

Example = tuple[str, str, float, str]  # text, label, weight, conversation id


def speechify(text: str, rng: random.Random) -> str:
    """The turn as an automatic transcript might render it: no punctuation, lower case, filler."""
    plain = re.sub(r"[.,!?;:\"()]", "", text.replace("\u2019", "'")).lower()
    return rng.choice(FILLERS) + " ".join(plain.split())


def examples(convos: list[Conversation], coach: bool, rng: random.Random) -> list[Example]:
    out: list[Example] = []
    for convo in convos:
        weight = OWN_WEIGHT if convo.source == "own" else 1.0
        for turn in convo.turns:
            if turn.is_coach != coach:
                continue
            label = GROUP.get(turn.label, turn.label) if coach else turn.label
            out.append((turn.text, label, weight, convo.id))
            out.append((speechify(turn.text, rng), label, weight * 0.5, convo.id))
    return out


def _value(feature: str) -> float:
    """Rule verdicts enter with a larger value so L2 shrinks them less than single words.

    Exported weights are multiplied by the same value, so run time still sees binary features.
    """
    return RULE_SCALE if feature.startswith(("rule=", "qlast=")) else 1.0


def fit(rows: list[Example], c: float, coach: bool) -> tuple[LogisticRegression, DictVectorizer]:
    featurise = coach_features if coach else client_features
    feats = [Counter(featurise(text)) for text, *_ in rows]
    counts: Counter[str] = Counter()
    for f in feats:
        counts.update(f.keys())
    feats = [{k: _value(k) for k in f if counts[k] >= MIN_COUNT} for f in feats]
    vec = DictVectorizer()
    x = vec.fit_transform(feats)
    y = [label for _, label, _, _ in rows]
    w = [weight for _, _, weight, _ in rows]
    model = LogisticRegression(C=c, max_iter=3000)
    model.fit(x, y, sample_weight=w)
    return model, vec


def export(model: LogisticRegression, vec: DictVectorizer) -> dict[str, object]:
    classes = [str(c) for c in model.classes_]
    coef = model.coef_
    if len(classes) == 2:  # binary: scikit-learn keeps one row; expand to two for softmax
        coef = [[-x / 2 for x in coef[0]], [x / 2 for x in coef[0]]]
        intercept = [-model.intercept_[0] / 2, model.intercept_[0] / 2]
    else:
        intercept = list(model.intercept_)
    weights: dict[str, list[float]] = {}
    for j, name in enumerate(vec.feature_names_):
        scale = _value(name)
        row = [round(float(coef[k][j]) * scale, 3) for k in range(len(classes))]
        if max(abs(v) for v in row) >= 0.02:
            weights[name] = row
    return {
        "classes": classes,
        "intercept": [round(float(v), 4) for v in intercept],
        "weights": weights,
    }


def cross_validate(rows: list[Example], coach: bool, grid: list[float]) -> None:
    """Grouped 5-fold CV on the training split only (choosing C never touches held-out data)."""
    ids = sorted({cid for *_, cid in rows})
    random.Random(0).shuffle(ids)
    folds = [set(ids[i::5]) for i in range(5)]
    for c in grid:
        gold: list[str] = []
        pred: list[str] = []
        for fold in folds:
            train = [r for r in rows if r[3] not in fold]
            test = [r for r in rows if r[3] in fold and r[2] >= 1.0]  # original text only
            model, vec = fit(train, c, coach)
            featurise = coach_features if coach else client_features
            x = vec.transform([{k: 1.0 for k in featurise(t)} for t, *_ in test])
            pred += list(model.predict(x))
            gold += [label for _, label, _, _ in test]
        print(f"  C={c}: macro-F1 {f1_score(gold, pred, average='macro'):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", action="store_true", help="choose C by grouped CV first")
    args = parser.parse_args()
    rng = random.Random(13)
    own = [c for c in load_own() if c.split == "train"]
    mibot = [c for c in load_mibot() if c.split == "train"]
    coach_rows = examples(own + mibot, True, rng)
    client_rows = examples(own, False, rng)
    if args.cv:
        print("coach model CV:")
        cross_validate(coach_rows, True, [0.1, 0.25, 0.5, 1.0, 2.0])
        print("client model CV:")
        cross_validate(client_rows, False, [0.25, 0.5, 1.0, 2.0, 4.0])
    coach_model, coach_vec = fit(coach_rows, COACH_C, True)
    client_model, client_vec = fit(client_rows, CLIENT_C, False)
    payload = {
        "about": "Tandem coaching analyser speech-act models; see docs/analyser.md. "
        "Trained in part "
        "on MIBot (Mahmood et al., 2025), so this file is licensed CC BY-SA 4.0 (LICENSE.md).",
        "licence": "CC-BY-SA-4.0",
        "features": "tandem.transcripts.analyser.features",
        "models": {
            "coach": export(coach_model, coach_vec),
            "client": export(client_model, client_vec),
        },
    }
    MODEL_PATH.write_text(json.dumps(payload, separators=(",", ":")), encoding="utf-8")
    size = MODEL_PATH.stat().st_size
    print(f"wrote {MODEL_PATH.relative_to(ROOT)} ({size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
