"""Benchmark of the PDF path: ``nblint.lint_path`` on a PDF against a bare pypdfium2 text extraction of it.

    python benchmarks/pdf_bench.py [--rounds 9] [--dir ../shared/binaries] [--stages] [FILE.pdf ...]

For each PDF (default: every *.pdf in ../shared/binaries), both are timed alternately in the same run, after one
warm-up each: A = ``nblint.lint_path(path)`` (read, parse, all rules), B = open the file with pypdfium2 and get the
text of every page (``PdfTextPage.get_text_range``), the least any PDF tool must do.  Prints the median of A, of B
and of the per-round ratios A/B (target: ≤ 8×), in wall-clock time (the target) and in CPU time of this process
(steadier on a shared machine).  ``--stages`` also splits the reader's time (PDFium extraction
under its lock, table finding and text lines, the bomb guard) for the first round.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 8.0


def bare_text(path: str) -> int:
    """A bare pypdfium2 extraction of every page: the one ``python -m nblint.bench`` measures too."""
    from nblint.app.bench import bare_pdf_text

    return bare_pdf_text(path)


def lint(path: str) -> int:
    import nblint

    return len(nblint.lint_path(path))


def stages(path: str) -> dict[str, float]:
    from nblint.readers import _pdfium, _pdfstreams, pdf
    from nblint.source import ReadError

    data = Path(path).read_bytes()
    out = {}
    t = time.perf_counter()
    _pdfstreams.check(data)
    out["bomb guard"] = time.perf_counter() - t
    t = time.perf_counter()
    try:
        pages = pdf._extract(data, _pdfium)
    except ReadError:  # refused from the raw text layer
        out["PDFium extraction (refused)"] = time.perf_counter() - t
        return out
    out["PDFium extraction"] = time.perf_counter() - t
    t = time.perf_counter()
    for pd in pages:
        pdf._page_lines(_pdfium.Page(pd), pd.truncated)
    out["tables + lines"] = time.perf_counter() - t
    return out


def run(files: list[Path], rounds: int, show_stages: bool) -> list[tuple[str, float, float, float]]:
    rows = []
    for f in files:
        p = str(f)
        lint(p)
        bare_text(p)
        a_times, b_times, ratios, cpu_ratios = [], [], [], []
        for _ in range(rounds):
            t, c = time.perf_counter(), time.process_time()
            lint(p)
            a, a_cpu = time.perf_counter() - t, time.process_time() - c
            t, c = time.perf_counter(), time.process_time()
            bare_text(p)
            b, b_cpu = time.perf_counter() - t, time.process_time() - c
            a_times.append(a)
            b_times.append(b)
            ratios.append(a / b)
            cpu_ratios.append(a_cpu / max(b_cpu, 1e-6))
        row = (f.name, statistics.median(a_times), statistics.median(b_times), statistics.median(ratios))
        rows.append(row)
        mark = "ok" if row[3] <= TARGET else "OVER"
        print(
            f"{f.name:58} lint_path {row[1] * 1000:7.1f} ms   pypdfium2 text {row[2] * 1000:6.1f} ms   "
            f"ratio {row[3]:5.1f}x  [{min(ratios):.1f}-{max(ratios):.1f}]  CPU ratio {statistics.median(cpu_ratios):5.1f}x"
            f"  {mark}",
            flush=True,
        )
        if show_stages:
            for k, v in stages(p).items():
                print(f"    {k:22} {v * 1000:7.1f} ms")
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--dir", type=Path, default=ROOT.parent / "shared" / "binaries")
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--stages", action="store_true")
    args = ap.parse_args(argv)
    files = args.files or sorted(args.dir.glob("*.pdf"))
    if not files:
        print(f"no PDF files (looked in {args.dir})", file=sys.stderr)
        return 2
    rows = run(files, args.rounds, args.stages)
    over = [r for r in rows if r[3] > TARGET]
    print(f"{len(rows)} PDFs, median ratio {statistics.median(r[3] for r in rows):.1f}x (target <= {TARGET:g}x)")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
