"""DOCX (Word 2007+): paragraphs become lines, tables become pipe rows, in document order.

The body is walked element by element (``w:p``, ``w:tbl``, content controls ``w:sdt`` and ``w:customXml``
unwrapped), so paragraphs and tables stay interleaved as in the document.  python-docx opens the package (and
rejects what is not a Word document); the walk itself reads the WordprocessingML directly because python-docx's
``table.rows[i].cells`` hides how cells are merged:

- ``w:gridSpan`` (and legacy ``w:hMerge``) is a colspan: the cell, then (span - 1) empty cells;
- ``w:vMerge`` continuation cells repeat the text of the cell that starts the merge when it is a label and stay
  empty when it is a number (the same rule as the HTML and PDF readers);
- ``w:gridBefore`` gives leading empty cells so the columns stay aligned.

Paragraph text: ``w:t``, tabs, soft line breaks (``w:br`` starts a new line of the same paragraph), field results
(not field codes), inserted text (not deleted text); text boxes follow their paragraph as lines of their own.
Automatic numbering (``一、`` / ``（一）`` / ``1.`` made by Word's list numbering rather than typed) is rendered
from numbering.xml for the common formats, because a heading's number often exists only there.

Positions are line:col in the extracted text; ``line_info`` gives ``{"block": "paragraph 12"}`` or
``{"block": "table 2 row 3"}`` (1-based; paragraphs are counted among the body's paragraphs, empty ones included).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from ..i18n import Msg
from ..source import ReadError, Source
from . import bad_input

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_STRIP = " \t\n\r\f\v\xa0\u3000\u2002\u2003\u2009\u200b\ufeff"
_MAX_UNZIPPED = 256 * 1024 * 1024
_MAX_LINES = 200_000


def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _TBL, _TR, _TC, _SDT, _SDTCONTENT, _CUSTOMXML, _RUN = (
    _q(t) for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent", "customXml", "r")
)
_SKIP_IN_PARA = {
    _q(t)
    for t in (
        "pPr",
        "rPr",
        "del",
        "moveFrom",
        "delText",
        "instrText",
        "fldData",
        "footnoteReference",
        "endnoteReference",
        "commentReference",
        "annotationRef",
    )
}
_SKIP_IN_PARA.add(f"{{{_MC}}}Fallback")
_VAL = _q("val")
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ALTCHUNK = _q("altChunk")


def read(path: str, data: bytes) -> Source:
    with bad_input("DOCX"):
        return _read(path, data)


def _read(path: str, data: bytes) -> Source:
    if not data:
        raise ReadError(Msg("read.empty"))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(Msg("read.docx-ole"))
    if not data.startswith(b"PK"):
        raise ReadError(Msg("read.docx-not-zip"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            if "word/document.xml" not in names and "[Content_Types].xml" not in names:
                raise ReadError(Msg("read.docx-no-word"))
            if sum(i.file_size for i in infos) > _MAX_UNZIPPED:
                raise ReadError(Msg("read.docx-big"))
            bad = z.testzip()
            if bad is not None:
                raise ReadError(Msg("read.docx-damaged-part", part=bad))
    except zipfile.BadZipFile as e:
        raise ReadError(Msg("read.docx-bad-zip", detail=e)) from None

    import docx  # python-docx, imported only when a DOCX is read

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:
        msg = str(e)
        if "content type" in msg.lower() or "not a Word file" in msg:
            raise ReadError(Msg("read.docx-other-office")) from None
        raise ReadError(Msg("read.corrupt", what="DOCX", detail=f"{type(e).__name__}: {msg}")) from None
    walker = _Walker(document)
    walker.blocks(document.element.body)
    lines = walker.lines
    if not any(t.strip(_STRIP) for t, _ in lines):
        raise ReadError(Msg("read.docx-no-text"))
    text = "\n".join(t for t, _ in lines)
    info = {i: {"block": b} for i, (_, b) in enumerate(lines, 1)}
    return Source(path=path, text=text, kind="docx", line_info=info, cells=walker.cells)


def anchors(document) -> dict:
    """The elements of an open python-docx ``document`` by the block names the reader gives its lines, found by
    the reader's own walk: ``"paragraph N"`` -> its ``w:p``; ``"table N row R"`` -> ``(w:tr, [w:tc per grid
    column])``.  What ``nblint annotate`` anchors its comments on."""
    return walk(document).anchors or {}


def walk(document) -> _Walker:
    """The reader's walk over an open python-docx ``document``, keeping the elements: ``anchors`` (see
    :func:`anchors`) and ``chars`` (text line -> the run and run character of each character of a paragraph's
    line)."""
    walker = _Walker(document, anchors=True)
    walker.blocks(document.element.body)
    return walker


def _grid_cells(tr, tcs) -> list:
    """The ``w:tc`` of every grid column of a row (a cell spanning columns is listed once per column; the columns
    before ``w:gridBefore`` are None)."""
    out: list = [None] * _grid_before(tr)
    for tc in tcs:
        out.extend([tc] * _span(tc))
    return out


class _Walker:
    def __init__(self, document, anchors: bool = False):
        self.anchors: dict | None = {} if anchors else None
        # with anchors: 1-based line of a paragraph's text -> (w:r, index among the run's characters) or None per
        # character of the line (the numbering label Word draws has no run)
        self.chars: dict[int, list] = {}
        self.cells: dict[int, list[int]] = {}
        self.lines: list[tuple[str, str]] = []
        self.n_para = 0
        self.n_table = 0
        self.numbering = _Numbering(document)
        self.part = document.part
        self.n_chunk = 0

    def emit(self, text: str, block: str) -> bool:
        text = text.strip(_STRIP)
        if text:
            if len(self.lines) >= _MAX_LINES:
                raise ReadError(Msg("read.docx-lines"))
            self.lines.append((text, block))
            return True
        return False

    # -- body --------------------------------------------------------------------------------------------------
    def blocks(self, parent, label: str | None = None):
        for el in _unwrap(parent, (_P, _TBL, _ALTCHUNK)):
            if el.tag == _ALTCHUNK:
                self.alt_chunk(el, label)
            elif el.tag == _P:
                if label is None:
                    self.n_para += 1
                block = label or f"paragraph {self.n_para}"
                if self.anchors is not None and label is None:
                    self.anchors[block] = el
                origins: list | None = [] if self.anchors is not None else None
                segments, boxes = _para_text(el, origins)
                prefix = self.numbering.label(el)
                if prefix and segments and any(s.strip(_STRIP) for s in segments):
                    if origins is not None:
                        lead = len(segments[0]) - len(segments[0].lstrip(_STRIP))
                        origins[0] = [None] * len(prefix) + origins[0][lead:]
                    segments[0] = prefix + segments[0].lstrip(_STRIP)
                for k, seg in enumerate(segments):
                    if self.emit(seg, block) and origins is not None:
                        lead = len(seg) - len(seg.lstrip(_STRIP))
                        self.chars[len(self.lines)] = origins[k][lead : lead + len(self.lines[-1][0])]
                for box in boxes:
                    self.blocks(box, block)
            else:
                self.table(el, label)

    def alt_chunk(self, el, label: str | None):
        """Content imported as an HTML "alternative format chunk" (some CMS exports put the whole report there)."""
        self.n_chunk += 1
        rid = el.get(f"{{{_R}}}id")
        try:
            part = self.part.related_parts[rid]
        except Exception:
            return
        if "html" not in (getattr(part, "content_type", "") or ""):
            return
        from .html import read as read_html

        try:
            src = read_html("chunk.html", part.blob)
        except ReadError:
            return
        for line in src.text.split("\n"):
            if line.strip(_STRIP):
                self.lines.append((line, label or f"chunk {self.n_chunk}"))

    def table(self, tbl, label: str | None):
        if label is None:
            self.n_table += 1
            name = f"table {self.n_table}"
        else:
            name = label
        rows = [tr for tr in _unwrap(tbl, (_TR,))]
        grid = [[tc for tc in _unwrap(tr, (_TC,))] for tr in rows]
        props = [[_cell_props(tc) for tc in tcs] for tcs in grid]  # (span, vMerge, hMerge) of every cell
        single = all(sum(p[0] for p in ps) <= 1 for ps in props)
        merges: dict[int, str] = {}  # grid column -> text of the cell that starts a vertical merge there
        for r, (tr, tcs, ps) in enumerate(zip(rows, grid, props), 1):
            block = name if label is not None else f"{name} row {r}"
            if self.anchors is not None and label is None:
                self.anchors[block] = (tr, _grid_cells(tr, tcs))
            if single:
                for tc in tcs:
                    self.blocks(tc, block)
                continue
            cells: list[str] = []
            col = _grid_before(tr)
            cells.extend([""] * col)
            for tc, (span, vm, hm) in zip(tcs, ps):
                text = _cell_text(tc)
                if vm == "continue":
                    above = merges.get(col)
                    if above is not None:
                        text = above if _is_text(above) else ""
                elif vm == "restart":
                    merges[col] = text
                else:
                    merges.pop(col, None)
                if hm == "continue":
                    text = ""
                cells.append(text)
                cells.extend([""] * (span - 1))
                col += span
            if len(cells) > 1 or any(cells):
                if len(self.lines) >= _MAX_LINES:
                    raise ReadError(Msg("read.docx-lines"))
                starts, at = [], 0
                for c in cells:
                    starts.append(at)
                    at += len(c) + 3  # " | "
                self.cells[len(self.lines) + 1] = starts
                self.lines.append((" | ".join(cells), block))


def _unwrap(parent, wanted: tuple[str, ...]):
    """Children of ``parent`` with a tag in ``wanted``, looking through content controls and custom XML."""
    for el in parent:
        tag = el.tag
        if tag in wanted:
            yield el
        elif tag == _SDT:
            content = el.find(_SDTCONTENT)
            if content is not None:
                yield from _unwrap(content, wanted)
        elif tag == _CUSTOMXML or tag == _q("smartTag"):
            yield from _unwrap(el, wanted)


class _Mark:
    """An atom that is not characters: a line break, a text box (read later, on its own)."""


_BREAK, _BOX = _Mark(), _Mark()
_ATOMS: dict[str, str | _Mark] = {
    _q("tab"): "\t",
    _q("ptab"): "\t",
    _q("noBreakHyphen"): "-",
    _q("softHyphen"): "",
    _q("br"): _BREAK,
    _q("cr"): _BREAK,
    _q("txbxContent"): _BOX,
}
_T = _q("t")


def _atoms(root) -> Iterator[tuple[Any, str | _Mark]]:
    """What the text of ``root`` (a paragraph or a run) is made of, in order, as ``(element, what)``: a ``w:t``
    gives its text, a tab one tab, a no-break hyphen a hyphen, a soft hyphen nothing, a line break ``_BREAK``, a
    text box ``_BOX`` (not entered), a paragraph nested somewhere unusual ``_BREAK`` before its own atoms;
    skipped parts (deleted text, field codes …) give nothing.  The one walk that both the reader
    (:func:`_para_text`) and the annotator (:func:`run_chars`) count characters with."""
    stack = [iter(root)]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
            continue
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIP_IN_PARA:
            continue
        if tag == _T:
            yield el, el.text or ""
        elif tag in _ATOMS:
            yield el, _ATOMS[tag]
        else:
            if tag == _P:
                yield el, _BREAK
            stack.append(iter(el))


def _para_text(p, origins: list | None = None) -> tuple[list[str], list]:
    """The text of a paragraph split at line breaks, and the text boxes anchored in it.  With ``origins`` (a
    list), it receives one list per segment with, for every character, ``(w:r, k)``: the run it comes from and
    the character's index among that run's characters (:func:`run_chars` counts them the same way), or None."""
    segments: list[list[str]] = [[]]
    if origins is not None:
        origins.append([])
    used: dict = {}  # run -> characters of it so far
    boxes: list = []
    for el, what in _atoms(p):
        if what is _BOX:
            boxes.append(el)
        elif what is _BREAK:
            segments.append([])
            if origins is not None:
                origins.append([])
        elif isinstance(what, str) and what:
            segments[-1].append(what)
            if origins is not None:
                r = el.getparent()
                if r is None or r.tag != _RUN:
                    origins[-1].extend([None] * len(what))
                    continue
                k = used.get(r, 0)
                origins[-1].extend((r, k + i) for i in range(len(what)))
                used[r] = k + len(what)
    return ["".join(s) for s in segments], boxes


def run_chars(r) -> list[tuple[Any, int]]:
    """The characters a run contributes to the text, as ``(child element, index in its text)``: what
    :func:`_para_text` counts as the run's characters 0, 1, 2 … (the same :func:`_atoms`)."""
    return [(el, i) for el, what in _atoms(r) if isinstance(what, str) for i in range(len(what))]


def _cell_text(tc) -> str:
    parts = []
    for p in tc.iter(_P):
        segs, _ = _para_text(p)
        parts.append("".join(segs))
    return "".join(parts).strip(_STRIP)


def _is_text(s: str) -> bool:
    return any(ch.isalpha() for ch in s)


def _int(el, default: int = 1) -> int:
    if el is None:
        return default
    m = re.match(r"\d+", el.get(_VAL, "") or "")
    return int(m.group()) if m else default


_TCPR, _GRIDSPAN_TAG, _VMERGE_TAG, _HMERGE_TAG = (_q(t) for t in ("tcPr", "gridSpan", "vMerge", "hMerge"))
_GRIDBEFORE = f"{_q('trPr')}/{_q('gridBefore')}"


def _cell_props(tc) -> tuple[int, str | None, str | None]:
    """A cell's grid span (1–64) and its vertical and horizontal merge ("restart", "continue" or None), from one
    pass over its properties."""
    span, vm, hm = 1, None, None
    pr = tc.find(_TCPR)
    if pr is not None:
        for el in pr:
            tag = el.tag
            if tag == _GRIDSPAN_TAG:
                span = max(1, min(_int(el), 64))
            elif tag == _VMERGE_TAG:
                vm = "restart" if el.get(_VAL) == "restart" else "continue"
            elif tag == _HMERGE_TAG:
                hm = "restart" if el.get(_VAL) == "restart" else "continue"
    return span, vm, hm


def _span(tc) -> int:
    return _cell_props(tc)[0]


def vmerge(tc) -> str | None:
    """A cell's vertical merge: "restart", "continue" or None."""
    return _cell_props(tc)[1]


def _grid_before(tr) -> int:
    return max(0, min(_int(tr.find(_GRIDBEFORE), 0), 64))


# ---------------------------------------------------------------------------------------------------------------
# automatic numbering

_CN_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def _letters(n: int, upper: bool) -> str:
    if n <= 0:
        return str(n)
    ch = chr(ord("A" if upper else "a") + (n - 1) % 26)
    return ch * ((n - 1) // 26 + 1)


def _roman(n: int, upper: bool) -> str:
    if not 0 < n < 4000:
        return str(n)
    vals = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ]
    out = []
    for v, s in vals:
        while n >= v:
            out.append(s)
            n -= v
    r = "".join(out)
    return r if upper else r.lower()


def _format(n: int, fmt: str) -> str:
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "chineseLegalSimplified",
        "ideographDigital",
        "japaneseCounting",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
    ):
        s = _chinese(n)
        if fmt == "chineseLegalSimplified":
            s = s.translate(str.maketrans("一二三四五六七八九十", "壹贰叁肆伍陆柒捌玖拾"))
        return s
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "upperLetter":
        return _letters(n, True)
    if fmt == "lowerLetter":
        return _letters(n, False)
    if fmt == "upperRoman":
        return _roman(n, True)
    if fmt == "lowerRoman":
        return _roman(n, False)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class _Numbering:
    """Renders the labels of Word's automatic numbering (direct ``w:numPr`` or through the paragraph style)."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, dict]] = {}  # numId -> ilvl -> {start, fmt, text, suff}
        self.abstract_of: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        try:
            self._load(document)
        except Exception:
            self.levels = {}

    def _load(self, document):
        part = document.part
        try:
            numbering = part.numbering_part.element
        except Exception:
            return
        abstract: dict[str, dict[int, dict]] = {}
        for an in numbering.findall(_q("abstractNum")):
            aid = an.get(_q("abstractNumId"))
            lv = {}
            for lvl in an.findall(_q("lvl")):
                il = int(lvl.get(_q("ilvl"), "0") or 0)
                fmt = lvl.find(_q("numFmt"))
                txt = lvl.find(_q("lvlText"))
                suff = lvl.find(_q("suff"))
                lv[il] = {
                    "start": _int(lvl.find(_q("start")), 1),
                    "fmt": fmt.get(_VAL, "decimal") if fmt is not None else "decimal",
                    "text": txt.get(_VAL, "") if txt is not None else "",
                    "suff": suff.get(_VAL, "tab") if suff is not None else "tab",
                }
            abstract[aid] = lv
        for num in numbering.findall(_q("num")):
            nid = num.get(_q("numId"))
            ref = num.find(_q("abstractNumId"))
            aid = ref.get(_VAL) if ref is not None else None
            lv = {k: dict(v) for k, v in abstract.get(aid, {}).items()}
            for ov in num.findall(_q("lvlOverride")):
                il = int(ov.get(_q("ilvl"), "0") or 0)
                so = ov.find(_q("startOverride"))
                if so is not None and il in lv:
                    lv[il]["start"] = _int(so, 1)
            self.levels[nid] = lv
            self.abstract_of[nid] = aid or nid
        try:
            styles = part.styles.element
        except Exception:
            return
        based: dict[str, str] = {}
        direct: dict[str, tuple[str | None, int | None]] = {}
        for st in styles.findall(_q("style")):
            sid = st.get(_q("styleId"))
            b = st.find(_q("basedOn"))
            if b is not None:
                based[sid] = b.get(_VAL)
            numpr = st.find(f"{_q('pPr')}/{_q('numPr')}")
            if numpr is not None:
                nid = numpr.find(_q("numId"))
                il = numpr.find(_q("ilvl"))
                direct[sid] = (nid.get(_VAL) if nid is not None else None, _int(il, 0) if il is not None else None)
        for sid in set(direct) | set(based):
            seen, cur = set(), sid
            nid, il = None, None
            while cur and cur not in seen:
                seen.add(cur)
                if cur in direct:
                    n2, i2 = direct[cur]
                    nid = nid or n2
                    il = il if il is not None else i2
                cur = based.get(cur)
            if nid:
                self.style_num[sid] = (nid, il or 0)

    def label(self, p) -> str:
        if not self.levels:
            return ""
        ppr = p.find(_q("pPr"))
        nid, il = None, None
        if ppr is not None:
            numpr = ppr.find(_q("numPr"))
            if numpr is not None:
                n = numpr.find(_q("numId"))
                i = numpr.find(_q("ilvl"))
                nid = n.get(_VAL) if n is not None else None
                il = _int(i, 0) if i is not None else None
            if nid is None:
                ps = ppr.find(_q("pStyle"))
                if ps is not None and ps.get(_VAL) in self.style_num:
                    nid, il2 = self.style_num[ps.get(_VAL)]
                    il = il if il is not None else il2
        if not nid or nid == "0" or nid not in self.levels:
            return ""
        il = il or 0
        levels = self.levels[nid]
        if il not in levels:
            return ""
        key = self.abstract_of.get(nid, nid)
        counters = self.counters.setdefault(key, {})
        counters[il] = counters.get(il, levels[il]["start"] - 1) + 1
        for deeper in [k for k in counters if k > il]:
            del counters[deeper]
        lvl = levels[il]
        if lvl["fmt"] in ("bullet", "none"):
            return ""

        def sub(m):
            k = int(m.group(1)) - 1
            if k not in levels:
                return ""
            n = counters.get(k, levels[k]["start"])
            return _format(n, levels[k]["fmt"] if k == il or levels[k]["fmt"] != "bullet" else "decimal")

        text = re.sub(r"%([1-9])", sub, lvl["text"])
        if not text:
            return ""
        return (
            text + {"tab": " ", "space": " ", "nothing": ""}.get(lvl["suff"], " ")
            if not text.endswith(("、", "）", ")", "．", "。"))
            else text
        )
