"""Benchmark: ``python -m nblint.bench [--corpus DIR ...] [--repeat N]``.

Prints, over every report found (default: ../shared/seeds, ../shared/corpus and ../shared/binaries next to the
project, plus examples/):
- median and p95 milliseconds per report for ``parse`` (read + normalise + layout + tables) and for ``check``
  (parse + every rule), in one warm process;
- reports per second for ``check`` in that process;
- milliseconds per file for each input format (read only, and check);
- the wall time of one cold ``nblint check FILE`` (a new Python process each time; median of several runs).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    k = max(0, min(len(v) - 1, round(p / 100 * (len(v) - 1))))
    return v[k]


def default_dirs() -> list[Path]:
    here = Path(__file__).resolve()
    roots = [here.parents[1], Path.cwd()]
    out = []
    for root in roots:
        shared = root.parent / "shared"
        for sub in ("seeds", "corpus", "binaries"):
            if (shared / sub).is_dir() and (shared / sub) not in out:
                out.append(shared / sub)
        if (root / "examples").is_dir() and (root / "examples") not in out:
            out.append(root / "examples")
        if out:
            break
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nblint.bench", description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", action="append", help="directory of reports (repeatable)")
    ap.add_argument("--repeat", type=int, default=3, help="passes over the corpus (default 3; the first warms up)")
    ap.add_argument("--cold-runs", type=int, default=7)
    ap.add_argument("--cold-file", help="file for the cold single-file check (default: examples/compliant-2024.md)")
    args = ap.parse_args(argv)

    from ..engine import Engine, parse
    from ..readers import read_path
    from ..source import ReadError
    from .cli import discover

    dirs = [Path(d) for d in args.corpus] if args.corpus else default_dirs()
    files = discover([str(d) for d in dirs])
    if not files:
        print("no reports found", file=sys.stderr)
        return 2
    eng = Engine()
    parse_ms: list[float] = []
    check_ms: list[float] = []
    read_by_fmt: dict[str, list[float]] = {}
    check_by_fmt: dict[str, list[float]] = {}
    t_batch = 0.0
    n_batch = 0
    for rep in range(max(1, args.repeat)):
        for f in files:
            fmt = Path(f).suffix.lower().lstrip(".") or "txt"
            t0 = time.perf_counter()
            try:
                src = read_path(f)
            except ReadError:
                src = None
            t1 = time.perf_counter()
            if src is not None:
                parse(src)
            t2 = time.perf_counter()
            eng.lint_path(f)
            t3 = time.perf_counter()
            if rep == 0 and args.repeat > 1:
                continue  # warm-up pass: imports, caches, compiled patterns
            parse_ms.append((t2 - t0) * 1000)
            check_ms.append((t3 - t2) * 1000)
            read_by_fmt.setdefault(fmt, []).append((t1 - t0) * 1000)
            check_by_fmt.setdefault(fmt, []).append((t3 - t2) * 1000)
            t_batch += t3 - t2
            n_batch += 1

    print(f"reports: {len(files)} files from {', '.join(str(d) for d in dirs)}")
    print(f"parse  ms/report: median {statistics.median(parse_ms):7.2f}   p95 {_pct(parse_ms, 95):7.2f}")
    print(f"check  ms/report: median {statistics.median(check_ms):7.2f}   p95 {_pct(check_ms, 95):7.2f}")
    print(f"check  reports/s (one process, warm, all formats): {n_batch / t_batch:8.1f}")
    text_ms = check_by_fmt.get("txt", []) + check_by_fmt.get("md", [])
    if text_ms:
        print(f"check  reports/s (one process, warm, .txt/.md only): {len(text_ms) / (sum(text_ms) / 1000):8.1f}")
    print("per format (median ms): read / check")
    for fmt in sorted(check_by_fmt):
        print(
            f"  {fmt:5s} n={len(check_by_fmt[fmt]) // max(1, args.repeat - 1):3d}  "
            f"{statistics.median(read_by_fmt[fmt]):8.2f} / {statistics.median(check_by_fmt[fmt]):8.2f}"
        )

    cold_file = args.cold_file or str(Path(__file__).resolve().parents[1] / "examples" / "compliant-2024.md")
    if not os.path.exists(cold_file):
        cold_file = files[0]
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a normal install has compiled bytecode
    cmd = [sys.executable, "-m", "nblint", "check", "-q", cold_file]
    subprocess.run(cmd, env=env, capture_output=True)  # writes caches and bytecode once
    walls = []
    for _ in range(args.cold_runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, capture_output=True)
        walls.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], env=env)
    bare = (time.perf_counter() - t0) * 1000
    print(
        f"cold `nblint check {Path(cold_file).name}`: median {statistics.median(walls):.0f} ms, "
        f"min {min(walls):.0f} ms (bare python start: {bare:.0f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
