"""pdfplumber's ruling-line table finder, with its costly parts made linear in practice.

``pdfplumber.table.intersections_to_cells`` looks, for every crossing of two rules, at every later crossing to
find the ones straight below and straight to the right, and rebuilds the edge sets of both points for every pair
it tries: quadratic in crossings per page, about half of a ruled page's reading time (a 20-page PDF with a table
on every page took 3 s).  :func:`cells` gives the same cells in the same order: the crossings below and to the right
of a point are read from per-column and per-row lists, and each point's edge sets are built once.  The edges
(``TableFinder.get_edges``: a quarter of the time) are :func:`page_edges` and :func:`merged_edges`: the same
positions, extents and order with pdfplumber's arithmetic, without copying every rectangle's twenty-odd keys four
times and again when snapping.  :func:`find_tables` is ``page.find_tables(settings)`` (lines strategy) built from
them; the crossings, the grouping into tables and ``Table`` are pdfplumber's own.  tests/test_tablefinder.py
compares every step with pdfplumber's.
"""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter

from pdfplumber.table import Table, TableSettings, cells_to_tables, edges_to_intersections
from pdfplumber.utils import obj_to_bbox

Point = tuple[float, float]
BBox = tuple[float, float, float, float]


def cells(intersections: dict) -> list[BBox]:
    """``pdfplumber.table.intersections_to_cells(intersections)``: for each crossing in sorted order, the smallest
    cell it is the top-left corner of (the first crossing below and the first to the right, in that order of
    trial, that are joined to it and to a common bottom-right crossing by rules)."""
    points = sorted(intersections)
    v_sets = {p: {obj_to_bbox(e) for e in intersections[p]["v"]} for p in points}
    h_sets = {p: {obj_to_bbox(e) for e in intersections[p]["h"]} for p in points}
    column: dict[float, list[Point]] = {}
    row: dict[float, list[Point]] = {}
    for p in points:  # sorted by x, then y: each column is top to bottom, each row left to right
        column.setdefault(p[0], []).append(p)
        row.setdefault(p[1], []).append(p)
    at_col = {p: i for col in column.values() for i, p in enumerate(col)}
    at_row = {p: i for r in row.values() for i, p in enumerate(r)}

    def joined(p1: Point, p2: Point) -> bool:  # pdfplumber's edge_connects
        if p1[0] == p2[0] and not v_sets[p1].isdisjoint(v_sets[p2]):
            return True
        return p1[1] == p2[1] and not h_sets[p1].isdisjoint(h_sets[p2])

    out: list[BBox] = []
    for pt in points:
        col, r = column[pt[0]], row[pt[1]]
        rights = (q for q in r[at_row[pt] + 1 :] if joined(pt, q))
        tried: list[Point] = []  # the joined crossings to the right, read only as far as a trial needs them
        found = None
        for below_pt in col[at_col[pt] + 1 :]:
            if not joined(pt, below_pt):
                continue
            k = 0
            while True:
                if k == len(tried):
                    nxt = next(rights, None)
                    if nxt is None:
                        break
                    tried.append(nxt)
                right_pt = tried[k]
                k += 1
                corner = (right_pt[0], below_pt[1])
                if corner in v_sets and joined(corner, right_pt) and joined(corner, below_pt):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                out.append(found)
                break
    return out


def page_edges(page) -> list[dict]:
    """``page.edges`` with only what the table finder reads (position, extent, orientation), in the same order:
    pdfplumber copies every rectangle's twenty-odd keys four times, and copies each edge again when snapping."""
    out: list[dict] = []
    for ln in page.lines:
        out.append(
            _edge(
                ln["x0"],
                ln["x1"],
                ln["top"],
                ln["bottom"],
                ln["width"],
                ln["height"],
                "h" if ln["top"] == ln["bottom"] else "v",
            )
        )
    for r in page.rects:
        x0, x1, top, bottom, width, height = r["x0"], r["x1"], r["top"], r["bottom"], r["width"], r["height"]
        out.append(_edge(x0, x1, top, top, width, 0, "h"))
        out.append(_edge(x0, x1, top + height, bottom, width, 0, "h"))
        out.append(_edge(x0, x0, top, bottom, 0, height, "v"))
        out.append(_edge(x1, x1, top, bottom, 0, height, "v"))
    for c in page.curves:
        pts = c["pts"]
        for (ax, ay), (bx, by) in zip(pts, pts[1:]):
            out.append(
                _edge(
                    min(ax, bx),
                    max(ax, bx),
                    min(ay, by),
                    max(ay, by),
                    abs(ax - bx),
                    abs(ay - by),
                    "v" if ax == bx else ("h" if ay == by else None),
                )
            )
    return out


def _edge(x0, x1, top, bottom, width, height, orientation) -> dict:
    return {
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": width,
        "height": height,
        "orientation": orientation,
    }


def merged_edges(edges: list[dict], settings: TableSettings) -> list[dict]:
    """``TableFinder.get_edges()`` for the "lines" strategy on both axes, from :func:`page_edges` and the explicit
    horizontal lines (dicts) of ``settings``: the same edges (position and extent) in the same order, with the
    same float arithmetic (pdfplumber's snap to the cluster mean, join within tolerance, length filters)."""
    pre = settings.edge_min_length_prefilter
    v = [e for e in edges if e["orientation"] == "v" and e["height"] >= pre]
    h = [e for e in edges if e["orientation"] == "h" and e["width"] >= pre]
    for desc in settings.explicit_horizontal_lines or []:
        if not isinstance(desc, dict):  # pdfplumber also takes a bare y (a page-wide line); the reader never does
            raise ValueError("explicit horizontal lines must be line objects")
        if desc["top"] == desc["bottom"]:  # pdfplumber's obj_to_edges of a line, kept when horizontal
            h.append(_edge(desc["x0"], desc["x1"], desc["top"], desc["bottom"], desc["width"], desc["height"], "h"))
    if settings.snap_x_tolerance > 0 or settings.snap_y_tolerance > 0:
        v = _snap(v, "x0", "x1", settings.snap_x_tolerance)
        h = _snap(h, "top", "bottom", settings.snap_y_tolerance)
    out = _join(h, "top", "x0", "x1", "width", settings.join_x_tolerance)  # pdfplumber's order: "h" < "v"
    out += _join(v, "x0", "top", "bottom", "height", settings.join_y_tolerance)
    least = settings.edge_min_length
    return [e for e in out if e["height" if e["orientation"] == "v" else "width"] >= least]


def _snap(edges: list[dict], attr: str, other: str, tolerance: float) -> list[dict]:
    """pdfplumber's ``snap_objects``: edges whose ``attr`` values chain within ``tolerance`` move to their mean."""
    if not edges:
        return []
    values = sorted({e[attr] for e in edges})
    cluster_of: dict[float, int] = {}
    k = 0
    for i, val in enumerate(values):
        if i and not val <= values[i - 1] + tolerance:
            k += 1
        cluster_of[val] = k
    clusters: list[list[dict]] = [[] for _ in range(k + 1)]
    for e in edges:  # stable: each cluster keeps the edges' order
        clusters[cluster_of[e[attr]]].append(e)
    out = []
    for cluster in clusters:
        if not cluster:
            continue
        avg = sum(e[attr] for e in cluster) / len(cluster)
        for e in cluster:
            d = avg - e[attr]
            moved = dict(e)
            moved[attr] = e[attr] + d
            moved[other] = e[other] + d
            out.append(moved)
    return out


def _join(edges: list[dict], at: str, lo: str, hi: str, size: str, tolerance: float) -> list[dict]:
    """pdfplumber's ``join_edge_group`` over each line (edges sorted by position, stably): overlapping or nearly
    touching edges on one line become one."""
    out: list[dict] = []
    for _, group in groupby(sorted(edges, key=itemgetter(at)), key=itemgetter(at)):
        run = sorted(group, key=itemgetter(lo))
        joined = [run[0]]
        for e in run[1:]:
            last = joined[-1]
            if e[lo] <= last[hi] + tolerance:
                if e[hi] > last[hi]:
                    grown = dict(last)
                    grown[hi] = e[hi]
                    grown[size] = (e[hi] - last[lo]) if size == "width" else last[size] + (e[hi] - last[hi])
                    joined[-1] = grown
            else:
                joined.append(e)
        out.extend(joined)
    return out


def find_tables(page, edges: list[dict], settings: dict | None = None) -> list[Table]:
    """``page.find_tables(settings)`` (lines strategy) from the page's :func:`page_edges`: the same tables."""
    tset = TableSettings.resolve(settings)
    merged = merged_edges(edges, tset)
    found = cells(edges_to_intersections(merged, tset.intersection_x_tolerance, tset.intersection_y_tolerance))
    return [Table(page, group) for group in cells_to_tables(found)]
