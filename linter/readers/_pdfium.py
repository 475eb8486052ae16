"""PDFium (pypdfium2) as the page parser under pdfplumber's geometry.

PDFium (C++) parses the document and every page's content stream; this module copies out, per page, the characters
and the drawn path objects as plain dicts in pdfminer.six's / pdfplumber's form (same keys, same coordinates: origin
at the top-left of the MediaBox, ``top``/``bottom`` measured downwards), and wraps them in :class:`Page`, a
pdfplumber ``Page`` whose objects come from these dicts.  pdfplumber's pure-Python machinery (``filter``,
``dedupe_chars``, ``find_tables`` with the ruling-line strategy, ``extract_text_lines``, cell text) then works on it
unchanged, so the reader keeps the table finder it always had while no pdfminer content interpretation runs.

Character geometry, as pdfminer computes it: ``x0``/``x1`` are the glyph origin and origin + advance (PDFium's
"loose" character box has exactly these), ``y0`` is the baseline + font descent (the loose box's bottom), and the box
is one font size high (``size`` = font size × the text matrix scale), not the font's ascent − descent that PDFium's
loose box uses.  Characters that PDFium generates itself (spaces and line breaks it infers) are skipped, as pdfminer
has no such characters.  Paths are classified the way pdfminer does (one segment: ``line``; a closed axis-aligned
four-point path: ``rect``; anything else: ``curve`` through its segment end points), each sub-path separately, with
the path's matrix and the matrices of enclosing form XObjects applied.  Coordinates are rounded to 1/10,000 pt
(PDFium keeps single-precision floats; pdfminer keeps the decimals of the content stream).

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
MAX_PATH_OBJECTS = 20_000  # per page: more drawing than any report; the rest is not read (no ruling lines then)
MAX_SEGMENTS = 200_000  # path segments per page, for the same reason
MAX_FORM_DEPTH = 8


def _r(v: float) -> float:
    return round(v, 4)


class PageData:
    """What one page holds, copied out of PDFium: its size, rotation, characters and path objects (dicts)."""

    __slots__ = ("number", "width", "height", "chars", "lines", "rects", "curves", "truncated")

    def __init__(self, number: int, width: float, height: float):
        self.number = number
        self.width = width
        self.height = height
        self.chars: list[dict] = []
        self.lines: list[dict] = []
        self.rects: list[dict] = []
        self.curves: list[dict] = []
        self.truncated = False  # drawing objects beyond the caps were left out


def open_document(data: bytes) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(data)


def page_count(doc: pdfium.PdfDocument) -> int:
    return len(doc)


def read_page(doc: pdfium.PdfDocument, index: int) -> PageData:
    """Characters and paths of page ``index`` (0-based).  Call with :data:`LOCK` held."""
    page = doc[index]
    try:
        rot = R.FPDFPage_GetRotation(page.raw) % 4
        left, b, r, t = page.get_mediabox()
        w, h = r - left, t - b
        if rot in (1, 3):
            w, h = h, w
        # pdfminer's device transform: MediaBox origin at 0,0 and the page turned upright
        ctm = {
            0: (1, 0, 0, 1, -left, -b),
            1: (0, -1, 1, 0, -b, r),
            2: (-1, 0, 0, -1, r, t),
            3: (0, 1, -1, 0, t, -left),
        }[rot]
        data = PageData(index + 1, _r(w), _r(h))
        _chars(page, data, ctm)
        budget.check()
        _paths(page, data, ctm)
        return data
    finally:
        page.close()


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


def _chars(page: pdfium.PdfPage, data: PageData, ctm) -> None:
    tp = R.FPDFText_LoadPage(page.raw)
    if not tp:
        return
    try:
        n = R.FPDFText_CountChars(tp)
        if n <= 0:
            return
        buf = ctypes.create_string_buffer((n + 1) * 2)
        got = R.FPDFText_GetText(tp, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
        units = buf.raw[: max(0, got - 1) * 2].decode("utf-16-le", errors="surrogatepass")
        rect = R.FS_RECTF()
        m = R.FS_MATRIX()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        fonts: dict[int, tuple[str, float]] = {}
        height = data.height
        identity = ctm[:4] == (1, 0, 0, 1)
        out = data.chars
        pending_high = None
        for i in range(min(n, len(units))):
            if i % 4096 == 0:
                budget.check()
            u = units[i]
            if R.FPDFText_IsGenerated(tp, i) == 1:
                continue
            if "\ud800" <= u <= "\udbff":  # a character outside the BMP comes as two UTF-16 units
                pending_high = u
                continue
            if pending_high is not None:
                high, pending_high = pending_high, None
                if "\udc00" <= u <= "\udfff":
                    u = (high + u).encode("utf-16-le", "surrogatepass").decode("utf-16-le")
            if u in ("\r", "\n", "\x00", "\ufffe", "\uffff"):
                continue
            obj = R.FPDFText_GetTextObject(tp, i)
            key = ctypes.cast(obj, ctypes.c_void_p).value or 0
            info = fonts.get(key)
            if info is None:
                info = (_font_name(obj), R.FPDFText_GetFontSize(tp, i))
                fonts[key] = info
            fontname, fs = info
            if not R.FPDFText_GetLooseCharBox(tp, i, rect):
                continue
            R.FPDFText_GetMatrix(tp, i, m)
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
            x0, x1, y0, y1 = _r(x0), _r(x1), _r(y0), _r(y1)
            top = _r(height - y1)
            bottom = _r(height - y0)
            out.append(
                {
                    "text": u,
                    "fontname": fontname,
                    "size": _r(size),
                    "adv": _r(x1 - x0),
                    "upright": upright,
                    "x0": x0,
                    "x1": x1,
                    "y0": y0,
                    "y1": y1,
                    "top": top,
                    "bottom": bottom,
                    "doctop": top,
                    "width": _r(x1 - x0),
                    "height": _r(y1 - y0),
                    "object_type": "char",
                    "page_number": data.number,
                }
            )
    finally:
        R.FPDFText_ClosePage(tp)


def _font_name(obj) -> str:
    if not obj:
        return ""
    font = R.FPDFTextObj_GetFont(obj)
    if not font:
        return ""
    size = R.FPDFFont_GetBaseFontName(font, None, 0)
    if size <= 0:
        return ""
    buf = ctypes.create_string_buffer(size)
    R.FPDFFont_GetBaseFontName(font, buf, size)
    return buf.value.decode("utf-8", errors="replace")


def _paths(page: pdfium.PdfPage, data: PageData, ctm) -> None:
    counts = [0, 0]  # path objects, segments
    stack: list[tuple[Any, int, tuple, int]] = []  # (container, is_form, matrix, depth)
    stack.append((page.raw, 0, ctm, 0))
    fm = R.FS_MATRIX()
    while stack:
        container, is_form, matrix, depth = stack.pop()
        n = R.FPDFFormObj_CountObjects(container) if is_form else R.FPDFPage_CountObjects(container)
        for i in range(max(0, n)):
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


def _color(getter, obj) -> tuple | None:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(obj, r, g, b, a):
        return None
    return (r.value / 255, g.value / 255, b.value / 255)


def _path(obj, outer, data: PageData) -> int:
    """Add the line / rect / curve objects of one PDFium path object; return its number of segments."""
    n = R.FPDFPath_CountSegments(obj)
    if n <= 0:
        return 0
    pm = R.FS_MATRIX()
    R.FPDFPageObj_GetMatrix(obj, pm)
    m = _mul((pm.a, pm.b, pm.c, pm.d, pm.e, pm.f), outer)
    fillmode, stroke = ctypes.c_int(), ctypes.c_int()
    R.FPDFPath_GetDrawMode(obj, fillmode, stroke)
    width = ctypes.c_float()
    R.FPDFPageObj_GetStrokeWidth(obj, width)
    common = {
        "linewidth": _r(width.value),
        "stroke": bool(stroke.value),
        "fill": fillmode.value != 0,
        "evenodd": fillmode.value == R.FPDF_FILLMODE_ALTERNATE,
        "stroking_color": _color(R.FPDFPageObj_GetStrokeColor, obj),
        "non_stroking_color": _color(R.FPDFPageObj_GetFillColor, obj),
    }
    # to pdfminer's operator string: m, l, c (a Bézier's three points as one operator), h (close)
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths: list[tuple[list[str], list[tuple[float, float]]]] = []
    ops: list[str] = []
    pts: list[tuple[float, float]] = []
    bezier = 0
    for i in range(n):
        seg = R.FPDFPath_GetPathSegment(obj, i)
        kind = R.FPDFPathSegment_GetType(seg)
        R.FPDFPathSegment_GetPoint(seg, x, y)
        p = _apply(m, x.value, y.value)
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
        if R.FPDFPathSegment_GetClose(seg) and ops:
            ops.append("h")
            pts.append(pts[0])
    if ops:
        subpaths.append((ops, pts))
    for ops, pts in subpaths:
        _classify("".join(ops), pts, common, data)
    return n


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
