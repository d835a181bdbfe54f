"""The trained linear models: loaded once, scored in pure Python.

``data/model.json`` holds, per model, the class names, an intercept per class and a weight vector
per feature (only features that survived training, rounded to four decimals, to keep the file
small). It was trained by ``scripts/train_analyser.py`` partly on MIBot data and therefore carries
CC BY-SA 4.0 (see ``data/LICENSE.md``).

Scoring a turn is a dictionary look-up per feature and a softmax: roughly 20 microseconds, so an
hour-long meeting takes milliseconds and the runtime needs neither numpy nor scikit-learn.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MODEL_PATH", "LinearModel", "load_models"]

MODEL_PATH = Path(__file__).resolve().parent / "data" / "model.json"

_lock = threading.Lock()
_cache: dict[str, LinearModel] | None = None


@dataclass(frozen=True)
class LinearModel:
    """A multinomial logistic regression over string features."""

    classes: tuple[str, ...]
    intercept: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]

    def scores(self, features: list[str]) -> list[float]:
        totals = list(self.intercept)
        get = self.weights.get
        for row in filter(None, map(get, features)):
            totals = [t + w for t, w in zip(totals, row, strict=True)]
        return totals

    def proba(self, features: list[str]) -> dict[str, float]:
        totals = self.scores(features)
        top = max(totals)
        exps = [math.exp(t - top) for t in totals]
        norm = sum(exps)
        return {c: e / norm for c, e in zip(self.classes, exps, strict=True)}

    def predict(self, features: list[str]) -> str:
        totals = self.scores(features)
        return self.classes[max(range(len(totals)), key=totals.__getitem__)]

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> LinearModel:
        classes = tuple(str(c) for c in data["classes"])  # type: ignore[attr-defined]
        intercept = tuple(float(x) for x in data["intercept"])  # type: ignore[attr-defined]
        raw = data["weights"]
        assert isinstance(raw, dict)
        weights = {str(k): tuple(float(x) for x in v) for k, v in raw.items()}
        return cls(classes, intercept, weights)


def load_models(path: Path = MODEL_PATH) -> dict[str, LinearModel]:
    """The coach and client models, read from disk on first use and cached for the process."""
    global _cache
    if _cache is not None and path == MODEL_PATH:
        return _cache
    with _lock:
        if _cache is not None and path == MODEL_PATH:
            return _cache
        if not path.exists():
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
        models = {name: LinearModel.from_dict(spec) for name, spec in data["models"].items()}
        if path == MODEL_PATH:
            _cache = models
        return models
