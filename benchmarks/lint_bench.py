"""The lint of a report already read: ``Engine.lint_source`` over every corpus text in one warm process.

    python benchmarks/lint_bench.py [--rounds N] [--stages] [--html FILE ...]

Reads each .txt of ../shared/corpus once, then lints them all ``--rounds`` times (default 3) and prints the best
round's CPU time per report (``time.thread_time``: other processes on a loaded machine do not count).  ``--stages``
also times the stages of the parse (normalise, layout, report facts, tables) and the rules, each best of the
rounds, summed over the reports.  ``--html`` lints the given pages' sources the same way (default: corpus 015.html
when present), so that the lint after the HTML reader is measured too (issue 16: ≤ 2.3 ms per corpus text).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _stage_timers(acc: dict[str, float]):
    """Wrap the stages of nblint.pipeline.parse_source with timers that add to ``acc``; returns an undo."""
    from nblint import pipeline

    saved = {}
    for name in ("normalize", "layout", "meta", "tables"):
        saved[name] = getattr(pipeline, name)

    def timed(label, fn):
        def run(*a, **k):
            t = time.thread_time()
            try:
                return fn(*a, **k)
            finally:
                acc[label] += time.thread_time() - t

        return run

    class _Mod:
        def __init__(self, mod, label, names):
            self._mod = mod
            for n in names:
                setattr(self, n, timed(f"{label}.{n}", getattr(mod, n)))

        def __getattr__(self, n):
            return getattr(self._mod, n)

    pipeline.normalize = timed("normalize", saved["normalize"])
    pipeline.layout = _Mod(saved["layout"], "layout", ["build"])
    pipeline.meta = _Mod(saved["meta"], "meta", ["find", "follow_layout"])
    pipeline.tables = _Mod(saved["tables"], "tables", ["build"])

    def undo():
        for name, v in saved.items():
            setattr(pipeline, name, v)

    return undo


def measure(sources, rounds: int, stages: bool) -> tuple[float, dict[str, float]]:
    from nblint.engine import Engine

    eng = Engine()
    for s in sources:  # warm: patterns compiled, caches filled
        eng.lint_source(s)
    best = float("inf")
    best_stages: dict[str, float] = {}
    for _ in range(rounds):
        acc: dict[str, float] = defaultdict(float)
        undo = _stage_timers(acc) if stages else (lambda: None)
        try:
            t = time.thread_time()
            for s in sources:
                eng.lint_source(s)
            total = time.thread_time() - t
        finally:
            undo()
        if total < best:
            best, best_stages = total, dict(acc)
    return best, best_stages


def report(label: str, sources, rounds: int, stages: bool) -> None:
    n = len(sources)
    best, st = measure(sources, rounds, stages)
    print(f"{label}: {n} reports, lint_source {best / n * 1000:.3f} ms per report (best of {rounds}, CPU)")
    if stages:
        parse = sum(st.values())
        for k, v in sorted(st.items()):
            print(f"  {k:22} {v / n * 1000:7.3f} ms")
        print(f"  {'rules and the rest':22} {(best - parse) / n * 1000:7.3f} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--stages", action="store_true")
    ap.add_argument("--html", nargs="*", type=Path)
    args = ap.parse_args(argv)
    from nblint.readers import read_path

    texts = sorted((SHARED / "corpus").glob("*.txt"))
    if not texts:
        print("no corpus texts (../shared missing?)", file=sys.stderr)
        return 2
    report("corpus texts", [read_path(str(p)) for p in texts], args.rounds, args.stages)
    pages = args.html if args.html else [p for p in [SHARED / "corpus" / "015.html"] if p.exists()]
    for p in pages:
        report(p.name, [read_path(str(p))] * 10, args.rounds, args.stages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
