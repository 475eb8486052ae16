"""``nblint annotate``: the author's own document with the problems marked, for people who work in Word or a PDF viewer.

- DOCX → ``*.nblint.docx``: one Word comment (批注) per diagnostic, anchored on the paragraph or table cell it points
  at (python-docx's comments API).  The paragraph or row is found by the DOCX reader's own walk
  (:func:`nblint.readers.docx.anchors`), under the block name the diagnostic's ``where`` carries, so the comment sits
  where the reader read the text.
- PDF → ``*.nblint.pdf``: one highlight annotation per diagnostic over the characters it points at, with the
  comment as its note (pypdf).  The character boxes are those the PDF reader kept for every character of the text
  (``Source.char_boxes``), indexed by the diagnostic's offsets.
- HTML, Markdown, text → ``*.nblint.html``: the text nblint read, on one self-contained page (no scripts, no
  external resources), with each problem marked and listed.

The original file is never written.  The comment text is the code, the message, and the fix when there is one.
:func:`annotate_bytes` is the API (``nblint serve`` calls it); :func:`run` is the command.
"""

from __future__ import annotations

import html
import io
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, place_text
from ..i18n import LANGS, STRINGS, severity_word, t
from ..source import QUOTE_CHARS, ReadError, Source

AUTHOR = "nblint"
HIGHLIGHT = {"error": "ff6b6b", "warning": "ffd43b", "info": "74c0fc"}  # PDF highlight colours by severity

# ----------------------------------------------------------------------------------------------------------------
# the API


def output_name(filename: str) -> str:
    """The annotated copy's file name: ``报告.docx`` → ``报告.nblint.docx``, ``报告.pdf`` → ``报告.nblint.pdf``,
    anything else → ``<stem>.nblint.html``."""
    p = Path(filename or "report")
    ext = p.suffix.lower()
    return f"{p.stem}.nblint{ext}" if ext in (".docx", ".pdf") else f"{p.stem}.nblint.html"


def annotate_bytes(
    data: bytes,
    filename: str,
    diagnostics: Iterable[Diagnostic],
    source: Source | None = None,
    lang: str = "zh",
    read: bool = True,
) -> tuple[bytes, str]:
    """The annotated copy of the file ``data`` (named ``filename``) with ``diagnostics`` (from linting that file)
    marked, and the copy's file name (:func:`output_name`).

    ``source``: the :class:`Source` the diagnostics were computed from (its character boxes place PDF highlights,
    its text is what the HTML page shows); when None and ``read`` is true the file is read again here, when None and
    ``read`` is false (or the file cannot be read as a report) a PDF gets its notes by page, a DOCX its comments by
    paragraph or cell (the diagnostics' ``where``) and a text file is decoded as UTF-8.  Raises :class:`ReadError`
    when the file cannot be opened as what its name says."""
    diags = sorted(diagnostics, key=lambda d: (d.offset, d.code))
    name = output_name(filename)
    try:
        return _annotate(data, filename, diags, source, lang, read), name
    except ReadError:
        raise
    except Exception as e:  # a file the reader took but a writer library chokes on: a clear reason, never a crash
        raise ReadError(f"cannot annotate this file: {type(e).__name__}: {e}") from None


def _annotate(
    data: bytes, filename: str, diags: list[Diagnostic], source: Source | None, lang: str, read: bool
) -> bytes:
    ext = Path(filename).suffix.lower()
    if source is None and read:
        from ..readers import read_bytes

        try:
            source = read_bytes(filename, data)
        except ReadError:  # unreadable for the linter (NB001): annotated without it, notes by page
            source = None
    if ext == ".docx":
        return annotate_docx(data, diags, lang, source)
    if ext == ".pdf":
        return annotate_pdf(data, diags, source, lang)
    if source is None:
        source = Source(path=filename, text=data.decode("utf-8", "replace"))
    return annotate_html(source, diags, lang, title=Path(filename).name)


def comment_text(d: Diagnostic, lang: str = "zh") -> str:
    """What a comment says: 「NB204 [错误] 表三行标签…」 and, on a line of its own, the fix (「修改：改为「…」」)."""
    text = f"{d.code} [{_severity(d.severity, lang)}] {d.message}"
    fix = d.fix.description if d.fix is not None else (d.extra or {}).get("suggestion")
    if fix and fix != d.message:
        text += "\n" + t("annotate.fix", lang) + fix
    return text


def _severity(severity: str, lang: str) -> str:
    return severity_word(severity, lang) if f"severity.{severity}" in STRINGS else severity


# ----------------------------------------------------------------------------------------------------------------
# DOCX: Word comments


def annotate_docx(
    data: bytes, diagnostics: Sequence[Diagnostic], lang: str = "zh", source: Source | None = None
) -> bytes:
    """Word comments on the runs of each diagnostic's paragraph or table cell.  With the ``source`` the
    diagnostics were computed from, a diagnostic inside a paragraph covers just its own characters: the reader's
    walk says which run (and which of its characters) every character of a paragraph's line comes from, and the
    runs are split where a comment starts or ends."""
    import docx
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

    from ..readers.docx import walk

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:
        raise ReadError(f"not a DOCX file that can be annotated: {type(e).__name__}: {e}") from None
    walker = walk(document)
    found = walker.anchors or {}
    body = document._body
    plans = []
    for d in diagnostics:
        elements = _docx_target(found, d.where or {})
        if not elements:  # the document as a whole (year unknown, no report title): its first paragraph with text
            first = next((p for p in document.paragraphs if p.text.strip()), None)
            if first is None:
                first = document.paragraphs[0] if document.paragraphs else document.add_paragraph()
            elements = [first._p]
        chars = _docx_chars(walker, source, d) if "paragraph" in (d.where or {}) else None
        plans.append((d, elements, chars))
    # split the runs where a comment starts or ends, then anchor every comment on its pieces
    cuts: dict = {}
    for _, _, chars in plans:
        if chars:
            (r0, k0), (r1, k1) = chars[0], chars[-1]
            cuts.setdefault(r0, set()).add(k0)
            cuts.setdefault(r1, set()).add(k1 + 1)
    pieces = {r: _split_run(r, ks) for r, ks in cuts.items()}

    def piece(r, k):
        return next(el for start, el in reversed(pieces[r]) if start <= k)

    for d, elements, chars in plans:
        if chars:
            first_r, last_r = piece(*chars[0]), piece(*chars[-1])
            anchor = [Run(first_r, Paragraph(elements[0], body)), Run(last_r, Paragraph(elements[0], body))]
        else:
            runs = [r for p in elements for r in _text_runs(p)]
            if runs:
                anchor = [Run(runs[0], Paragraph(elements[0], body)), Run(runs[-1], Paragraph(elements[-1], body))]
            else:  # an empty paragraph or cell: an empty run to hang the comment on
                anchor = [Paragraph(elements[0], body).add_run("")]
        document.add_comment(anchor, text=comment_text(d, lang), author=AUTHOR, initials="NB")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_chars(walker, source: Source | None, d: Diagnostic) -> list | None:
    """``(w:r, k)`` of the characters a diagnostic in a paragraph covers (a point: what its quote shows), or None
    when they are not known (no source; the line is not the one the walk read; text outside any run)."""
    if source is None:
        return None
    line, _ = source.lines.line_col(d.offset)
    line_chars = walker.chars.get(line)
    if not line_chars or line > len(walker.lines) or walker.lines[line - 1][0] != source.lines.line_text(line):
        return None
    ls, le = source.lines.line_span(line)
    a = d.offset - ls
    b = min(d.end_offset, le) - ls
    if b <= a:
        b = min(le - ls, a + QUOTE_CHARS)
    picked = [c for c in line_chars[a:b] if c is not None]
    if not picked or any(_in_text_box(r) for r, _ in (picked[0], picked[-1])):
        return None
    if picked[0][0].getparent() is not picked[-1][0].getparent() and _ancestor_p(picked[0][0]) is not _ancestor_p(
        picked[-1][0]
    ):
        return None
    return picked


def _in_text_box(r) -> bool:
    from docx.oxml.ns import qn

    box = qn("w:txbxContent")
    return any(a.tag == box for a in r.iterancestors())


def _ancestor_p(r):
    from docx.oxml.ns import qn

    p = qn("w:p")
    return next((a for a in r.iterancestors() if a.tag == p), None)


def _split_run(r, ks: set[int]) -> list[tuple[int, Any]]:
    """Split the run ``r`` before each of its characters ``ks`` (indices as :func:`run_chars` counts them) into
    runs of the same formatting, in place; returns ``(first character, run)`` for every piece, in order."""
    from ..readers.docx import run_chars

    n = len(run_chars(r))
    pieces = [(0, r)]
    for k in sorted((k for k in ks if 0 < k < n), reverse=True):  # from the end: r keeps its first k characters
        pieces.insert(1, (k, _split_at(r, k)))
    return pieces


def _split_at(r, k: int):
    """Cut run ``r`` before its ``k``-th character: ``r`` keeps the characters before it, a copy with the same
    properties (``w:rPr``) holding the rest is inserted right after ``r`` and returned."""
    import copy

    from docx.oxml.ns import qn

    from ..readers.docx import run_chars

    el, i = run_chars(r)[k]
    order = list(r.iter())
    tail = copy.deepcopy(r)
    tail_el = list(tail.iter())[order.index(el)]
    rpr = qn("w:rPr")
    space = "{http://www.w3.org/XML/1998/namespace}space"
    # the head: nothing after the cut
    node = el
    while node is not r:
        for sib in list(node.itersiblings()):
            node.getparent().remove(sib)
        node = node.getparent()
    text = el.text or ""
    if i > 0:
        el.text = text[:i]
        el.set(space, "preserve")
    else:
        el.getparent().remove(el)
    # the tail: nothing before the cut but the run's properties
    node = tail_el
    while node is not tail:
        for sib in list(node.itersiblings(preceding=True)):
            if not (node.getparent() is tail and sib.tag == rpr):
                node.getparent().remove(sib)
        node = node.getparent()
    if i > 0:
        tail_el.text = text[i:]
        tail_el.set(space, "preserve")
    r.addnext(tail)
    return tail


def _docx_target(found: dict, where: dict) -> list:
    """The ``w:p`` elements a diagnostic's comment covers: its paragraph, its table cell, or its whole row."""
    from ..readers.docx import vmerge

    if "paragraph" in where:
        p = found.get(f"paragraph {where['paragraph']}")
        return [p] if p is not None else []
    if "table" in where and "row" in where:
        hit = found.get(f"table {where['table']} row {where['row']}")
        if hit is None:
            return []
        tr, cells = hit
        from docx.oxml.ns import qn

        cell: int = where.get("cell") or 0
        tcs = [cells[cell - 1]] if cell and 0 < cell <= len(cells) and cells[cell - 1] is not None else None
        if tcs is not None and vmerge(tcs[0]) == "continue":
            # a cell merged with the ones above it (a label written once down several rows): the cell that starts
            # the merge holds the text the reader repeated
            for r in range(where["row"] - 1, 0, -1):
                above = found.get(f"table {where['table']} row {r}")
                if above is None or cell > len(above[1]) or above[1][cell - 1] is None:
                    break
                if vmerge(above[1][cell - 1]) != "continue":
                    tcs = [above[1][cell - 1]]
                    break
        if tcs is None:
            tcs = [tc for tc in dict.fromkeys(cells) if tc is not None]
        return [p for tc in tcs for p in tc.iter(qn("w:p"))]
    return []


def _text_runs(p) -> list:
    """The runs of a paragraph that carry its text (also inside hyperlinks, insertions, fields, content controls),
    not those of text boxes anchored in it."""
    from docx.oxml.ns import qn

    r_tag, box = qn("w:r"), qn("w:txbxContent")
    out = []
    for r in p.iter(r_tag):
        up = r.getparent()
        inside_box = False
        while up is not None and up is not p:
            if up.tag == box or up.tag == r_tag:
                inside_box = True
                break
            up = up.getparent()
        if not inside_box and r.getparent().tag != qn("w:del"):
            out.append(r)
    return out


# ----------------------------------------------------------------------------------------------------------------
# PDF: highlights with notes

Box = tuple[int, float, float, float, float]


def annotate_pdf(data: bytes, diagnostics: Sequence[Diagnostic], source: Source | None, lang: str = "zh") -> bytes:
    import logging

    quiet = logging.getLogger("pypdf")  # "incorrect startxref pointer" and the like: pypdf repairs, we say nothing
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        return _annotate_pdf(data, diagnostics, source, lang)
    finally:
        quiet.setLevel(level)


def _annotate_pdf(data: bytes, diagnostics: Sequence[Diagnostic], source: Source | None, lang: str) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Highlight, Text
    from pypdf.generic import ArrayObject, FloatObject, NameObject, NumberObject, TextStringObject

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        writer = PdfWriter(clone_from=reader)
    except Exception as e:
        raise ReadError(f"not a PDF file that can be annotated: {type(e).__name__}: {e}") from None
    npages = len(writer.pages)
    for k, d in enumerate(diagnostics, 1):
        text = comment_text(d, lang)
        hit = _pdf_boxes(source, d.offset, d.end_offset) if source is not None and source.char_boxes else []
        page_no = hit[0][0] if hit else (d.where or {}).get("page", 1)
        page_no = max(1, min(int(page_no), npages))
        page = writer.pages[page_no - 1]
        to_user = _device_to_user(page)
        annot: Highlight | Text
        if hit:
            quads: list[float] = []
            xs: list[float] = []
            ys: list[float] = []
            for x0, top, x1, bottom in _line_rects([b for b in hit if b[0] == page_no]):
                # upper-left, upper-right, lower-left, lower-right as the text reads (on a turned page too)
                corners = [to_user(x0, top), to_user(x1, top), to_user(x0, bottom), to_user(x1, bottom)]
                for x, y in corners:
                    quads += [x, y]
                    xs.append(x)
                    ys.append(y)
            annot = Highlight(
                rect=(min(xs), min(ys), max(xs), max(ys)),
                quad_points=ArrayObject(FloatObject(round(v, 3)) for v in quads),
                highlight_color=HIGHLIGHT.get(d.severity, "ffd43b"),
                printing=True,
            )
            annot[NameObject("/Contents")] = TextStringObject(text)
        else:  # nothing to highlight (a file-level finding, no boxes): a note in the page's top-left corner
            mb = page.mediabox
            x, y = float(mb.left) + 12, float(mb.top) - 12 - 22 * ((k - 1) % 20)
            annot = Text(rect=(x, y - 18, x + 18, y), text=text)
            annot[NameObject("/F")] = NumberObject(4)
        annot[NameObject("/T")] = TextStringObject(AUTHOR)
        annot[NameObject("/Subj")] = TextStringObject(d.code)
        annot[NameObject("/NM")] = TextStringObject(f"nblint-{k}-{d.code}")
        writer.add_annotation(page_number=page_no - 1, annotation=annot)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_boxes(source: Source, start: int, end: int) -> list[Box]:
    """The boxes of the characters of ``[start, end)``.  A point (where something missing belongs), or a span of
    characters the reader inserted, gets the characters its quote shows: from there to the end of the line (at most
    ``QUOTE_CHARS``); failing that the line before it, then the nearest characters."""
    boxes = source.char_boxes or []
    text = source.text
    n = min(len(boxes), len(text))
    start = max(0, min(start, n))
    end = max(start, min(end, n))
    hit = [b for b in boxes[start:end] if b is not None]
    if hit:
        return hit
    line_end = text.find("\n", start)
    line_end = n if line_end < 0 else min(line_end, n)
    hit = [b for b in boxes[start : min(line_end, start + QUOTE_CHARS)] if b is not None]
    if hit:
        return hit
    line_start = text.rfind("\n", 0, start) + 1
    hit = [b for b in boxes[line_start:start] if b is not None][-QUOTE_CHARS:]
    if hit:
        return hit
    for k in range(1, n):
        for i in (start - k, start + k):
            if 0 <= i < n and boxes[i] is not None:
                return [boxes[i]]  # type: ignore[list-item]
    return []


def _line_rects(boxes: list[Box]) -> list[tuple[float, float, float, float]]:
    """Character boxes merged into one rectangle per text line (boxes in reading order; a box that does not overlap
    the current line vertically, or lies left of it, starts a new one)."""
    rects: list[list[float]] = []
    for _, x0, top, x1, bottom in boxes:
        if rects:
            r = rects[-1]
            overlap = min(r[3], bottom) - max(r[1], top)
            if overlap > 0.5 * min(r[3] - r[1], bottom - top) and x0 >= r[0] - 1:
                r[0], r[1], r[2], r[3] = min(r[0], x0), min(r[1], top), max(r[2], x1), max(r[3], bottom)
                continue
        rects.append([x0, top, x1, bottom])
    return [(a, b, c, e) for a, b, c, e in rects]


def _device_to_user(page):
    """The inverse of the PDF reader's device transform (pdfminer's: MediaBox origin at 0,0, the page turned
    upright, ``top`` measured down from the top): reader coordinates → PDF user space, where annotations live."""
    mb = page.mediabox
    left, b, r, t = float(mb.left), float(mb.bottom), float(mb.right), float(mb.top)
    rot = (int(page.get("/Rotate", 0) or 0) // 90) % 4
    h = (t - b) if rot in (0, 2) else (r - left)
    a_, b_, c_, d_, e_, f_ = {
        0: (1, 0, 0, 1, -left, -b),
        1: (0, -1, 1, 0, -b, r),
        2: (-1, 0, 0, -1, r, t),
        3: (0, 1, -1, 0, t, -left),
    }[rot]
    det = a_ * d_ - b_ * c_

    def to_user(x: float, top: float) -> tuple[float, float]:
        dx, dy = x - e_, (h - top) - f_  # device y measured up; undo the translation, then the rotation
        return (d_ * dx - c_ * dy) / det, (-b_ * dx + a_ * dy) / det

    return to_user


# ----------------------------------------------------------------------------------------------------------------
# HTML / Markdown / text: the text read, with the problems marked

_CSS = """
body{font:15px/1.7 "Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0;color:#222;background:#fafafa}
header{padding:12px 20px;background:#fff;border-bottom:1px solid #ddd}
h1{font-size:18px;margin:0 0 4px}
main{display:flex;gap:16px;padding:16px 20px;align-items:flex-start}
#text{flex:3;background:#fff;border:1px solid #ddd;padding:12px 16px;white-space:pre-wrap;word-break:break-all;
font-family:inherit;margin:0}
#problems{flex:2;position:sticky;top:8px;max-height:95vh;overflow:auto}
#problems ol{padding-left:22px;margin:0}
#problems li{margin:0 0 10px;background:#fff;border:1px solid #ddd;border-left-width:4px;padding:6px 8px}
mark{background:#ffe58f;padding:0 1px;border-bottom:2px solid #d48806}
mark.error{background:#ffd6d6;border-color:#cf1322}
mark.info{background:#d6ecff;border-color:#1677ff}
mark:target,li:target{outline:2px solid #222}
sup.n{font-size:10px;color:#555;margin-left:1px}
li.error{border-left-color:#cf1322}li.warning{border-left-color:#d48806}li.info{border-left-color:#1677ff}
.fix{color:#237804}.place{color:#666;font-size:13px}
"""


def annotate_html(source: Source, diagnostics: Sequence[Diagnostic], lang: str = "zh", title: str = "") -> bytes:
    """A self-contained page: the text nblint read with every diagnostic's span marked (a point gets a marker),
    numbered, and a list of the problems linked to their marks."""
    text = source.text
    n = len(text)
    spans: list[tuple[int, int, int]] = []  # (start, end, number)
    for k, d in enumerate(diagnostics, 1):
        a = max(0, min(d.offset, n))
        spans.append((a, max(a, min(d.end_offset, n)), k))
    cuts = sorted({0, n} | {a for a, _, _ in spans} | {b for _, b, _ in spans})
    points: dict[int, list[int]] = {}
    for a, b, k in spans:
        if a == b:
            points.setdefault(a, []).append(k)
    sev = {k: d.severity for k, d in enumerate(diagnostics, 1)}
    out: list[str] = []
    first_mark: set[int] = set()
    for i, c in enumerate(cuts):
        for k in points.get(c, ()):
            out.append(f'<mark class="{sev[k]}" id="m{k}" title="{k}">▲<sup class="n">{k}</sup></mark>')
        if i + 1 >= len(cuts):
            break
        nxt = cuts[i + 1]
        piece = html.escape(text[c:nxt])
        covering = [k for a, b, k in spans if a <= c and nxt <= b and a < b]
        if covering:
            worst = min(
                covering, key=lambda k: ("error", "warning", "info").index(sev[k]) if sev[k] in HIGHLIGHT else 3
            )
            # the first piece of each span is its anchor (the list links to #m{k}); an element has one id, so a
            # second span starting in the same piece gets an empty anchor of its own
            new = [k for k in covering if k not in first_mark]
            ids = f' id="m{new[0]}"' if new else ""
            out.append("".join(f'<a id="m{k}"></a>' for k in new[1:]))
            first_mark.update(covering)
            label = ",".join(str(k) for k in covering)
            end_labels = "".join(f'<sup class="n">{k}</sup>' for a, b, k in spans if b == nxt and k in covering)
            out.append(f'<mark class="{sev[worst]}"{ids} title="{label}">{piece}</mark>{end_labels}')
        else:
            out.append(piece)
    items = []
    for k, d in enumerate(diagnostics, 1):
        fix = d.fix.description if d.fix is not None else (d.extra or {}).get("suggestion")
        place = place_text(d.where or {}, lang)
        pos = t("annotate.line-col-place" if place else "annotate.line-col", lang, line=d.line, col=d.col, place=place)
        items.append(
            f'<li class="{d.severity}" id="p{k}"><a href="#m{k}"><b>{html.escape(d.code)}</b></a> '
            f"[{html.escape(_severity(d.severity, lang))}] "
            f"{html.escape(d.message)}"
            + (f'<br><span class="fix">{html.escape(t("annotate.fix", lang) + fix)}</span>' if fix else "")
            + f'<br><span class="place">{html.escape(pos)}</span></li>'
        )
    n = len(items)
    heading = (
        t("annotate.heading", lang, title=title, n=n, s="" if n == 1 else "s")
        if n
        else t("annotate.clean", lang, title=title)
    )
    note = t("annotate.note", lang)
    page = (
        f'<!DOCTYPE html>\n<html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(heading)}</title><style>{_CSS}</style></head><body>"
        f'<header><h1>{html.escape(heading)}</h1><div class="place">{html.escape(note)}</div></header>'
        f'<main><pre id="text">{"".join(out)}</pre>'
        f'<section id="problems"><ol>{"".join(items)}</ol></section></main></body></html>\n'
    )
    return page.encode("utf-8")


# ----------------------------------------------------------------------------------------------------------------
# the command


def add_arguments(parser) -> None:
    from ..formats import agency_kinds

    parser.add_argument("paths", nargs="+", metavar="FILE", help=t("help.annotate.paths"))
    parser.add_argument("--out-dir", help=t("help.annotate.out-dir"))
    parser.add_argument("--select", help=t("help.select"))
    parser.add_argument("--extend-select", help=t("help.extend-select"))
    parser.add_argument("--ignore", help=t("help.ignore"))
    parser.add_argument("--config", help=t("help.config"))
    parser.add_argument("--previous", help=t("help.previous"))
    parser.add_argument("--lang", choices=list(LANGS), help=t("help.annotate.lang"))
    parser.add_argument("--agency-kind", choices=agency_kinds(), help=t("help.agency-kind"))
    parser.add_argument("--quiet", "-q", action="store_true", help=t("help.quiet"))


def run(args) -> int:
    from ..engine import previous_report
    from ..readers import MAX_BYTES, read_bytes
    from ..settings import Flags, Workspace
    from .cli import discover

    workspace = Workspace(Flags.from_args(args))
    out_dir = Path(args.out_dir) if args.out_dir else None
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    previous = previous_report(args.previous)
    rc = 0
    for path in discover(args.paths):
        if ".nblint." in Path(path).name:  # an annotated copy from an earlier run
            continue
        cfg = workspace.config_for(path)
        eng, s = workspace.resolve(path, cfg)
        lang = s.lang
        try:
            if not os.path.isfile(path):  # a FIFO, a device, a directory named x.pdf: never opened
                raise OSError(0, "不是普通文件" if lang != "en" else "not a regular file")
            with open(path, "rb") as f:
                data = f.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise OSError(0, f"file is larger than {MAX_BYTES // (1024 * 1024)} MB")
        except OSError as e:
            msg = "无法读取，未生成标注副本" if lang != "en" else "cannot be read, not annotated"
            print(
                f"{path}: {msg}：{e.strerror or e}" if lang != "en" else f"{path}: {msg}: {e.strerror or e}",
                file=sys.stderr,
            )
            rc = max(rc, 1)
            continue
        source: Source | None
        try:
            source = read_bytes(path, data)
            result = eng.lint_source(source, previous, s)
        except ReadError as e:  # a scan, a broken font …: its NB001 goes on the copy (a note on the first page)
            source, result = None, eng.unreadable(path, e, s)
        try:
            blob, name = annotate_bytes(data, path, result.diagnostics, source=source, lang=lang, read=False)
        except ReadError as e:
            reasons = [d.message for d in result.diagnostics if d.code == "NB001"] or [e.text(lang)]
            msg = "无法读取，未生成标注副本" if lang != "en" else "cannot be read, not annotated"
            print(f"{path}: {msg}：{reasons[0]}" if lang != "en" else f"{path}: {msg}: {reasons[0]}", file=sys.stderr)
            rc = max(rc, 1)
            continue
        target = (out_dir or Path(path).parent) / name
        if target.resolve() == Path(path).resolve():  # never overwrite the original
            print(
                f"{path}: 标注副本与原文件同名，未写入" if lang != "en" else f"{path}: would overwrite itself",
                file=sys.stderr,
            )
            rc = 2
            continue
        target.write_bytes(blob)
        if result.diagnostics:
            rc = max(rc, 1)
        if not args.quiet:
            n = len(result.diagnostics)
            print(
                f"{target}：已标注 {n} 个问题"
                if lang != "en"
                else f"{target}: {n} problem{'s' if n != 1 else ''} marked"
            )
    return rc
