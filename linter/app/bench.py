"""Benchmark: ``python -m nblint.bench [--only NAME ...] [--quick]`` prints every must-show figure of issue 16.

Each figure is a ratio (or a rate) measured side by side in one run — A and B alternated, round after round, and
the median of the pairwise ratios — because the build machine is shared and its load wanders:

- ``pdf``:   each real PDF in ../shared/binaries: ``lint_path`` / a bare pypdfium2 text extraction   (target ≤ 8×)
- ``html``:  each portal page (../shared/binaries, ../shared/corpus): ``lint_path`` / ``lxml.html.fromstring`` of
  the same bytes                                                                                   (target ≤ 15×);
  the reader alone (``read_path``) is timed against the same parse too, its median ratio in the line
- ``nb503``: NB503 on a 24,000-character paragraph and a lightly edited copy (every 37th character)  (≤ 20 ms)
- ``cold``:  a cold ``nblint check`` of seed 001 / ``python -c pass``, median of alternated runs     (≤ 8×)
- ``audit``: ``nblint audit --jobs 2`` of a mixed set (60 % PDF, 30 % HTML, 10 % text, replicated from the binaries
  and the corpus): reports/s (≥ 10/s) and the peak RSS of the audit process and of its largest worker
- ``text``:  ``nblint audit --jobs 2`` of 10,000 text reports (the corpus replicated): reports/s      (≥ 500/s)
- ``lsp``:   the language server's re-lint of a 300 KB document after a keystroke, in process     (≤ 50 ms)
- ``corpus``: median and p95 ms per report (parse, check) over ../shared and examples/, per format (no target)

``--quick`` runs fewer rounds and smaller audits (for a first look; the figures of record are without it).
In-process times are CPU time of this thread where a ratio is taken (``time.thread_time``: another process on the
machine does not inflate one side more than the other) and wall-clock time for the whole-process figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("pdf", "html", "nb503", "cold", "audit", "text", "lsp", "corpus")


def shared_dir() -> Path | None:
    """../shared next to the project (the checkout this module runs from, or the current directory)."""
    for root in (ROOT, Path.cwd()):
        d = root.parent / "shared"
        if d.is_dir():
            return d
    return None


def _median_ratio(a: Callable[[], object], b: Callable[[], object], rounds: int, clock=time.thread_time):
    """Alternate a and b ``rounds`` times after one warm-up each; (median a s, median b s, median a/b, min, max)."""
    a()
    b()
    ta, tb, ratios = [], [], []
    for _ in range(rounds):
        t = clock()
        a()
        x = clock() - t
        t = clock()
        b()
        y = clock() - t
        ta.append(x)
        tb.append(y)
        ratios.append(x / max(y, 1e-9))
    return statistics.median(ta), statistics.median(tb), statistics.median(ratios), min(ratios), max(ratios)


def _mark(ok: bool) -> str:
    return "ok" if ok else "OVER"


# ---- PDF -------------------------------------------------------------------------------------------------------
def bare_pdf_text(path: str | bytes) -> int:
    """The least any PDF tool does: open the file (a path, or its bytes) with pypdfium2 and get the text of every
    page."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    try:
        n = 0
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            n += len(tp.get_text_range())
            tp.close()
            page.close()
        return n
    finally:
        doc.close()


def bench_pdf(shared: Path, quick: bool) -> bool:
    from ..engine import Engine

    eng = Engine()
    files = sorted((shared / "binaries").glob("*.pdf"))
    ok = True
    for f in files:
        path = str(f)
        a, b, r, lo, hi = _median_ratio(partial(eng.lint_path, path), partial(bare_pdf_text, path), 3 if quick else 9)
        ok &= r <= 8
        print(
            f"  {f.name:56} lint_path {a * 1000:6.1f} ms  pypdfium2 text {b * 1000:5.1f} ms  "
            f"{r:5.1f}x [{lo:.1f}-{hi:.1f}]  {_mark(r <= 8)}"
        )
    return ok


# ---- HTML ------------------------------------------------------------------------------------------------------
def html_pages(shared: Path) -> list[Path]:
    out: list[Path] = []
    for sub in ("binaries", "corpus"):
        d = shared / sub
        if d.is_dir():
            out += sorted(p for p in d.iterdir() if p.suffix.lower() in (".html", ".htm"))
    return out


def bench_html(shared: Path, quick: bool) -> bool:
    import lxml.html

    from ..engine import Engine
    from ..readers import read_path

    eng = Engine()
    ok = True
    for f in html_pages(shared):
        data = f.read_bytes()
        a, b, r, lo, hi = _median_ratio(
            partial(eng.lint_path, str(f)), partial(lxml.html.fromstring, data), 5 if quick else 15
        )
        # the reader alone, alternated with the same parse (one timed read was too noisy to compare)
        read, _, read_r, _, _ = _median_ratio(
            partial(read_path, str(f)), partial(lxml.html.fromstring, data), 5 if quick else 15
        )
        ok &= r <= 15
        print(
            f"  {f.name:28} lint_path {a * 1000:6.2f} ms (read {read * 1000:5.2f} = {read_r:4.1f}x)  "
            f"lxml {b * 1000:5.2f} ms  {r:5.1f}x [{lo:.1f}-{hi:.1f}]  {_mark(r <= 15)}"
        )
    return ok


# ---- NB503 -----------------------------------------------------------------------------------------------------
NB503_SENTENCES = (
    "我局政府信息公开工作取得一定成效，但仍存在公开内容不够全面、政策解读形式单一等问题。",
    "下一步，我局将进一步加强培训，完善制度，提升公开质量。",
    "针对栏目更新不及时的问题，本年度建立月度巡查通报机制，共通报十二次。",
    "将把答复文书质量纳入考核，并组织两次专题培训，规范依申请公开办理流程。",
)


def long_paragraph(n_chars: int) -> str:
    out: list[str] = []
    i = 0
    while sum(map(len, out)) < n_chars:
        out.append(f"第{i}项：" + NB503_SENTENCES[i % len(NB503_SENTENCES)])
        i += 1
    return "".join(out)[:n_chars]


def bench_nb503(shared: Path | None, quick: bool) -> bool:
    from ..checks import repetition
    from ..engine import Context, Engine, Settings
    from ..pipeline import parse_text

    head = "某某局{}年政府信息公开工作年度报告\n\n五、存在的主要问题及改进情况\n\n"
    last = long_paragraph(24_000)
    this = "".join("改" if i % 37 == 0 and c != "。" else c for i, c in enumerate(last))
    prev = parse_text(head.format(2023) + last + "\n")
    report = parse_text(head.format(2024) + this + "\n")
    rule = Engine().by_code["NB503"]
    ctx = Context(Settings(), prev)
    times, found = [], []
    for _ in range(3 if quick else 7):
        t = time.thread_time()
        found = list(repetition.share(rule, report, ctx))
        times.append(time.thread_time() - t)
    ms = statistics.median(times) * 1000
    ratio = found[0].values["share"] if found else "-"
    print(
        f"  24,000 chars, every 37th edited: {ms:6.1f} ms CPU [{min(times) * 1000:.1f}-{max(times) * 1000:.1f}]  "
        f"repeated share {ratio}, {len(found)} finding  {_mark(ms <= 20 and len(found) == 1)}"
    )
    return ms <= 20 and len(found) == 1


# ---- cold start ------------------------------------------------------------------------------------------------
def _wall(cmd: list[str], env) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def bench_cold(shared: Path | None, quick: bool, against: str | None = None) -> bool:
    """With ``against`` (a folder holding an earlier nblint as the package ``nblint``, put first on PYTHONPATH),
    its cold check is alternated with this one's in the same rounds: a before/after in one run."""
    seeds = sorted((shared / "seeds").glob("001*")) if shared else []
    target = str(seeds[0]) if seeds else str(ROOT / "examples" / "compliant-2024.md")
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode compiled
    check = [sys.executable, "-m", "nblint", "check", "-q", target]
    cmds = {"nblint check": (check, env), "python -c pass": ([sys.executable, "-c", "pass"], env)}
    if against:
        cmds["earlier nblint check"] = (check, dict(env, PYTHONPATH=against))
    for _ in range(2):  # bytecode, the rule, grammar and regex caches written
        for cmd, e in cmds.values():
            _wall(cmd, e)
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(7 if quick else 21):
        for k, (cmd, e) in cmds.items():
            times[k].append(_wall(cmd, e))
    base = times["python -c pass"]
    ok = True
    for k in cmds:
        if k == "python -c pass":
            continue
        ratios = [x / y for x, y in zip(times[k], base)]
        extra = statistics.median(x - y for x, y in zip(times[k], base)) * 1000
        r = statistics.median(ratios)
        if k == "nblint check":
            ok = r <= 8
        print(
            f"  `{k} {Path(target).name}` {statistics.median(times[k]) * 1000:5.0f} ms  `python -c pass` "
            f"{statistics.median(base) * 1000:4.0f} ms  {r:4.1f}x [{min(ratios):.1f}-{max(ratios):.1f}], "
            f"{extra:.0f} ms more  {_mark(r <= 8) if k == 'nblint check' else '(before)'}"
        )
    return ok


# ---- audits ----------------------------------------------------------------------------------------------------
def _replicate(files: list[Path], n: int, into: Path) -> None:
    into.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        f = files[i % len(files)]
        sub = into / f"{i % 97:02d}"
        sub.mkdir(exist_ok=True)
        shutil.copy(f, sub / f"{i:05d}_{f.name}")


_AUDIT_RUN = """
import json, resource, sys
from nblint.app.cli import main
try:
    main(sys.argv[2:])
except SystemExit:
    pass
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    json.dump({"parent": me.ru_maxrss, "worker": kids.ru_maxrss, "parent_cpu": me.ru_utime + me.ru_stime}, f)
"""


def _run_audit(folder: Path, n: int, against: str | None = None) -> tuple[float, float, float, float]:
    """``nblint audit --jobs 2`` of ``folder`` in a new process (``against``: the earlier nblint in that folder):
    (reports/s, CPU seconds per report of the audit and its workers, peak RSS in MB of the audit process and of
    its largest worker)."""
    import json
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = folder.parent / "out.jsonl"
    rss = folder.parent / "rss.json"
    env = dict(os.environ, PYTHONPATH=against) if against else dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode compiled (as in ``cold``)
    cmd = [sys.executable, "-c", _AUDIT_RUN, str(rss), "audit", "--jobs", "2", "--jsonl", str(out), str(folder)]
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # every process waited for: the audit and its workers
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    peaks = json.loads(rss.read_text())  # ru_maxrss: kB
    return n / wall, cpu / n, peaks["parent"] / 1024, peaks["worker"] / 1024


def _audit_line(what: str, rate: float, cpu: float, peak: tuple[float, float], target: float) -> bool:
    """The wall-clock rate, and the rate two free cores would give at the CPU time measured (the machine is
    shared: the target is judged on the better of the two, and both are printed)."""
    free = 2 / cpu if cpu > 0 else float("inf")
    print(
        f"  {what}, --jobs 2: {rate:6.1f} reports/s wall; {cpu * 1000:6.1f} ms CPU a report = {free:6.1f} reports/s "
        f"on 2 free cores; peak RSS {peak[0]:.0f} MB audit process, {peak[1]:.0f} MB largest worker  "
        f"{_mark(max(rate, free) >= target)}"
    )
    return max(rate, free) >= target


def _audits(folder: Path, n: int, what: str, target: float, against: str | None) -> bool:
    """One audit of ``folder``; with ``against``, the earlier nblint's audit of the same folder right after it."""
    rate, cpu, *peak = _run_audit(folder, n)
    ok = _audit_line(what, rate, cpu, (peak[0], peak[1]), target)
    if against:
        rate0, cpu0, *peak0 = _run_audit(folder, n, against)
        print(f"  earlier nblint ({against}):")
        _audit_line(what, rate0, cpu0, (peak0[0], peak0[1]), target)
        print(f"  CPU a report: {cpu / cpu0:.2f}x the earlier's")
    return ok


def bench_audit(shared: Path, quick: bool, against: str | None = None) -> bool:
    b, c = shared / "binaries", shared / "corpus"
    pdfs = [p for p in sorted(b.glob("*.pdf")) if "SYNTHETIC" not in p.name]
    htmls = html_pages(shared)
    texts = sorted(c.glob("*.txt"))
    n = 60 if quick else 400
    with tempfile.TemporaryDirectory(prefix="nblint-bench-") as tmp:
        d = Path(tmp) / "mixed"
        _replicate(pdfs, n * 6 // 10, d / "pdf")
        _replicate(htmls, n * 3 // 10, d / "html")
        _replicate(texts, n - n * 6 // 10 - n * 3 // 10, d / "txt")
        return _audits(d, n, f"{n} reports (60% PDF, 30% HTML, 10% text)", 10, against)


def bench_text(shared: Path, quick: bool, against: str | None = None) -> bool:
    texts = sorted((shared / "corpus").glob("*.txt"))
    n = 2_000 if quick else 10_000
    with tempfile.TemporaryDirectory(prefix="nblint-bench-") as tmp:
        d = Path(tmp) / "text"
        _replicate(texts, n, d)
        return _audits(d, n, f"{n} text reports", 500, against)


# ---- LSP -------------------------------------------------------------------------------------------------------
def bench_lsp(shared: Path, quick: bool) -> bool:
    from .lsp import DocumentLinter

    texts = [p.read_text(encoding="utf-8") for p in sorted((shared / "corpus").glob("*.txt"))]
    doc = ""
    while len(doc.encode("utf-8")) < 300_000:
        doc += "\n\n".join(texts)
    doc = doc.encode("utf-8")[:300_000].decode("utf-8", "ignore")
    dl = DocumentLinter()
    uri = "file:///bench/report.txt"
    dl.lint(uri, doc, 0)
    mid = len(doc) // 2
    cpu, wall = [], []
    for i in range(7 if quick else 21):
        doc = doc[:mid] + "字" + doc[mid:] if i % 2 == 0 else doc[:mid] + doc[mid + 1 :]  # type, then delete
        t, c = time.perf_counter(), time.thread_time()
        dl.lint(uri, doc, i + 1)
        wall.append(time.perf_counter() - t)
        cpu.append(time.thread_time() - c)
    ms = statistics.median(cpu) * 1000
    print(
        f"  300 KB document, one keystroke: {ms:5.1f} ms CPU, {statistics.median(wall) * 1000:5.1f} ms wall  "
        f"{_mark(ms <= 50)}"
    )
    return ms <= 50


# ---- the corpus overview (per format) -------------------------------------------------------------------------
def _pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    k = max(0, min(len(v) - 1, round(p / 100 * (len(v) - 1))))
    return v[k]


def bench_corpus(shared: Path | None, quick: bool) -> bool:
    """Median and p95 ms per report for parse (read + normalise + layout + tables) and check (every rule) over the
    seeds, corpus and binaries of ../shared and examples/, in one warm process; reports/s; per-format times."""
    from ..engine import Engine, parse
    from ..readers import read_path
    from ..source import ReadError
    from .cli import discover

    dirs = [shared / sub for sub in ("seeds", "corpus", "binaries") if shared and (shared / sub).is_dir()]
    dirs.append(ROOT / "examples")
    files = discover([str(d) for d in dirs if d.is_dir()])
    eng = Engine()
    parse_ms: list[float] = []
    check_ms: list[float] = []
    read_by_fmt: dict[str, list[float]] = {}
    check_by_fmt: dict[str, list[float]] = {}
    repeat = 2 if quick else 3
    for rep in range(repeat):
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
            if rep == 0:
                continue  # warm-up pass: imports, caches, compiled patterns
            parse_ms.append((t2 - t0) * 1000)
            check_ms.append((t3 - t2) * 1000)
            read_by_fmt.setdefault(fmt, []).append((t1 - t0) * 1000)
            check_by_fmt.setdefault(fmt, []).append((t3 - t2) * 1000)
    print(
        f"  {len(files)} files; parse ms/report median {statistics.median(parse_ms):.2f} p95 {_pct(parse_ms, 95):.2f}; "
        f"check median {statistics.median(check_ms):.2f} p95 {_pct(check_ms, 95):.2f}; "
        f"{len(check_ms) / (sum(check_ms) / 1000):.1f} reports/s (one process, warm)"
    )
    for fmt in sorted(check_by_fmt):
        print(
            f"  {fmt:5s} n={len(check_by_fmt[fmt]) // (repeat - 1):3d}  read {statistics.median(read_by_fmt[fmt]):8.2f} ms"
            f"  check {statistics.median(check_by_fmt[fmt]):8.2f} ms"
        )
    return True


BENCHES: dict[str, tuple[str, Callable[..., bool]]] = {
    "pdf": ("PDF: lint_path / bare pypdfium2 text extraction (target <= 8x)", bench_pdf),
    "html": ("HTML: lint_path / lxml.html.fromstring (target <= 15x)", bench_html),
    "nb503": ("NB503 on a 24,000-character paragraph (target <= 20 ms)", bench_nb503),
    "cold": ("cold nblint check / python -c pass, alternated (target <= 8x)", bench_cold),
    "audit": ("audit of a mixed set on 2 jobs (target >= 10 reports/s)", bench_audit),
    "text": ("audit of text reports on 2 jobs (target >= 500 reports/s)", bench_text),
    "lsp": ("LSP re-lint of a 300 KB document (target <= 50 ms)", bench_lsp),
    "corpus": ("every report of ../shared and examples/, in one warm process (no target)", bench_corpus),
}
NEEDS_SHARED = {"pdf", "html", "audit", "text", "lsp"}
AGAINST = {"cold", "audit", "text"}  # the figures that can be measured against an earlier nblint (--against)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nblint.bench", description=__doc__.split("\n")[0])
    ap.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help=f"run only these ({', '.join(NAMES)}; repeatable, or comma-separated)",
    )
    ap.add_argument("--quick", action="store_true", help="fewer rounds, smaller audits")
    ap.add_argument(
        "--against",
        metavar="DIR",
        help="cold, audit, text: also time an earlier nblint (DIR/nblint, put first on PYTHONPATH) in the same run",
    )
    args = ap.parse_args(argv)
    names = [n for o in args.only or [] for n in o.split(",") if n] or list(NAMES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        ap.error(f"unknown benchmark {', '.join(unknown)} (choose from {', '.join(NAMES)})")
    shared = shared_dir()
    failed = []
    for name in names:
        title, fn = BENCHES[name]
        print(f"{name}: {title}", flush=True)
        if name in NEEDS_SHARED and shared is None:
            print("  skipped: ../shared not found")
            continue
        if not (fn(shared, args.quick, args.against) if name in AGAINST else fn(shared, args.quick)):
            failed.append(name)
        sys.stdout.flush()
    print(f"over target: {', '.join(failed)}" if failed else "every figure within its target")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
