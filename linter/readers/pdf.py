"""PDF: text lines and ruled tables, page by page, with the page number of every line.

pdfplumber (on pdfminer.six) reads each page.  Tables drawn with ruling lines (``page.find_tables()``, lines
strategy) with at least two columns become pipe rows; one-column "tables" are usually frames or underlined text
and stay text.  Merged cells are found from the cell rectangles (a cell covering several column / row boundaries)
and resolved like the HTML reader does (label text repeated down a rowspan, numbers only in the first row, empty
cells after a colspan).  The text outside the tables is taken line by line (``extract_text_lines``), and lines and
tables are put in reading order by their top coordinate.  Lines keep the PDF's own breaks (a paragraph wrapped
over three lines is three lines, page furniture such as ``- 3 -`` stays): a later stage decides what they are.

Failure modes become :class:`ReadError`: not a PDF, damaged or truncated, password-protected, more than
``MAX_PAGES`` pages, taking more than ``TIME_LIMIT`` seconds, no text layer (scanned images: OCR needed), or a text
layer without Chinese characters (a font without a usable ToUnicode map: the text comes out as Latin-1 mojibake or
``(cid:123)`` codes).
"""

from __future__ import annotations

import io
import logging
import re
import signal
import threading
import time

from .. import budget
from ..source import ReadError, Source

MAX_PAGES = 300
TIME_LIMIT = 60.0  # seconds for the whole document
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_CID = re.compile(r"\(cid:\d+\)")
_STRIP = " \t\n\r\f\v\xa0\u3000\u2002\u2003\u2009\u200b\ufeff"
_TOL = 2.0  # points: cell edges closer than this are the same grid line


class _Timeout(Exception):
    pass


def read(path: str, data: bytes) -> Source:
    if not data:
        raise ReadError("empty file")
    if b"%PDF-" not in data[:1024]:
        raise ReadError("not a PDF file (no %PDF header)")
    _quiet_pdfminer()
    try:
        with _alarm(TIME_LIMIT + 5):
            return _read(path, data)
    except ReadError:
        raise
    except _Timeout:
        raise ReadError(
            f"PDF took more than {TIME_LIMIT:.0f} s to read; not read (damaged or pathological file?)"
        ) from None
    except RecursionError:
        raise ReadError("corrupt PDF: objects nested too deeply") from None
    except Exception as e:
        name = type(e).__name__
        detail = f"{name} {e!r} {e.__cause__!r} {e.__context__!r}".lower()
        if "password" in detail or "encrypt" in detail:
            raise ReadError("the PDF is encrypted (password-protected); not read") from None
        msg = str(e) or repr(e.__cause__ or e.__context__ or name)
        raise ReadError(f"corrupt or truncated PDF ({msg[:200]})") from None


def _read(path: str, data: bytes) -> Source:
    import pdfplumber  # imported only when a PDF is read

    started = time.monotonic()
    lines: list[tuple[str, int]] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = pdf.pages
        if len(pages) > MAX_PAGES:
            raise ReadError(f"PDF has {len(pages)} pages (more than {MAX_PAGES}); not read as a report")
        if not pages:
            raise ReadError("corrupt PDF: no pages")
        for number, page in enumerate(pages, 1):
            if time.monotonic() - started > TIME_LIMIT:
                raise _Timeout()
            budget.check()  # the caller's per-file budget, also off the main thread (no SIGALRM there)
            for text in _page_lines(page):
                lines.append((text, number))
            page.flush_cache()
    body = "".join(t for t, _ in lines)
    visible = len(re.sub(r"[\s|]", "", body))
    if visible < max(20, 5 * len(pages)):
        raise ReadError("no text layer in the PDF (scanned images?); OCR needed")
    cjk = len(_CJK.findall(body))
    cids = len(_CID.findall(body))
    if cjk < 10 or cids > cjk:
        raise ReadError("PDF text layer is not readable (no Chinese characters; broken font encoding?)")
    text = "\n".join(t for t, _ in lines)
    info = {i: {"page": p} for i, (_, p) in enumerate(lines, 1)}
    return Source(path=path, text=text, kind="pdf", line_info=info)


def _page_lines(page) -> list[str]:
    page = _dedupe(page)
    tables = []
    if page.lines or page.rects or page.curves:
        ruled = page.filter(_ruling)
        settings = {}
        extra = _closing_lines(ruled)
        if extra:
            settings["explicit_horizontal_lines"] = extra
        for t in ruled.find_tables(settings):
            rows = _table_rows(t, page)
            if rows:
                tables.append((t.bbox, rows))
    items: list[tuple[float, int, list[str]]] = []
    if tables:
        boxes = [b for b, _ in tables]

        def outside(obj) -> bool:
            if obj.get("object_type") != "char":
                return True
            cx = (obj["x0"] + obj["x1"]) / 2
            cy = (obj["top"] + obj["bottom"]) / 2
            return not any(x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1 for x0, top, x1, bottom in boxes)

        text_page = page.filter(outside)
        for bbox, rows in tables:
            items.append((bbox[1], 1, rows))
    else:
        text_page = page
    for ln in text_page.extract_text_lines(return_chars=False):
        t = ln["text"].strip(_STRIP)
        if t:
            items.append((ln["top"], 0, [t]))
    items.sort(key=lambda it: (it[0], it[1]))
    return [line for _, _, block in items for line in block]


def _dedupe(page):
    """Drop characters printed twice at (almost) the same place ("fake bold" in WPS/Word exports), which would
    otherwise read 一一、、总总体体; only pages that have such doubles pay for pdfplumber's dedupe."""
    seen = set()
    doubles = 0
    for ch in page.chars:
        key = (ch["text"], round(ch["x0"]), round(ch["top"]))
        if key in seen:
            doubles += 1
        else:
            seen.add(key)
    return page.dedupe_chars() if doubles > max(3, len(seen) // 100) else page


def _closing_lines(page) -> list[dict]:
    """Horizontal lines that close a table cut by a page break.

    Word/WPS draw no border where a table continues on the next page, so the last row of a page (and the first
    row of the next) is open and pdfplumber drops it: its numbers would come out as loose text.  When several
    vertical rules run past every horizontal rule in their span, a closing line is added at their common end."""
    edges = page.edges
    vertical = [e for e in edges if e["orientation"] == "v" and e["height"] > 5]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    if len(vertical) < 2 or not horizontal:
        return []
    out = []
    for key, beyond in (("bottom", lambda y, hs: y > max(hs) + 1), ("top", lambda y, hs: y < min(hs) - 1)):
        groups: dict[int, list] = {}
        for e in vertical:
            groups.setdefault(round(e[key]), []).append(e)
        for y, es in groups.items():
            if len(es) < 2:
                continue
            x0 = min(e["x0"] for e in es)
            x1 = max(e["x1"] for e in es)
            hs = [h["top"] for h in horizontal if h["x1"] > x0 + 1 and h["x0"] < x1 - 1]
            if hs and beyond(y, hs):
                at = es[0][key]
                out.append(
                    {
                        "x0": x0,
                        "x1": x1,
                        "top": at,
                        "bottom": at,
                        "width": x1 - x0,
                        "height": 0,
                        "orientation": "h",
                        "object_type": "line",
                    }
                )
    return out


def _ruling(obj) -> bool:
    """Keep the objects that can draw a table's ruling: visible strokes and thin filled bars.  Filled areas
    (paragraph or cell shading, white backgrounds under every text line in WPS exports) are not lines."""
    kind = obj.get("object_type")
    if kind == "char":
        return True
    if kind not in ("rect", "line", "curve"):
        return True
    stroke = obj.get("stroke", kind == "line")
    fill = obj.get("fill", False)
    thin = min(obj.get("width", 0), obj.get("height", 0)) <= 3
    if stroke and not _white(obj.get("stroking_color")):
        return True
    return bool(fill and thin and not _white(obj.get("non_stroking_color")))


def _white(color) -> bool:
    if color is None:
        return False
    if isinstance(color, (int, float)):
        return color >= 0.99
    try:
        values = [float(v) for v in color]
    except (TypeError, ValueError):
        return False
    if len(values) == 4:  # CMYK: white is no ink
        return all(v <= 0.01 for v in values)
    return bool(values) and all(v >= 0.99 for v in values)


def _table_rows(table, page) -> list[str]:
    """Pipe rows of a ruled table, merged cells resolved; [] when it is not really a table."""
    cells = [c for c in table.cells if c[2] - c[0] > 0.5 and c[3] - c[1] > 0.5]
    if not cells:
        return []
    xs = _edges([c[0] for c in cells] + [c[2] for c in cells])
    ys = _edges([c[1] for c in cells] + [c[3] for c in cells])
    if len(xs) < 3:  # one column: a frame or underlined text, not a table
        return []
    texts = {}
    extracted = table.extract()
    for r, row in enumerate(table.rows):
        for c, bbox in enumerate(row.cells):
            if bbox is not None and r < len(extracted) and c < len(extracted[r]):
                texts[tuple(round(v, 3) for v in bbox)] = extracted[r][c]
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    grid: list[list[str | None]] = [[None] * n_cols for _ in range(n_rows)]
    for bbox in sorted(cells, key=lambda b: (b[1], b[0])):
        x0, top, x1, bottom = bbox
        r0, c0 = _index(ys, top), _index(xs, x0)
        if r0 >= n_rows or c0 >= n_cols or grid[r0][c0] is not None:
            continue
        colspan = max(1, min(_index(xs, x1), n_cols) - c0)
        rowspan = max(1, min(_index(ys, bottom), n_rows) - r0)
        raw = texts.get(tuple(round(v, 3) for v in bbox)) or ""
        text = "".join(raw.split("\n")).strip(_STRIP)
        later = text if any(ch.isalpha() for ch in text) else ""  # labels repeat down a rowspan, numbers do not
        for dr in range(rowspan):
            for dc in range(colspan):
                if grid[r0 + dr][c0 + dc] is None:
                    grid[r0 + dr][c0 + dc] = (text if dr == 0 else later) if dc == 0 else ""
    _recover_cells(grid, xs, ys, page)
    return [" | ".join(c or "" for c in row) for row in grid]


def _recover_cells(grid, xs, ys, page):
    """Fill the grid positions no detected cell covers.

    pdfplumber only finds cells closed on four sides.  A merged cell cut by a page break has no border at the
    cut (the vertical label ``三、本年度办理结果`` at the foot of a page, the first cell of a table continued at
    the top of the next), so its text would be lost.  Each group of uncovered positions that forms a rectangle is
    read as one cell (text in its first row, repeated down when it is a label); other shapes cell by cell."""
    n_rows, n_cols = len(grid), len(grid[0]) if grid else 0
    seen = set()
    for r in range(n_rows):
        for c in range(n_cols):
            if grid[r][c] is not None or (r, c) in seen:
                continue
            comp, todo = [], [(r, c)]
            seen.add((r, c))
            while todo:
                a, b = todo.pop()
                comp.append((a, b))
                for na, nb in ((a + 1, b), (a - 1, b), (a, b + 1), (a, b - 1)):
                    if 0 <= na < n_rows and 0 <= nb < n_cols and grid[na][nb] is None and (na, nb) not in seen:
                        seen.add((na, nb))
                        todo.append((na, nb))
            rows = sorted({a for a, _ in comp})
            cols = sorted({b for _, b in comp})
            if len(comp) == len(rows) * len(cols):
                regions = [(rows[0], rows[-1], cols[0], cols[-1])]
            else:  # split into vertical runs per column (merged cells cut by page breaks span rows)
                regions = []
                for b in cols:
                    run = sorted(a for a, bb in comp if bb == b)
                    start = prev = run[0]
                    for a in run[1:] + [None]:
                        if a is None or a != prev + 1:
                            regions.append((start, prev, b, b))
                            start = a
                        prev = a if a is not None else prev
            for r0, r1, c0, c1 in regions:
                text = _text_in(page, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
                later = text if any(ch.isalpha() for ch in text) else ""
                for rr in range(r0, r1 + 1):
                    for cc in range(c0, c1 + 1):
                        grid[rr][cc] = (text if rr == r0 else later) if cc == c0 else ""


def _text_in(page, bbox) -> str:
    from pdfplumber.utils import extract_text

    x0, top, x1, bottom = bbox
    chars = [
        ch
        for ch in page.chars
        if x0 <= (ch["x0"] + ch["x1"]) / 2 <= x1 and top <= (ch["top"] + ch["bottom"]) / 2 <= bottom
    ]
    if not chars:
        return ""
    return "".join(extract_text(chars).split("\n")).strip(_STRIP)


def _edges(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _TOL:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    best, dist = 0, float("inf")
    for i, e in enumerate(edges):
        d = abs(e - v)
        if d < dist:
            best, dist = i, d
    return best


def _quiet_pdfminer():
    """pdfminer logs a warning for every recoverable oddity; the reader reports what matters itself."""
    log = logging.getLogger("pdfminer")
    if log.level == logging.NOTSET:
        log.setLevel(logging.ERROR)


class _alarm:
    """A wall-clock guard (SIGALRM) for the main thread on POSIX, when nobody else uses the alarm; elsewhere the
    per-page time check in ``_read`` is the only guard."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.armed = False

    def __enter__(self):
        if (
            hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
            and signal.getitimer(signal.ITIMER_REAL)[0] == 0
        ):

            def on_alarm(signum, frame):
                raise _Timeout()

            self.previous = signal.signal(signal.SIGALRM, on_alarm)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            self.armed = True
        return self

    def __exit__(self, *exc):
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous if self.previous is not None else signal.SIG_DFL)
        return False
