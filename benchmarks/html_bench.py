"""HTML reader benchmark: ``lint_path`` of each portal page side by side with ``lxml.html.fromstring`` of the same
bytes (issue 16 target: the ratio lint/parse at most 15).

    python benchmarks/html_bench.py [--rounds N] [files ...]

By default it measures every .html/.htm page in ../shared/binaries and ../shared/corpus.  The measurements are
alternated in the same run, round after round; it prints the median milliseconds of each (``read_path`` alone too)
and the median of the pairwise ratios lint/parse.  Times are CPU time of the measuring thread (``time.thread_time``),
so that other processes on a loaded machine do not inflate one side of a ratio more than the other; ``--wall`` uses
wall-clock time instead.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pages() -> list[Path]:
    shared = ROOT.parent / "shared"
    found: list[Path] = []
    for sub in ("binaries", "corpus"):
        d = shared / sub
        if d.is_dir():
            found += sorted(p for p in d.iterdir() if p.suffix.lower() in (".html", ".htm"))
    return found


_clock = time.thread_time


def _ms(fn) -> float:
    t = _clock()
    fn()
    return (_clock() - t) * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--wall", action="store_true", help="wall-clock time instead of thread CPU time")
    args = ap.parse_args(argv)
    global _clock
    if args.wall:
        _clock = time.perf_counter
    import lxml.html

    import nblint
    from nblint.readers import read_path

    files = args.files or _pages()
    if not files:
        print("no HTML pages found (../shared missing?)", file=sys.stderr)
        return 2
    print(f"{'page':<28} {'lxml ms':>8} {'read ms':>8} {'lint ms':>8} {'lint/lxml':>10}")
    worst = 0.0
    for path in files:
        data = path.read_bytes()
        nblint.lint_path(str(path))  # warm up: rules, grammar, imports
        parse, read, lint, ratio = [], [], [], []
        for _ in range(args.rounds):
            p = _ms(lambda data=data: lxml.html.fromstring(data))
            r = _ms(lambda path=path: read_path(path))
            t = _ms(lambda path=path: nblint.lint_path(str(path)))
            parse.append(p)
            read.append(r)
            lint.append(t)
            ratio.append(t / p)
        med = statistics.median(ratio)
        worst = max(worst, med)
        print(
            f"{path.name:<28} {statistics.median(parse):8.2f} {statistics.median(read):8.2f} "
            f"{statistics.median(lint):8.2f} {med:9.1f}x"
        )
    print(f"worst median ratio lint_path / lxml.html.fromstring: {worst:.1f}x (target <= 15x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
