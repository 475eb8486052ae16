"""Benchmark of ``nblint audit``: throughput and memory on N reports, against a read-and-one-regex baseline.

    python benchmarks/audit_bench.py [--files 10000] [--jobs 2] [--corpus ../shared/corpus] [--profile 300]

Replicates the corpus's text files (*.txt, *.md) into a temporary directory up to N files (copies with
different names), then measures in the same run:

(a) baseline: read every file and run one regular expression over it (what any tool must at least do);
(b) ``nblint audit --jobs N`` with JSONL, CSV and HTML outputs (lint pass + second lint of the reports paired
    with the year before).

Prints reports per second, peak memory (max RSS of this process, and of the largest worker, from getrusage)
and audit-time / baseline-time.  Target: ≥300 reports/s on 2 cores, within 150× of the baseline.
``--profile K`` also profiles a single-process run over K files (cProfile, top functions by cumulative time).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATE, TARGET_RATIO = 300.0, 150.0


def replicate(corpus: Path, dest: Path, n: int) -> list[Path]:
    sources = sorted(p for p in corpus.iterdir() if p.suffix.lower() in (".txt", ".md") and p.name != "SOURCES.tsv")
    if not sources:
        sys.exit(f"no text files in {corpus}")
    out = []
    for i in range(n):
        src = sources[i % len(sources)]
        sub = dest / f"d{i // 1000:03d}"  # 1000 files a directory, like a crawl
        sub.mkdir(exist_ok=True)
        p = sub / f"{src.stem}-{i:06d}{src.suffix}"
        shutil.copyfile(src, p)
        out.append(p)
    return out


def baseline(files: list[Path]) -> tuple[float, int]:
    rx = re.compile(r"(\d{4})\s*年")
    t0 = time.perf_counter()
    hits = 0
    for p in files:
        text = p.read_bytes().decode("utf-8", errors="replace")
        hits += len(rx.findall(text))
    return time.perf_counter() - t0, hits


def audit_run(dest: Path, out: Path, jobs: int, copying: bool = True) -> tuple[float, int, int, int]:
    """``nblint audit DEST --jobs N --jsonl --csv --html``, through the CLI as a user runs it."""
    import csv

    from nblint.app.cli import main as cli

    t0 = time.perf_counter()
    rc = cli(
        [
            "audit",
            str(dest),
            "--jobs",
            str(jobs),
            "--jsonl",
            str(out / "audit.jsonl"),
            "--csv",
            str(out / "audit.csv"),
            "--html",
            str(out / "audit.html"),
            "-q",
            *([] if copying else ["--no-copying"]),
        ]
    )
    elapsed = time.perf_counter() - t0
    if rc != 0:
        sys.exit(f"nblint audit exited with {rc}")
    with open(out / "audit.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(out / "audit.jsonl", encoding="utf-8") as fh:
        diags = sum(1 for _ in fh)
    return elapsed, len(rows), diags, sum(1 for r in rows if r["previous"])


def copying_cost(files: list[Path]) -> None:
    """The copying pass (NB511) on its own, in this process: the clauses each worker computes after a lint (over
    the distinct source files, against the lint itself), and the parent's pass over every replicated report
    (common clauses, MinHash LSH, exact shares)."""
    from nblint.app import copying
    from nblint.app.audit import agency_key
    from nblint.settings import Workspace

    ws = Workspace()
    distinct: dict[str, Path] = {}
    for p in files:
        distinct.setdefault(p.stem.rsplit("-", 1)[0], p)
    first = next(iter(distinct.values()))  # warm: the rules, the grammar and the template shingles are built once
    eng, settings = ws.resolve(str(first))
    copying.fingerprint(eng.lint_path(str(first), settings=settings), eng, settings)
    lint_t = fp_t = 0.0
    fps: dict[str, tuple] = {}
    for name, p in distinct.items():
        t = time.process_time()
        eng, settings = ws.resolve(str(p))
        res = eng.lint_path(str(p), settings=settings)
        t1 = time.process_time()
        fp = copying.fingerprint(res, eng, settings)
        fp_t += time.process_time() - t1
        lint_t += t1 - t
        fps[name] = (fp, res.meta.get("agency"))
    entries = []
    for p in files:
        fp, agency = fps[p.stem.rsplit("-", 1)[0]]
        if fp is not None:
            entries.append(copying._Entry(str(p), agency_key(agency), fp["territory"], fp))
    rule = copying._rule(ws.engine().rules)
    t = time.process_time()
    found = copying.find(entries, rule.params)
    find_t = time.process_time() - t
    n = len(files)
    worker = fp_t / len(distinct) * n
    lint = lint_t / len(distinct) * n
    print(
        f"copying pass: clauses {1000 * fp_t / len(distinct):.2f} ms a report in the worker "
        f"(lint {1000 * lint_t / len(distinct):.2f} ms), parent pass {find_t:.2f} s over {len(entries)} reports "
        f"({sum(map(len, found.values()))} NB511); {100 * (worker + find_t) / (lint + worker + find_t):.1f}% of "
        f"lint + copying CPU"
    )


def profile(files: list[Path], k: int) -> None:
    import cProfile
    import pstats

    from nblint.app.audit import Audit

    sub = Path(tempfile.mkdtemp(prefix="nblint-prof-"))
    try:
        for p in files[:k]:
            os.link(p, sub / p.name) if hasattr(os, "link") else shutil.copyfile(p, sub / p.name)
        prof = cProfile.Profile()
        prof.enable()
        n = sum(1 for _ in Audit([str(sub)], jobs=1))
        prof.disable()
        print(f"\nprofile of a single-process audit of {n} files (lint + pairs):")
        pstats.Stats(prof, stream=sys.stdout).sort_stats("cumulative").print_stats(30)
    finally:
        shutil.rmtree(sub, ignore_errors=True)


def cpu_times() -> tuple[float, float]:
    """(this process, its waited-for children): user + system CPU seconds."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def maxrss_mb(who: int) -> float:
    kb = resource.getrusage(who).ru_maxrss
    return kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024  # bytes on macOS, KiB on Linux


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--profile", type=int, default=0, metavar="K", help="also profile one process over K files")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--no-copying", action="store_true", help="audit with --no-copying (no NB511 pass)")
    ap.add_argument("--copying-cost", action="store_true", help="only measure the copying pass on its own")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="nblint-audit-bench-"))
    try:
        dest, out = tmp / "reports", tmp / "out"
        dest.mkdir()
        out.mkdir()
        t = time.perf_counter()
        files = replicate(Path(args.corpus), dest, args.files)
        print(
            f"{len(files)} files replicated from {args.corpus} in {time.perf_counter() - t:.1f} s; "
            f"{os.cpu_count()} cores, --jobs {args.jobs}"
        )
        if args.copying_cost:
            copying_cost(files)
            return 0
        rss0 = maxrss_mb(resource.RUSAGE_SELF)
        load0 = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"

        base_t, hits = baseline(files)
        print(f"baseline (read + one regex): {base_t:.2f} s, {len(files) / base_t:,.0f} files/s ({hits} matches)")

        cpu0 = cpu_times()
        audit_t, reports, diags, paired = audit_run(dest, out, args.jobs, not args.no_copying)
        parent_cpu, workers_cpu = (b - a for a, b in zip(cpu0, cpu_times()))
        rate = reports / audit_t
        ratio = audit_t / base_t
        print(
            f"audit --jobs {args.jobs}: {audit_t:.2f} s for {reports} reports = {rate:,.0f} reports/s "
            f"({diags} diagnostics, {paired} reports paired with the year before)"
        )
        print("outputs: " + ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in sorted(out.iterdir())))
        print(
            f"peak RSS: parent {maxrss_mb(resource.RUSAGE_SELF):.0f} MB (before the audit {rss0:.0f} MB), "
            f"largest worker {maxrss_mb(resource.RUSAGE_CHILDREN):.0f} MB"
        )
        cpu = parent_cpu + workers_cpu
        print(
            f"CPU: parent {parent_cpu:.1f} s, workers {workers_cpu:.1f} s = {1000 * cpu / reports:.2f} ms per report; "
            f"{reports / (cpu / args.jobs):,.0f} reports/s if the {args.jobs} cores were this run's alone "
            f"(load average before the run: {load0})"
        )
        print(f"audit time / baseline time: {ratio:.0f}x")
        ok_rate, ok_ratio = rate >= TARGET_RATE, ratio <= TARGET_RATIO
        print(
            f"target ≥{TARGET_RATE:.0f} reports/s: {'met' if ok_rate else 'MISSED'}; "
            f"within {TARGET_RATIO:.0f}x of the baseline: {'met' if ok_ratio else 'MISSED'}"
        )
        if args.profile:
            profile(files, args.profile)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
