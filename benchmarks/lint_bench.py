"""The lint of a report already read: ``Engine.lint_source`` over every corpus text in one warm process.

    python benchmarks/lint_bench.py [--rounds N] [--stages] [--html FILE ...] [--against CHECKOUT]

Reads each .txt of ../shared/corpus once, then lints them all ``--rounds`` times (default 3) and prints the best
round's CPU time per report (``time.thread_time``: other processes on a loaded machine do not count).  ``--stages``
also times the stages of the parse (normalise, layout, report facts, tables) and the rules, each best of the
rounds, summed over the reports.  ``--html`` lints the given pages' sources the same way (default: corpus 015.html
when present), so that the lint after the HTML reader is measured too (issue 16: ≤ 2.3 ms per corpus text).

``--against CHECKOUT`` (a source tree of another version, e.g. ``git archive main | tar -x -C /tmp/main``) imports
that version as a second package and measures both side by side, round after round in the same process, and prints
the median of the per-round ratios: on a loaded machine only such ratios are worth comparing.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _stage_timers(pipeline, acc: dict[str, float]):
    """Wrap the stages of ``pipeline.parse_source`` with timers that add to ``acc``; returns an undo."""
    saved = {name: getattr(pipeline, name) for name in ("normalize", "layout", "meta", "tables")}

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


def _load(checkout: Path | None, name: str):
    """The package ``nblint`` (``checkout`` None) or the ``linter/`` of ``checkout`` imported as ``name``."""
    if checkout is None:
        return importlib.import_module("nblint")
    init = checkout / "linter" / "__init__.py"
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(init.parent)])
    if spec is None or spec.loader is None:
        raise SystemExit(f"not a checkout of nblint: {checkout}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    # the check kinds are imported by their absolute name (nblint.checks.<kind>): take that version's own
    checks = importlib.import_module(f"{name}.checks")
    ruleset = importlib.import_module(f"{name}.ruleset")

    def kind_module(kind: str):
        return importlib.import_module(f"{name}.checks.{checks.KINDS[kind]}")

    checks.kind_module = ruleset.kind_module = kind_module
    return mod


class Version:
    def __init__(self, label: str, pkg, paths: list[Path]):
        self.label = label
        engine = importlib.import_module(f"{pkg.__name__}.engine")
        readers = importlib.import_module(f"{pkg.__name__}.readers")
        self.pipeline = importlib.import_module(f"{pkg.__name__}.pipeline")
        self.engine = engine.Engine()
        self.sources = [readers.read_path(str(p)) for p in paths]
        for s in self.sources:  # warm: patterns compiled, caches filled
            self.engine.lint_source(s)

    def run(self, stages: bool) -> tuple[float, dict[str, float]]:
        acc: dict[str, float] = defaultdict(float)
        undo = _stage_timers(self.pipeline, acc) if stages else (lambda: None)
        try:
            t = time.thread_time()
            for s in self.sources:
                self.engine.lint_source(s)
            return time.thread_time() - t, dict(acc)
        finally:
            undo()


def report(what: str, paths: list[Path], rounds: int, stages: bool, against: Path | None) -> None:
    versions = [Version("this", _load(None, "nblint"), paths)]
    if against is not None:
        versions.append(Version(str(against), _load(against, "nblint_against"), paths))
    n = len(paths)
    best: dict[str, tuple[float, dict[str, float]]] = {}
    ratios = []
    for _ in range(rounds):
        times = {}
        for v in versions:
            total, st = v.run(stages)
            times[v.label] = total
            if v.label not in best or total < best[v.label][0]:
                best[v.label] = (total, st)
        if against is not None:
            ratios.append(times["this"] / times[str(against)])
    for v in versions:
        total, st = best[v.label]
        print(
            f"{what} [{v.label}]: {n} reports, lint_source {total / n * 1000:.3f} ms per report (best of {rounds}, CPU)"
        )
        if stages:
            for k, t in sorted(st.items()):
                print(f"  {k:22} {t / n * 1000:7.3f} ms")
            print(f"  {'rules and the rest':22} {(total - sum(st.values())) / n * 1000:7.3f} ms")
    if ratios:
        print(f"{what}: this / {against} = {statistics.median(ratios):.3f} (median of {rounds} rounds)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--stages", action="store_true")
    ap.add_argument("--html", nargs="*", type=Path)
    ap.add_argument("--against", type=Path, help="a source tree of another version, measured side by side")
    args = ap.parse_args(argv)
    texts = sorted((SHARED / "corpus").glob("*.txt"))
    if not texts:
        print("no corpus texts (../shared missing?)", file=sys.stderr)
        return 2
    report("corpus texts", texts, args.rounds, args.stages, args.against)
    pages = args.html if args.html else [p for p in [SHARED / "corpus" / "015.html"] if p.exists()]
    for p in pages:
        report(p.name, [p] * 10, args.rounds, args.stages, args.against)
    return 0


if __name__ == "__main__":
    sys.exit(main())
