"""The PDF reader's table finder gives what pdfplumber's own gives: the same merged edges (position, extent and
order), the same crossings and the same cells, on random ruled pages, on the fuzzer's ruled PDFs and on every real
PDF in ../shared."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import ROOT, SHARED
from pdfplumber.container import Container
from pdfplumber.table import TableFinder, TableSettings, edges_to_intersections, intersections_to_cells

from nblint.fuzz import text_to_pdf
from nblint.readers import _pdfium, _tablefinder, pdf

GEOMETRY = ("x0", "x1", "top", "bottom", "width", "height", "orientation")


class FakePage(Container):
    """Lines, rectangles and curves as pdfplumber's objects; ``edges`` comes from pdfplumber's Container."""

    def __init__(self, objects: dict):
        self._objects = objects
        self.bbox = (0, 0, 600, 800)

    @property
    def objects(self):
        return self._objects


def _geometry(edges: list[dict]) -> list[tuple]:
    return [tuple(e[k] for k in GEOMETRY) for e in edges]


def _bboxes(inter: dict) -> dict:
    return {
        p: (
            sorted((e["x0"], e["top"], e["x1"], e["bottom"]) for e in d["v"]),
            sorted((e["x0"], e["top"], e["x1"], e["bottom"]) for e in d["h"]),
        )
        for p, d in inter.items()
    }


def assert_same(page, settings: dict | None = None) -> int:
    """Our edges, crossings and cells against pdfplumber's for one page; the number of cells."""
    tset = TableSettings.resolve(settings)
    theirs = TableFinder(page, tset)
    edges = _tablefinder.merged_edges(_tablefinder.page_edges(page), tset)
    assert _geometry(edges) == _geometry(theirs.edges)
    x_tol, y_tol = tset.intersection_x_tolerance, tset.intersection_y_tolerance
    inter = edges_to_intersections(edges, x_tol, y_tol)
    assert _bboxes(inter) == _bboxes(edges_to_intersections(theirs.edges, x_tol, y_tol))
    assert _tablefinder.cells(theirs.intersections) == intersections_to_cells(theirs.intersections)
    ours = _tablefinder.find_tables(page, _tablefinder.page_edges(page), settings)
    assert [t.cells for t in ours] == [t.cells for t in theirs.tables]
    return len(theirs.cells)


def _shape(kind: str, x0, top, x1, bottom, h=800.0) -> dict:
    """A pdfplumber line or rectangle object from its corners (on a page ``h`` points high)."""
    obj = {
        "object_type": kind,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "y0": h - bottom,
        "y1": h - top,
        "width": x1 - x0,
        "height": bottom - top,
    }
    if kind == "line":
        obj["pts"] = [(x0, top), (x1, bottom)]
    return obj


def _line(x0, top, x1, bottom) -> dict:
    return _shape("line", x0, top, x1, bottom)


def _rect(x0, top, x1, bottom) -> dict:
    return _shape("rect", x0, top, x1, bottom)


def random_page(rng: random.Random) -> FakePage:
    """A ruled grid drawn the ways exports draw one: cell rectangles, per-cell or full-length lines, rules a
    little off the grid (to be snapped), gaps (to be joined or not), stray strokes and curves."""
    cols = sorted({40 + rng.randrange(0, 500, 20) for _ in range(rng.randint(2, 8))})
    rows = sorted({40 + rng.randrange(0, 700, 16) for _ in range(rng.randint(2, 12))})

    def jitter() -> float:
        return round(rng.choice([0, 0, 0, rng.uniform(-2.5, 2.5)]), 3)

    lines, rects, curves = [], [], []
    style = rng.choice(["rects", "cell-lines", "full-lines", "mixed"])
    for i in range(len(rows) - 1):
        for j in range(len(cols) - 1):
            x0, x1, t, b = cols[j] + jitter(), cols[j + 1] + jitter(), rows[i] + jitter(), rows[i + 1] + jitter()
            if rng.random() < 0.1:
                continue  # a missing cell
            if style == "rects" or (style == "mixed" and rng.random() < 0.5):
                rects.append(_rect(min(x0, x1), min(t, b), max(x0, x1), max(t, b)))
            elif style == "cell-lines" or style == "mixed":
                lines.append(_line(x0, t, x1, t))
                lines.append(_line(x0, t, x0, b))
                if rng.random() < 0.7:
                    lines.append(_line(x0, b, x1, b))
                    lines.append(_line(x1, t, x1, b))
    if style == "full-lines":
        gap = rng.choice([0, 2, 5])
        for y in rows:
            lines.append(_line(cols[0], y + jitter(), cols[-1] - gap, y))
        for x in cols:
            lines.append(_line(x + jitter(), rows[0], x, rows[-1] + gap))
    for _ in range(rng.randint(0, 4)):
        x, y = rng.uniform(0, 600), rng.uniform(0, 800)
        lines.append(_line(x, y, x + rng.uniform(0, 50), y + rng.choice([0, 0, rng.uniform(0, 50)])))
    if rng.random() < 0.2:
        x, y = rng.uniform(0, 500), rng.uniform(0, 700)
        curves.append(
            {
                "object_type": "curve",
                "x0": x,
                "x1": x + 30,
                "top": y,
                "bottom": y + 30,
                "doctop": y,
                "width": 30,
                "height": 30,
                "pts": [(x, y), (x + 30, y), (x + 30, y + 30), (x + 10, y + 20)],
            }
        )
    for ln in lines:  # pdfplumber's lines have ordered extents
        ln["x0"], ln["x1"] = min(ln["x0"], ln["x1"]), max(ln["x0"], ln["x1"])
        ln["top"], ln["bottom"] = min(ln["top"], ln["bottom"]), max(ln["top"], ln["bottom"])
        ln["width"], ln["height"] = ln["x1"] - ln["x0"], ln["bottom"] - ln["top"]
    return FakePage({"line": lines, "rect": rects, "curve": curves})


def test_random_pages_as_pdfplumber():
    rng = random.Random(20261204)
    cells = sum(assert_same(random_page(rng)) for _ in range(300))
    assert cells > 3000  # the pages really have tables


def test_explicit_lines_and_zero_tolerances_as_pdfplumber():
    rng = random.Random(7)
    for _ in range(50):
        page = random_page(rng)
        extra = [_line(40.0, 600.0, 300.0, 600.0), _line(40.0, 20.0, 300.0, 20.0)]
        assert_same(page, {"explicit_horizontal_lines": extra})
        assert_same(page, {"snap_tolerance": 0, "join_tolerance": 0})


def _ruled_pages(data: bytes) -> list:
    pages = pdf._extract(data, _pdfium)
    return [pdf._dedupe(_pdfium.Page(pd)).filter(pdf._ruling) for pd in pages]


def test_fuzz_ruled_pdf_as_pdfplumber():
    text = (ROOT / "examples" / "defects-arithmetic.md").read_text(encoding="utf-8")
    pages = _ruled_pages(text_to_pdf(text * 3))
    assert sum(assert_same(p) for p in pages) > 100


def test_real_pdfs_as_pdfplumber():
    files = sorted(SHARED.glob("binaries/*.pdf")) + sorted(SHARED.glob("corpus/*.pdf"))
    if not files:
        pytest.skip("../shared PDFs not available")
    n = 0
    for f in files:
        try:
            pages = _ruled_pages(Path(f).read_bytes())
        except Exception:  # unreadable on purpose (a broken PDF): nothing to compare
            continue
        n += sum(assert_same(p) for p in pages)
    assert n > 100
