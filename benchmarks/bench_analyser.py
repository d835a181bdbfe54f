"""Benchmark the coaching conversation analyser on a 60-minute, ~600-utterance meeting.

    .venv/bin/python benchmarks/bench_analyser.py          (make bench)

Reports the model load time, the median analyse time per transcript over several runs (one core,
after loading), and peak memory (tracemalloc during one analysis, and the process's ru_maxrss).
Target: well under 0.5 s per transcript. Prints numbers only; it asserts nothing.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = 7
UTTERANCES = 600


def build_meeting(n: int = UTTERANCES, seconds: int = 3600) -> str:
    """A WebVTT meeting of ``n`` cues over ``seconds``, sampled from Tandem's written turns."""
    from tandem.transcripts.analyser.corpus import load_own

    rng = random.Random(7)
    convos = load_own()
    lines = ["WEBVTT", ""]
    step = seconds / n
    i = 0
    while i < n:
        convo = rng.choice(convos)
        for turn in convo.turns:
            if i >= n:
                break
            who = "Coach Casey" if turn.is_coach else "Lee Leader"
            start, end = i * step, i * step + step * 0.9
            lines += [f"{_ts(start)} --> {_ts(end)}", f"{who}: {turn.text}", ""]
            i += 1
    return "\n".join(lines)


def _ts(seconds: float) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{int(hours):02d}:{int(minutes):02d}:{secs:06.3f}"


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    meeting = build_meeting()

    started = time.perf_counter()
    from tandem.transcripts.analyser import analyse
    from tandem.transcripts.analyser.model import load_models
    from tandem.transcripts.analyser.rules import question_form, sentence_rule_label

    load_models()
    load_time = time.perf_counter() - started

    analyse(meeting, filename="warmup.vtt")
    times: list[float] = []
    cpu: list[float] = []
    for _ in range(RUNS):
        # Each run must see a "new" transcript: empty the rules' per-sentence caches.
        question_form.cache_clear()
        sentence_rule_label.cache_clear()
        t0, c0 = time.perf_counter(), time.process_time()
        result = analyse(meeting, filename="meeting.vtt")
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)

    tracemalloc.start()
    analyse(meeting, filename="meeting.vtt")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    print(f"meeting: {len(result.utterances)} utterances, {len(meeting) / 1024:.0f} KiB of WebVTT")
    print(f"load (import + model):   {load_time * 1000:8.1f} ms")
    print(
        f"analyse, median of {RUNS}:  {statistics.median(times) * 1000:8.1f} ms "
        f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f})"
    )
    print(
        f"  CPU time, median:      {statistics.median(cpu) * 1000:8.1f} ms "
        "(wall time is inflated when other processes share the core)"
    )
    print(f"peak memory in analyse:  {peak / 1024 / 1024:8.2f} MiB (tracemalloc)")
    print(f"process max RSS:         {maxrss_kib / 1024:8.1f} MiB (ru_maxrss)")
    print(f"coaching_score {result.metrics.coaching_score}, target < 500 ms per transcript")


if __name__ == "__main__":
    main()
