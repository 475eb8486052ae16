"""PDFium (pypdfium2) as the page parser under pdfplumber's geometry.

PDFium (C++) parses the document and every page's content stream; this module copies out, per page, the characters
and the drawn path objects as plain dicts in pdfminer.six's / pdfplumber's form (same keys, same coordinates: origin
at the top-left of the MediaBox, ``top``/``bottom`` measured downwards), and wraps them in :class:`Page`, a
pdfplumber ``Page`` whose objects come from these dicts.  pdfplumber's pure-Python machinery (``filter``,
``dedupe_chars``, ``find_tables`` with the ruling-line strategy, ``extract_text_lines``, cell text) then works on it
unchanged, so the reader keeps the table finder it always had while no pdfminer content interpretation runs.

Character geometry, as pdfminer computes it: ``x0``/``x1`` are the glyph origin and origin + advance (PDFium's
"loose" character box has exactly these, except that it widens to the glyph when a glyph is drawn wider than its
advance: for CJK glyphs the advance is then the font size, for others the 0.1 pt excess stays), ``y0`` is the
baseline + font descent (the loose box's bottom), and the box is one font size high (``size`` = font size x the
text matrix scale), not the font's ascent - descent that PDFium's loose box uses.  Vertical writing (Identity-V CID
fonts, the merged-cell labels written top to bottom) gets pdfminer's font-size square at the glyph origin.
Characters that PDFium generates itself (spaces and line breaks it infers) are skipped, as pdfminer has no such
characters; characters the font maps to no Unicode are counted (``PageData.unmapped``, pdfminer's ``(cid:123)``).
Paths are classified the way pdfminer does (one segment: ``line``; a closed axis-aligned four-point path: ``rect``;
anything else: ``curve`` through its segment end points), each sub-path separately, with the path's matrix and the
matrices of enclosing form XObjects applied.  Paths that draw nothing, or only in white (the backgrounds WPS puts
under every text line), are not copied: they can never be a table's ruling.  Coordinates are rounded to 1/10,000
pt (PDFium keeps single-precision floats; pdfminer keeps the decimals of the content stream).  Rotated pages get
pdfminer's upright device transform.

PDFium is not thread-safe: every call into it holds :data:`LOCK` (the reader waits for it within its time budget),
and what leaves this module is plain Python data.
"""

from __future__ import annotations

import ctypes
import threading
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as R
from pdfplumber.page import Page as _PlumberPage

from .. import budget

LOCK = threading.Lock()

_PATH, _FORM = R.FPDF_PAGEOBJ_PATH, R.FPDF_PAGEOBJ_FORM
_MOVE, _LINE, _BEZIER = R.FPDF_SEGMENT_MOVETO, R.FPDF_SEGMENT_LINETO, R.FPDF_SEGMENT_BEZIERTO
MAX_PATH_OBJECTS = 5_000  # per page (a report page has tens to a few hundred): a drawing, read without ruling
MAX_SEGMENTS = 50_000  # path segments per page, for the same reason
MAX_FORM_DEPTH = 8


def _r(v: float) -> float:
    return round(v, 4)


class PageData:
    """What one page holds, copied out of PDFium: its size, rotation, characters and path objects (dicts)."""

    __slots__ = ("number", "width", "height", "chars", "lines", "rects", "curves", "truncated", "unmapped")

    def __init__(self, number: int, width: float, height: float):
        self.number = number
        self.width = width
        self.height = height
        self.chars: list[dict] = []
        self.lines: list[dict] = []
        self.rects: list[dict] = []
        self.curves: list[dict] = []
        self.truncated = False  # drawing objects beyond the caps were left out
        self.unmapped = 0  # characters whose font maps them to no Unicode (pdfminer's "(cid:123)")


def open_document(data: bytes) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(data)


class OpenPage:
    """A page loaded in PDFium with its text page; :func:`read_objects` fills ``data``, :meth:`close` frees it."""

    __slots__ = ("page", "textpage", "ctm", "data", "text")

    def __init__(self, doc: pdfium.PdfDocument, index: int):
        self.page = doc[index]
        self.textpage = None
        rot = R.FPDFPage_GetRotation(self.page.raw) % 4
        left, b, r, t = self.page.get_mediabox()
        w, h = r - left, t - b
        if rot in (1, 3):
            w, h = h, w
        # pdfminer's device transform: MediaBox origin at 0,0 and the page turned upright
        self.ctm = {
            0: (1, 0, 0, 1, -left, -b),
            1: (0, -1, 1, 0, -b, r),
            2: (-1, 0, 0, -1, r, t),
            3: (0, 1, -1, 0, t, -left),
        }[rot]
        self.data = PageData(index + 1, _r(w), _r(h))
        self.textpage = R.FPDFText_LoadPage(self.page.raw)
        self.text = _bulk_text(self.textpage) if self.textpage else ""

    def close(self) -> None:
        if self.textpage:
            R.FPDFText_ClosePage(self.textpage)
            self.textpage = None
        self.page.close()


def _bulk_text(tp) -> str:
    """The page's text in one call (with PDFium's own spaces and line breaks): for the quick text-layer checks."""
    n = R.FPDFText_CountChars(tp)
    if n <= 0:
        return ""
    buf = ctypes.create_string_buffer((n + 1) * 4)
    got = R.FPDFText_GetText(tp, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    return buf.raw[: max(0, got - 1) * 2].decode("utf-16-le", errors="replace")


def read_objects(op: OpenPage) -> PageData:
    """Characters and paths of an open page.  Call with :data:`LOCK` held."""
    if op.textpage:
        _chars(op.textpage, op.data, op.ctm)
    budget.check()
    _paths(op.page, op.data, op.ctm)
    return op.data


def _apply(m, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _mul(m1, m2):
    """m1 then m2 (PDF row-vector convention)."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _chars(tp, data: PageData, ctm) -> None:
    n = R.FPDFText_CountChars(tp)
    if n <= 0:
        return
    rect = R.FS_RECTF()
    m = R.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    fonts: dict[bytes, str] = {}
    name_buf = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    height = data.height
    identity = ctm[:4] == (1, 0, 0, 1)
    out = data.chars
    number = data.number
    get_unicode, get_font, get_size, get_box, get_matrix = (
        R.FPDFText_GetUnicode,
        R.FPDFText_GetFontInfo,
        R.FPDFText_GetFontSize,
        R.FPDFText_GetLooseCharBox,
        R.FPDFText_GetMatrix,
    )
    for i in range(n):
        if i % 4096 == 0:
            budget.check()
        code = get_unicode(tp, i)
        if code <= 32:
            if code in (0, 10, 13) or R.FPDFText_IsGenerated(tp, i) == 1:
                continue  # PDFium's own spaces and line breaks
        if 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF) or code > 0x10FFFF:
            continue
        u = chr(code)
        if code < 0x2E80 and R.FPDFText_HasUnicodeMapError(tp, i) == 1:
            data.unmapped += 1
        k = get_font(tp, i, name_buf, 256, flags)
        raw_name = name_buf.raw[:k] if 0 < k <= 256 else b""
        fontname = fonts.get(raw_name)
        if fontname is None:
            fontname = fonts[raw_name] = raw_name.split(b"\0", 1)[0].decode("utf-8", errors="replace")
        fs = get_size(tp, i)
        if not get_box(tp, i, rect):
            continue
        get_matrix(tp, i, m)
        a, b, c, d = m.a, m.b, m.c, m.d
        upright = a * d > 0 and b * c <= 0
        if upright and b == 0 and c == 0 and identity:
            if abs(rect.left - m.e) < 0.01:  # horizontal writing: from the origin to origin + advance
                x0, x1, y0 = rect.left, rect.right, rect.bottom
                if u >= "\u2e80":  # a CJK glyph drawn wider than its advance: PDFium's box takes the glyph
                    x1 = min(x1, x0 + fs * a)
            else:  # vertical writing (Identity-V): pdfminer's box is a font-size square at the origin
                R.FPDFText_GetCharOrigin(tp, i, ox, oy)
                x0, y0 = ox.value, oy.value
                x1 = x0 + fs * a
            x0, x1, y0 = x0 + ctm[4], x1 + ctm[4], y0 + ctm[5]
            size = fs * d
            y1 = y0 + size
        else:
            pts = [_apply(ctm, x, y) for x in (rect.left, rect.right) for y in (rect.bottom, rect.top)]
            x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
            y0, y1 = min(p[1] for p in pts), max(p[1] for p in pts)
            mm = _mul((a, b, c, d, 0, 0), ctm)
            upright = mm[0] * mm[3] > 0 and mm[1] * mm[2] <= 0
            size = (y1 - y0) if upright else (x1 - x0)
        x0, x1, y0, y1 = round(x0, 4), round(x1, 4), round(y0, 4), round(y1, 4)
        top = height - y1
        out.append(
            {
                "text": u,
                "fontname": fontname,
                "size": size,
                "adv": x1 - x0,
                "upright": upright,
                "x0": x0,
                "x1": x1,
                "y0": y0,
                "y1": y1,
                "top": top,
                "bottom": height - y0,
                "doctop": top,
                "width": x1 - x0,
                "height": y1 - y0,
                "object_type": "char",
                "page_number": number,
            }
        )


def _paths(page: pdfium.PdfPage, data: PageData, ctm) -> None:
    counts = [0, 0]  # path objects, segments
    stack: list[tuple[Any, int, tuple, int]] = []  # (container, is_form, matrix, depth)
    stack.append((page.raw, 0, ctm, 0))
    fm = R.FS_MATRIX()
    while stack:
        container, is_form, matrix, depth = stack.pop()
        n = R.FPDFFormObj_CountObjects(container) if is_form else R.FPDFPage_CountObjects(container)
        for i in range(max(0, n)):
            if i % 4096 == 4095:
                budget.check()
            obj = R.FPDFFormObj_GetObject(container, i) if is_form else R.FPDFPage_GetObject(container, i)
            if not obj:
                continue
            kind = R.FPDFPageObj_GetType(obj)
            if kind == _FORM and depth < MAX_FORM_DEPTH:
                R.FPDFPageObj_GetMatrix(obj, fm)
                stack.append((obj, 1, _mul((fm.a, fm.b, fm.c, fm.d, fm.e, fm.f), matrix), depth + 1))
            elif kind == _PATH:
                counts[0] += 1
                if counts[0] > MAX_PATH_OBJECTS or counts[1] > MAX_SEGMENTS:
                    data.truncated = True
                    return
                if counts[0] % 256 == 0:
                    budget.check()
                counts[1] += _path(obj, matrix, data)
                if counts[1] > MAX_SEGMENTS:
                    data.truncated = True
                    return


_RGBA = tuple(ctypes.c_uint() for _ in range(4))
_FILL, _STROKE = ctypes.c_int(), ctypes.c_int()
_PM = R.FS_MATRIX()
_X, _Y = ctypes.c_float(), ctypes.c_float()


def _color(getter, obj) -> tuple | None:
    r, g, b, a = _RGBA
    if not getter(obj, r, g, b, a):
        return None
    return (r.value / 255, g.value / 255, b.value / 255)


def _white(color: tuple | None) -> bool:
    return color is not None and all(v >= 0.99 for v in color)


def _path(obj, outer, data: PageData) -> int:
    """Add the line / rect / curve objects of one PDFium path object; return its number of segments.  (The
    module-level ctypes scratch values are safe: every PDFium call holds LOCK.)  A ruled table is hundreds of
    paths a page, each a few segments: the PDFium calls are bound once and a colour is asked for only when the
    path is stroked (stroke colour) or filled (fill colour)."""
    n = _count_segments(obj)
    if n <= 0:
        return 0
    if n > MAX_SEGMENTS:  # one path drawn with more segments than a page may have: not read (the page is truncated)
        return n
    pm = _PM
    _get_matrix(obj, pm)
    m = _mul((pm.a, pm.b, pm.c, pm.d, pm.e, pm.f), outer)
    fillmode, stroke = _FILL, _STROKE
    _get_draw_mode(obj, fillmode, stroke)
    stroked, filled = bool(stroke.value), fillmode.value != 0
    scolor = _color(_get_stroke_color, obj) if stroked else None
    fcolor = _color(_get_fill_color, obj) if filled else None
    if not (stroked and not _white(scolor)) and not (filled and not _white(fcolor)):
        return n  # draws nothing or only white (backgrounds under text): never a ruling line, not copied
    common = {
        "stroke": stroked,
        "fill": filled,
        "stroking_color": scolor,
        "non_stroking_color": fcolor,
    }
    # to pdfminer's operator string: m, l, c (a Bézier's three points as one operator), h (close)
    x, y = _X, _Y
    a, b, c, d, e, f = m
    subpaths: list[tuple[list[str], list[tuple[float, float]]]] = []
    ops: list[str] = []
    pts: list[tuple[float, float]] = []
    bezier = 0
    get_segment, get_type, get_point, get_close = _get_segment, _segment_type, _segment_point, _segment_close
    for i in range(n):
        if i % 4096 == 4095:
            budget.check()
        seg = get_segment(obj, i)
        kind = get_type(seg)
        get_point(seg, x, y)
        px, py = x.value, y.value
        p = (a * px + c * py + e, b * px + d * py + f)
        if kind == _MOVE:
            if ops:
                subpaths.append((ops, pts))
            ops, pts = ["m"], [p]
            bezier = 0
        elif kind == _BEZIER:
            bezier += 1
            if bezier % 3:
                continue
            ops.append("c")
            pts.append(p)
        else:
            ops.append("l")
            pts.append(p)
        if get_close(seg) and ops:
            ops.append("h")
            pts.append(pts[0])
    if ops:
        subpaths.append((ops, pts))
    for ops, pts in subpaths:
        _classify("".join(ops), pts, common, data)
    return n


_count_segments, _get_matrix, _get_draw_mode = R.FPDFPath_CountSegments, R.FPDFPageObj_GetMatrix, R.FPDFPath_GetDrawMode
_get_stroke_color, _get_fill_color = R.FPDFPageObj_GetStrokeColor, R.FPDFPageObj_GetFillColor
_get_segment, _segment_type = R.FPDFPath_GetPathSegment, R.FPDFPathSegment_GetType
_segment_point, _segment_close = R.FPDFPathSegment_GetPoint, R.FPDFPathSegment_GetClose


def _classify(shape: str, pts: list[tuple[float, float]], common: dict, data: PageData) -> None:
    """pdfminer's ``paint_path`` for one sub-path: a line, a rectangle or a curve."""
    if not shape.startswith("m") or len(pts) < 2:
        return
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:  # a redundant l before the closing h
        shape = shape[:-2] + "h"
        pts = pts[:-1]
    pts = [(_r(px), _r(py)) for px, py in pts]
    if shape in ("ml", "mlh"):
        _add(data.lines, "line", pts[:2], common, data)
    elif shape in ("mlllh", "mllll") and len(pts) >= 5:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), p4 = pts[:5]
        closed = pts[0] == p4
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if closed and square:
            _add(data.rects, "rect", pts, common, data)
        else:
            _add(data.curves, "curve", pts, common, data)
    else:
        _add(data.curves, "curve", pts, common, data)


def _add(out: list[dict], kind: str, pts: list[tuple[float, float]], common: dict, data: PageData) -> None:
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    h = data.height
    obj = {
        "x0": x0,
        "y0": y0,
        "x1": x1,
        "y1": y1,
        "width": _r(x1 - x0),
        "height": _r(y1 - y0),
        **common,
        "object_type": kind,
        "page_number": data.number,
        "top": _r(h - y1),
        "bottom": _r(h - y0),
        "doctop": _r(h - y1),
    }
    if kind != "rect":
        obj["pts"] = [(px, _r(h - py)) for px, py in pts]
    out.append(obj)


class Page(_PlumberPage):
    """A pdfplumber page whose objects were read by PDFium (see the module docstring)."""

    def __init__(self, data: PageData):
        self.pdf = None  # type: ignore[assignment]
        self.root_page = self
        self.page_obj = None  # type: ignore[assignment]
        self.page_number = data.number
        self.initial_doctop = 0
        self.rotation = 0
        self.mediabox = (0, 0, data.width, data.height)
        self.cropbox = self.mediabox
        self.bbox = self.mediabox
        self._objects = {"char": data.chars, "line": data.lines, "rect": data.rects, "curve": data.curves}
        from functools import lru_cache

        self.get_textmap = lru_cache()(self._get_textmap)

    @property
    def objects(self) -> dict[str, list[dict]]:
        return self._objects

    def close(self) -> None:
        pass
