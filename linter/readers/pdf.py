"""PDF: text lines and ruled tables, page by page, with the page number of every line and the box of every character.

PDFium (pypdfium2) parses the document and each page's content in C++; :mod:`._pdfium` copies the characters and
drawn paths out in pdfminer's / pdfplumber's form, and pdfplumber's pure-Python geometry works on them as before.
Tables drawn with ruling lines (pdfplumber's lines strategy, through :mod:`._tablefinder`, which gives the same
tables with its quadratic searches made linear) with at least two columns become pipe rows;
one-column "tables" are usually frames or underlined text and stay text.  Merged cells are found from the cell
rectangles (a cell covering several column / row boundaries) and resolved like the HTML reader does (label text
repeated down a rowspan, numbers only in the first row, empty cells after a colspan).  The text outside the tables
is taken line by line (``extract_text_lines``), and lines and tables are put in reading order by their top
coordinate.  Lines keep the PDF's own breaks (a paragraph wrapped over three lines is three lines, page furniture
such as ``- 3 -`` stays): a later stage decides what they are.  ``Source.char_boxes`` gives, for every character of
the text, its page and box (for highlights), or None for what the reader inserted.

Bounds, whoever calls (any thread; no signals):

* time: the whole read runs under ``budget.limit(TIME_LIMIT)`` (nested in the caller's budget, whose earlier
  deadline wins); ``budget.check()`` runs per page and inside the character and path loops.  When the reader's own
  limit runs out the file is an NB001 that says so (time limit / 超时); when the caller's budget runs out (or it
  was cancelled) the :class:`~nblint.budget.Timeout` propagates to the caller.  The one step that is not
  interruptible, the table finder, gets at most ``MAX_TABLE_EDGES`` ruling edges spanning at most
  ``MAX_TABLE_GRID`` crossings per page: a page drawn more densely than any report table is read as text without
  ruled tables (logged at INFO on the ``nblint.pdf`` logger, not a diagnostic).
* memory: PDFium inflates a content stream completely before anything can stop it, so a few MB of Flate data can
  become gigabytes.  Before PDFium sees the file, :mod:`._pdfstreams` inflates every compressed stream of the file
  (Flate and LZW, also chained filters, also the streams of encrypted files, deciphered by pdfminer's parser) in
  bounded chunks, keeping nothing, and refuses the file when the total would pass ``MAX_INFLATED`` bytes.  This is
  a bound on what PDFium will have to decode, checked with constant memory, in the reading process and thread: no
  resource limit (RLIMIT_AS would apply to the whole process, a language server included) and no subprocess.
* PDFium is not thread-safe: one lock around every call into it, waited for within the time budget.

Failure modes become :class:`ReadError`: not a PDF, damaged or truncated, password-protected, more than
``MAX_PAGES`` pages, a decompression bomb, past the time limit, no text layer (scanned images: OCR needed), or a text
layer without Chinese characters (a font without a usable ToUnicode map: the text comes out as Latin-1 mojibake or
``(cid:123)`` codes).
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from collections import deque

from .. import budget
from ..i18n import Msg
from ..source import ReadError, Source

MAX_PAGES = 300
TIME_LIMIT = 60.0  # seconds for the whole document
MAX_TEXT_CHARS = 1_000_000  # characters in the whole text layer (as readers.MAX_CHARS): far more than one report
MAX_TABLE_EDGES = 4_000  # ruling edges per page handed to the table finder
MAX_TABLE_GRID = 10_000  # distinct vertical x distinct horizontal ruling positions per page (a 100 x 100 grid)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_CID = re.compile(r"\(cid:\d+\)")
_STRIP = " \t\n\r\f\v\xa0\u3000\u2002\u2003\u2009\u200b\ufeff"
_TOL = 2.0  # points: cell edges closer than this are the same grid line
_log = logging.getLogger("nblint.pdf")
_LIGATURES = "\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06"  # extract_text expands these

Box = tuple[int, float, float, float, float]
Boxes = list[Box | None]


def read(path: str, data: bytes) -> Source:
    if not data:
        raise ReadError(Msg("read.empty"))
    if b"%PDF-" not in data[:1024]:
        raise ReadError(Msg("read.pdf-not-pdf"))
    with budget.limit(TIME_LIMIT) as own:
        try:
            return _read(path, data)
        except ReadError:
            raise
        except budget.Timeout:
            if own.parent is not None and own.parent.expired():
                raise  # the caller's budget: the caller reports its own time-out
            raise ReadError(Msg("read.pdf-slow", n=TIME_LIMIT)) from None
        except RecursionError:
            raise ReadError(Msg("read.pdf-nested")) from None
        except Exception as e:
            name = type(e).__name__
            detail = f"{name} {e!r} {e.__cause__!r} {e.__context__!r}".lower()
            if "password" in detail or "encrypt" in detail:
                raise ReadError(Msg("read.pdf-encrypted")) from None
            msg = str(e) or repr(e.__cause__ or e.__context__ or name)
            raise ReadError(Msg("read.pdf-corrupt", detail=msg[:200])) from None


def _read(path: str, data: bytes) -> Source:
    from . import _pdfium, _pdfstreams  # imported only when a PDF is read

    _pdfstreams.check(data)
    pages = _extract(data, _pdfium)
    if not pages:
        raise ReadError(Msg("read.pdf-no-pages"))
    lines: list[tuple[str, int, Boxes]] = []
    for pd in pages:
        budget.check()
        for text, boxes in _page_lines(_pdfium.Page(pd), pd.truncated):
            lines.append((text, pd.number, boxes))
    _check_text_layer("".join(t for t, _, _ in lines), len(pages), sum(pd.unmapped for pd in pages))
    text = "\n".join(t for t, _, _ in lines)
    info = {i: {"page": p} for i, (_, p, _) in enumerate(lines, 1)}
    char_boxes: Boxes = []
    for k, (_, _, boxes) in enumerate(lines):
        if k:
            char_boxes.append(None)
        char_boxes.extend(boxes)
    return Source(path=path, text=text, kind="pdf", line_info=info, char_boxes=char_boxes)


def _check_text_layer(body: str, n_pages: int, unmapped: int) -> None:
    """Refuse a PDF without a usable text layer (the same test on PDFium's raw page text, before the pages are
    taken apart, and on the text the reader made of them: the latter only has fewer characters)."""
    visible = len(re.sub(r"[\s|]", "", body))
    if visible < max(20, 5 * n_pages):
        raise ReadError(Msg("read.pdf-no-text"))
    cjk = len(_CJK.findall(body))
    cids = len(_CID.findall(body)) + unmapped
    if cjk < 10 or cids > cjk:
        raise ReadError(Msg("read.pdf-garbled"))


def _extract(data: bytes, pdfium_mod) -> list:
    """All pages' characters and paths, copied out of PDFium under its lock."""
    remaining = budget.remaining()
    if not pdfium_mod.LOCK.acquire(timeout=TIME_LIMIT if remaining is None else max(remaining, 0.001)):
        budget.check()
        raise budget.Timeout(TIME_LIMIT)
    opened = []
    try:
        doc = pdfium_mod.open_document(data)
        try:
            n = len(doc)
            if n > MAX_PAGES:
                raise ReadError(Msg("read.pdf-pages", n=n, limit=MAX_PAGES))
            for i in range(n):
                budget.check()
                opened.append(pdfium_mod.OpenPage(doc, i))
            if sum(len(op.text) - sum(op.text.count(c) for c in " \r\n") for op in opened) > MAX_TEXT_CHARS:
                raise ReadError(Msg("read.pdf-chars", limit=MAX_TEXT_CHARS))
            # a scan or a broken font is known from the raw text: no need to take the pages apart
            if n:
                _check_text_layer("".join(op.text for op in opened), n, 0)
            pages = []
            for op in opened:
                budget.check()
                pages.append(pdfium_mod.read_objects(op))
            if n:  # characters no font maps to Unicode are known now: a garbled layer is refused before the tables
                _check_text_layer("".join(op.text for op in opened), n, sum(pd.unmapped for pd in pages))
            return pages
        finally:
            for op in opened:
                op.close()
            doc.close()
    finally:
        pdfium_mod.LOCK.release()


def _align(text: str, chars: list[dict]) -> Boxes:
    """The box of each character of ``text`` (built from ``chars`` in order, with spaces and breaks inserted)."""
    out: Boxes = []
    j, n = 0, len(chars)
    for ch in text:
        if j < n and chars[j]["text"] == ch:
            c = chars[j]
            out.append((c["page_number"], c["x0"], c["top"], c["x1"], c["bottom"]))
            j += 1
        else:
            out.append(None)
    return out


def _clean(raw: str, chars: list[dict]) -> tuple[str, Boxes]:
    """Cell text as the reader writes it (its lines joined, blanks stripped) and the boxes of its characters."""
    if not raw:
        return "", []
    pool: dict[str, deque[dict]] = {}
    for c in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        pool.setdefault(c["text"], deque()).append(c)
    pairs: list[tuple[str, Box | None]] = []
    for ch in raw:
        if ch == "\n":
            continue
        got = pool.get(ch)
        if got:
            c = got.popleft()
            pairs.append((ch, (c["page_number"], c["x0"], c["top"], c["x1"], c["bottom"])))
        else:
            pairs.append((ch, None))
    a, b = 0, len(pairs)
    while a < b and pairs[a][0] in _STRIP:
        a += 1
    while b > a and pairs[b - 1][0] in _STRIP:
        b -= 1
    pairs = pairs[a:b]
    return "".join(ch for ch, _ in pairs), [bx for _, bx in pairs]


def _page_lines(page, truncated: bool = False) -> list[tuple[str, Boxes]]:
    from ._tablefinder import find_tables, page_edges  # pdfplumber: imported only when a PDF is read

    page = _dedupe(page)
    tables = []
    if page.lines or page.rects or page.curves:
        ruled = page.filter(_ruling)
        edges = page_edges(ruled)
        if truncated or _too_dense(edges):
            _log.info("page %d: too many ruling lines for the table finder; read as text", page.page_number)
        else:
            settings = {}
            extra = _closing_lines(edges)
            if extra:
                settings["explicit_horizontal_lines"] = extra
            by_middle = None
            for t in find_tables(ruled, edges, settings):
                budget.check()
                by_middle = by_middle or _by_middle(page.chars)
                rows = _table_rows(t, page, by_middle)
                if rows:
                    tables.append((t.bbox, rows))
    items: list[tuple[float, int, list[tuple[str, Boxes]]]] = []
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
    for ln in text_page.extract_text_lines(return_chars=True):
        raw = ln["text"]
        t = raw.strip(_STRIP)
        if t:
            lead = len(raw) - len(raw.lstrip(_STRIP))
            items.append((ln["top"], 0, [(t, _align(raw, ln["chars"])[lead : lead + len(t)])]))
    items.sort(key=lambda it: (it[0], it[1]))
    return [line for _, _, block in items for line in block]


def _too_dense(edges: list[dict]) -> bool:
    """Whether the ruling is beyond what the table finder handles in bounded time (it is superlinear in crossings)."""
    if len(edges) > MAX_TABLE_EDGES:
        return True
    xs = {round(e["x0"]) for e in edges if e["orientation"] == "v"}
    ys = {round(e["top"]) for e in edges if e["orientation"] == "h"}
    return len(xs) * len(ys) > MAX_TABLE_GRID


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


def _closing_lines(edges: list[dict]) -> list[dict]:
    """Horizontal lines that close a table cut by a page break.

    Word/WPS draw no border where a table continues on the next page, so the last row of a page (and the first
    row of the next) is open and pdfplumber drops it: its numbers would come out as loose text.  When several
    vertical rules run past every horizontal rule in their span, a closing line is added at their common end."""
    vertical = [e for e in edges if e["orientation"] == "v" and e["height"] > 5]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    if len(vertical) < 2 or not horizontal:
        return []
    out = []
    # the loop below runs per group: rules of one span (a table's row rules) are looked at once, as their extremes
    extent: dict[tuple[float, float], tuple[float, float]] = {}
    for h in horizontal:
        lo, hi = extent.get((h["x0"], h["x1"]), (h["top"], h["top"]))
        extent[(h["x0"], h["x1"])] = (min(lo, h["top"]), max(hi, h["top"]))
    spans = [(hx0, hx1, lo, hi) for (hx0, hx1), (lo, hi) in extent.items()]
    for key, beyond in (
        ("bottom", lambda y, los, his: y > max(his) + 1),
        ("top", lambda y, los, his: y < min(los) - 1),
    ):
        groups: dict[int, list] = {}
        for e in vertical:
            groups.setdefault(round(e[key]), []).append(e)
        for y, es in groups.items():
            if len(es) < 2:
                continue
            x0 = min(e["x0"] for e in es)
            x1 = max(e["x1"] for e in es)
            over = [(lo, hi) for hx0, hx1, lo, hi in spans if hx1 > x0 + 1 and hx0 < x1 - 1]
            if over and beyond(y, [lo for lo, _ in over], [hi for _, hi in over]):
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


def _by_middle(chars: list[dict]) -> tuple[list[float], list[tuple[float, int, dict]]]:
    """A page's characters sorted by their vertical middle (with their page order), and those middles: built once
    per page for all its tables."""
    items = sorted(((ch["top"] + ch["bottom"]) / 2, i, ch) for i, ch in enumerate(chars))
    return [m for m, _, _ in items], items


def _key(bbox) -> tuple:
    return (round(bbox[0], 3), round(bbox[1], 3), round(bbox[2], 3), round(bbox[3], 3))


def _cell_texts(table, by_middle) -> dict[tuple, tuple[str, Boxes]]:
    """Text and boxes of every cell, by rounded cell box: what ``Table.extract()`` gives (the characters whose
    centre is in the half-open cell box, in page order, through the same ``extract_text``), with the characters
    kept.  A row's characters are found by bisection on the page's vertical middles, a cell's by bisection on
    the row's horizontal middles, instead of testing every character of the page against every cell."""
    from pdfplumber.utils import extract_text

    mids, items = by_middle
    out = {}
    for row in table.rows:
        _, top, _, bottom = row.bbox
        across = sorted(
            ((ch["x0"] + ch["x1"]) / 2, i, ch, v)
            for v, i, ch in items[bisect_left(mids, top) : bisect_left(mids, bottom)]
        )
        centres = [a[0] for a in across]
        for bbox in row.cells:
            if bbox is None:
                continue
            x0, c_top, x1, c_bottom = bbox
            picked = [
                (i, ch)
                for _, i, ch, v in across[bisect_left(centres, x0) : bisect_left(centres, x1)]
                if c_top <= v < c_bottom
            ]
            picked.sort(key=_first)
            cell_chars = [ch for _, ch in picked]
            if not cell_chars:
                raw = ""
            elif (
                len(cell_chars) == 1 and not cell_chars[0]["text"].isspace() and cell_chars[0]["text"] not in _LIGATURES
            ):
                raw = cell_chars[0]["text"]  # what extract_text gives for one character
            else:
                raw = extract_text(cell_chars)
            out[_key(bbox)] = _clean(raw, cell_chars)
    return out


def _first(item):
    return item[0]


Cell = tuple[str, Boxes]


def _table_rows(table, page, by_middle) -> list[tuple[str, Boxes]]:
    """Pipe rows of a ruled table (with the boxes of their characters), merged cells resolved; [] when it is not
    really a table."""
    cells = [c for c in table.cells if c[2] - c[0] > 0.5 and c[3] - c[1] > 0.5]
    if not cells:
        return []
    xs = _edges([c[0] for c in cells] + [c[2] for c in cells])
    ys = _edges([c[1] for c in cells] + [c[3] for c in cells])
    if len(xs) < 3:  # one column: a frame or underlined text, not a table
        return []
    texts = _cell_texts(table, by_middle)
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    empty: Cell = ("", [])
    grid: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
    for bbox in sorted(cells, key=lambda b: (b[1], b[0])):
        x0, top, x1, bottom = bbox
        r0, c0 = _index(ys, top), _index(xs, x0)
        if r0 >= n_rows or c0 >= n_cols or grid[r0][c0] is not None:
            continue
        colspan = max(1, min(_index(xs, x1), n_cols) - c0)
        rowspan = max(1, min(_index(ys, bottom), n_rows) - r0)
        cell = texts.get(_key(bbox)) or empty
        later = cell if any(ch.isalpha() for ch in cell[0]) else empty  # labels repeat down a rowspan, numbers do not
        for dr in range(rowspan):
            for dc in range(colspan):
                if grid[r0 + dr][c0 + dc] is None:
                    grid[r0 + dr][c0 + dc] = (cell if dr == 0 else later) if dc == 0 else empty
    _recover_cells(grid, xs, ys, page)
    rows = []
    for row in grid:
        text_parts: list[str] = []
        boxes: Boxes = []
        for k, c in enumerate(row):
            t, bx = c or empty
            if k:
                boxes.extend((None, None, None))
            text_parts.append(t)
            boxes.extend(bx)
        rows.append((" | ".join(text_parts), boxes))
    return rows


def _recover_cells(grid, xs, ys, page):
    """Fill the grid positions no detected cell covers.

    pdfplumber only finds cells closed on four sides.  A merged cell cut by a page break has no border at the
    cut (the vertical label ``三、本年度办理结果`` at the foot of a page, the first cell of a table continued at
    the top of the next), so its text would be lost.  Each group of uncovered positions that forms a rectangle is
    read as one cell (text in its first row, repeated down when it is a label); other shapes cell by cell."""
    n_rows, n_cols = len(grid), len(grid[0]) if grid else 0
    empty: Cell = ("", [])
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
                cell = _text_in(page, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
                later = cell if any(ch.isalpha() for ch in cell[0]) else empty
                for rr in range(r0, r1 + 1):
                    for cc in range(c0, c1 + 1):
                        grid[rr][cc] = (cell if rr == r0 else later) if cc == c0 else empty


def _text_in(page, bbox) -> Cell:
    from pdfplumber.utils import extract_text

    x0, top, x1, bottom = bbox
    chars = [
        ch
        for ch in page.chars
        if x0 <= (ch["x0"] + ch["x1"]) / 2 <= x1 and top <= (ch["top"] + ch["bottom"]) / 2 <= bottom
    ]
    if not chars:
        return ("", [])
    return _clean(extract_text(chars), chars)


def _edges(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _TOL:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    """The index of the edge nearest ``v`` in the sorted ``edges`` (the first of two at the same distance)."""
    i = bisect_left(edges, v)
    if i == 0:
        return 0
    if i == len(edges):
        return i - 1
    return i if edges[i] - v < v - edges[i - 1] else i - 1
