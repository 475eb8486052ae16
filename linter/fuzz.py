"""A fuzzer kept in the project: ``python -m nblint.fuzz``.

Every execution takes one input file (a seed from the project's examples/ and tests/fixtures, and from ../shared
when it is there, changed by one to four mutations), and runs it through what ``nblint check`` and ``nblint parse``
do: ``readers.read_bytes`` → ``Engine.lint_source`` (or the NB001 path for an unreadable file) → every formatter
(text, full, json, sarif, github) → ``fixes.fixed_text`` → ``parse`` → outline and its JSON.  It runs under
``budget.limit(--timeout)`` and a wall clock.  A finding is

* an exception escaping that pipeline (a ``ReadError`` is the clean NB001 path, not a finding), or
* a slow input: more than ``--slow`` seconds (2 s) for the check part (read, lint, format, fix) or for the parse part,
  in CPU seconds of the worker (``--clock cpu``, the default: on a shared machine the wall clock counts the other
  processes too; the summary also gives the count by the wall clock) or wall seconds (``--clock wall``).
  A ``budget.Timeout`` that escapes counts as slow; an input still running at ``--timeout`` is stopped and counted
  as a hang.

Findings are deduplicated by kind, exception type and location (the innermost nblint frame; for slow inputs, where
the main thread was when the input passed ``--slow``), and each is saved in ``--out DIR`` as ``<key>/`` with the
smallest input that produced it (``input.<ext>``, a reproducer) and ``finding.json``.  ``--replay FILE`` runs one
file through the same pipeline.

Inputs are made from ``--seed`` and the execution's index only, so a run with ``--runs N`` tries the same inputs
whatever ``--jobs`` is.  Executions run in ``--jobs`` worker processes (the main thread of each runs the pipeline; a
watchdog thread notes the stack of a slow input and interrupts a hang; the parent kills a worker that does not come
back).  With the ``fuzz`` extra installed (atheris), ``--atheris`` runs the same target under libFuzzer instead:
coverage-guided, single process, no determinism.  See docs/fuzzing.md.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _project_root() -> Path:
    """The project checkout whose examples/ and tests/fixtures seed the fuzzer: the package's parent for an editable
    install, else the current directory (a regular install run from the checkout, as CI does)."""
    for cand in (Path(__file__).resolve().parents[1], Path.cwd()):
        if (cand / "examples").is_dir():
            return cand
    return Path.cwd()


ROOT = _project_root()
FORMATS = ("txt", "md", "html", "docx", "pdf")
FORMATTERS = ("text", "full", "json", "sarif", "github")
SLOW = 2.0
TIMEOUT = 10.0
GRACE = 10.0  # after --timeout, how long the parent waits for an interrupted worker before killing it
WALL_FACTOR = (
    6.0  # with the CPU clock, the wall-clock limits (the linter's budget, the parent's kill) are this × --timeout
)


def _wall_limit(timeout: float, clock: str) -> float:
    """The wall-clock limit of one input: --timeout itself with the wall clock; with the CPU clock, where the alarm
    counts CPU seconds, a wider bound that still ends a worker blocked without using the CPU."""
    return timeout * WALL_FACTOR if clock == "cpu" else timeout


# ------------------------------------------------------------------------------------------------------------------
# Seeds


@dataclass
class Seed:
    name: str  # where it came from (a path, or "examples/x.md→pdf")
    fmt: str
    data: bytes


def _shared_dir() -> Path | None:
    env = os.environ.get("NBLINT_SHARED")
    for p in ([Path(env)] if env else []) + [ROOT.parent / "shared", Path.cwd().parent / "shared"]:
        if p.is_dir():
            return p
    return None


def _fmt_of(path: Path) -> str | None:
    ext = path.suffix.lower().lstrip(".")
    return {"htm": "html", "markdown": "md"}.get(ext, ext) if ext in (*FORMATS, "htm", "markdown") else None


def load_seeds(formats=FORMATS, shared: Path | None | bool = True) -> dict[str, list[Seed]]:
    """Seeds per format, read in place: the project's examples/ and tests/fixtures, ../shared/{seeds,corpus,binaries}
    when present (``shared=False`` leaves them out), and DOCX, HTML and PDF files made from the Markdown examples (so
    every format has label-rich seeds even without ../shared).  Sorted, so a run depends on ``--seed`` only."""
    files: list[Path] = []
    for d in (ROOT / "examples", ROOT / "tests" / "fixtures"):
        if d.is_dir():
            files += sorted(p for p in d.rglob("*") if p.is_file())
    sh = _shared_dir() if shared is True else (shared or None)
    if sh is not None:
        for sub in ("seeds", "corpus", "binaries"):
            if (sh / sub).is_dir():
                files += sorted(p for p in (sh / sub).rglob("*") if p.is_file())
    pool: dict[str, list[Seed]] = {f: [] for f in FORMATS}
    markdown: list[tuple[str, str]] = []
    for p in files:
        fmt = _fmt_of(p)
        if fmt is None:
            continue
        try:
            data = p.read_bytes()
        except OSError:
            continue
        if len(data) > 4 << 20:
            continue
        name = str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p)
        pool[fmt].append(Seed(name, fmt, data))
        if fmt == "md":
            markdown.append((name, data.decode("utf-8", "replace")))
            pool["txt"].append(Seed(name + "→txt", "txt", data))
    for name, text in markdown:
        pool["html"].append(Seed(name + "→html", "html", markdown_to_html(text).encode()))
        pool["docx"].append(Seed(name + "→docx", "docx", markdown_to_docx(text)))
        pool["pdf"].append(Seed(name + "→pdf", "pdf", text_to_pdf(text)))
    return {f: pool[f] for f in formats if pool[f]}


def _md_blocks(text: str) -> Iterator[tuple[str, object]]:
    """("p", line) and ("table", rows) from a Markdown report (pipe tables, headings, paragraphs)."""
    rows: list[list[str]] = []
    for line in text.split("\n"):
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(set(c) <= {"-", ":"} for c in cells):
                rows.append(cells)
            continue
        if rows:
            yield "table", rows
            rows = []
        if line.strip():
            yield "p", line.lstrip("# ")
    if rows:
        yield "table", rows


def markdown_to_html(text: str) -> str:
    from html import escape

    out = ["<html><head><meta charset='utf-8'></head><body>"]
    for kind, val in _md_blocks(text):
        if kind == "p":
            out.append(f"<p>{escape(str(val))}</p>")
        else:
            out.append("<table border='1'>")
            for r in val:  # type: ignore[attr-defined]
                out.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>")
            out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def _stable_zip(members: list[tuple[str, bytes]]) -> bytes:
    """A zip with fixed timestamps, so that a DOCX made or re-packed here is the same bytes every time."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _unzip(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def markdown_to_docx(text: str) -> bytes:
    import docx

    doc = docx.Document()
    for kind, val in _md_blocks(text):
        if kind == "p":
            doc.add_paragraph(str(val))
        else:
            rows: list[list[str]] = val  # type: ignore[assignment]
            t = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for row, r in zip(t.rows, rows):
                for cell, c in zip(row.cells, r):  # not t.cell(i, j): python-docx makes that quadratic
                    cell.text = c
    buf = io.BytesIO()
    doc.save(buf)
    return _stable_zip(_unzip(buf.getvalue()))


def text_to_pdf(text: str) -> bytes:
    """A PDF whose text layer is ``text`` (Markdown pipe rows become ruled tables), with a Type0 font that has only
    a ToUnicode map (no glyphs): enough for pdfminer to extract Chinese, tiny, and the same bytes every time."""
    cids: dict[str, int] = {}

    def enc(s: str) -> str:
        return "".join(f"{cids.setdefault(ch, len(cids) + 1):04X}" for ch in s)

    pages: list[list[str]] = [[]]
    y = 800.0

    def room(h: float) -> None:
        nonlocal y
        if y - h < 40:
            pages.append([])
            y = 800.0

    for kind, val in _md_blocks(text):
        if kind == "p":
            s = str(val)
            for i in range(0, max(len(s), 1), 56):
                room(14)
                pages[-1].append(f"BT /F1 9 Tf 40 {y:.0f} Td <{enc(s[i : i + 56])}> Tj ET")
                y -= 14
        else:
            rows: list[list[str]] = val  # type: ignore[assignment]
            n = max(len(r) for r in rows)
            widths = [260.0] + [255.0 / max(n - 1, 1)] * (n - 1)
            for r in rows:
                room(16)
                x = 40.0
                for j in range(n):
                    cell = r[j] if j < len(r) else ""
                    pages[-1].append(f"{x:.1f} {y - 4:.0f} {widths[j]:.1f} 16 re S")
                    if cell:
                        cell = cell[: int(widths[j] // 7)]
                        pages[-1].append(f"BT /F1 7 Tf {x + 2:.1f} {y:.0f} Td <{enc(cell)}> Tj ET")
                    x += widths[j]
                y -= 16
            y -= 8
    cmap = [
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        "1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    items = sorted(cids.items(), key=lambda kv: kv[1])
    for i in range(0, len(items), 100):
        chunk = items[i : i + 100]
        cmap.append(f"{len(chunk)} beginbfchar")
        cmap += [f"<{c:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for ch, c in chunk]
        cmap.append("endbfchar")
    cmap.append("endcmap CMapName currentdict /CMap defineresource pop end end")
    npages = len(pages)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (" ".join(f"{6 + 2 * i} 0 R" for i in range(npages)).encode(), npages),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Fuzz /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Fuzz /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity)"
        b" /Supplement 0 >> /DW 1000 /FontDescriptor << /Type /FontDescriptor /FontName /Fuzz /Flags 4"
        b" /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >> >>",
        _stream("\n".join(cmap).encode()),
    ]
    for i, ops in enumerate(pages):
        objs.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
            b" /Contents %d 0 R >>" % (7 + 2 * i)
        )
        objs.append(_stream("\n".join(ops).encode()))
    return _pdf(objs)


def _stream(body: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(body), body)


def _pdf(objs: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offs)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return bytes(out)


# ------------------------------------------------------------------------------------------------------------------
# Mutations.  Each takes (rng, data, ctx) and returns new bytes; text mutations work on bytes too (UTF-8 pieces are
# inserted at line starts or random offsets), so they also make invalid UTF-8, GB18030 halves and the like.


@dataclass
class Ctx:
    pool: dict[str, list[Seed]]
    labels: list[str]
    fmt: str = "txt"


_UNICODE_RANGES = [
    (0x0, 0x20),
    (0x80, 0xA0),
    (0x300, 0x36F),  # combining marks
    (0x3000, 0x303F),  # CJK punctuation, ideographic space
    (0x4E00, 0x9FFF),
    (0xFF00, 0xFFEF),  # fullwidth forms, fullwidth digits
    (0x2000, 0x206F),  # spaces, zero width, bidi controls, line separator
    (0xFE00, 0xFE0F),
    (0xFFF0, 0xFFFF),
    (0xE000, 0xF8FF),
    (0x20000, 0x2A6DF),
    (0x1F300, 0x1FAFF),
    (0x10FFF0, 0x10FFFF),
]
_SPECIALS = ["\ufeff", "\u200b", "\r", "\r\n", "\x0c", "\u2028", "\x00", "\t", "|", "<!--", "-->", "（", "）", "一、"]


def _rand_unicode(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.2:
            out.append(rng.choice(_SPECIALS))
        elif r < 0.202:
            out.append(chr(rng.randint(0xD800, 0xDFFF)))  # a lone surrogate (surrogatepass: invalid UTF-8)
        else:
            lo, hi = rng.choice(_UNICODE_RANGES)
            out.append(chr(rng.randint(lo, hi)))
    return "".join(out)


def _cut(rng: random.Random, data: bytes) -> int:
    """An offset in ``data``, mostly on a UTF-8 character boundary (text stays text; sometimes it does not)."""
    i = rng.randint(0, len(data))
    if rng.random() < 0.9:
        while i < len(data) and 0x80 <= data[i] < 0xC0:
            i += 1
    return i


def _enc(s: str) -> bytes:
    return s.encode("utf-8", "surrogatepass")


def _line_starts(data: bytes) -> list[int]:
    return [0] + [m.end() for m in re.finditer(rb"\n", data)]


def _insert(rng: random.Random, data: bytes, piece: bytes, at_line: bool | None = None) -> bytes:
    if at_line is None:
        at_line = rng.random() < 0.7
    if at_line:
        starts = _line_starts(data)
        if len(starts) > 20000:
            starts = starts[:: len(starts) // 20000 + 1]
        i = rng.choice(starts)
        piece = piece + b"\n"
    else:
        i = _cut(rng, data)
    return data[:i] + piece + data[i:]


def m_flip(rng, data, ctx):
    b = bytearray(data)
    if not b:
        return bytes([rng.randrange(256)])
    for _ in range(rng.choice([1, 1, 2, 4, 8, 32])):
        i = rng.randrange(len(b))
        if rng.random() < 0.5:
            b[i] ^= 1 << rng.randrange(8)
        else:
            b[i] = rng.choice([0, 0xFF, 0x7F, 0x80, 0x0A, 0x0D, 0x20, 0x3C, 0x3E, 0x7C, rng.randrange(256)])
    return bytes(b)


def m_truncate(rng, data, ctx):
    if len(data) < 2:
        return b""
    i = _cut(rng, data)
    return data[:i] if rng.random() < 0.8 else data[i:]


def m_splice(rng, data, ctx):
    """The head of this input and the tail of another of the same format (or, sometimes, of any format)."""
    fmt = ctx.fmt if ctx.fmt in ctx.pool and rng.random() < 0.8 else rng.choice(sorted(ctx.pool))
    other = rng.choice(ctx.pool[fmt]).data
    i, j = _cut(rng, data), _cut(rng, other)
    return data[:i] + other[j:]


def m_unicode(rng, data, ctx):
    return _insert(rng, data, _enc(_rand_unicode(rng, rng.choice([1, 3, 16, 200]))))


def m_huge_line(rng, data, ctx):
    n = rng.choice([2_000, 20_000, 100_000, 200_000])
    unit = rng.choice(
        ["1", "1 ", " ", "\t", "某", "一、", "（一）", "|", "| 1 ", "2024年", "，", ".", "a", "<b>", "\u3000"]
    )
    head = rng.choice(["", "一、x", "收到申请", "（一）予以公开", "| 规章 |", "合计"])
    tail = rng.choice(["", "a", "y", ",5", "。", "|", "1.1.1"])
    return _insert(rng, data, _enc(head + unit * (n // len(unit)) + tail))


def m_digits(rng, data, ctx):
    """Long digit runs with a tail that does not match (the F1 shape: '收到申请' + '1'*40 + ',5')."""
    n = rng.choice([20, 28, 40, 64, 200, 1000])
    digits = "".join(rng.choice("0123456789") for _ in range(n)) if rng.random() < 0.3 else "1" * n
    label = rng.choice(["收到申请", "合计", "", "规章", *(ctx.labels[:3] if ctx.labels else [])])
    if ctx.labels and rng.random() < 0.5:
        label = rng.choice(ctx.labels)
    tail = rng.choice([",5", ".5.5", " ,5", "a", "—", "/,", ""])
    sep = rng.choice(["", " ", "  "])
    return _insert(rng, data, _enc(label + sep + digits + tail))


def m_label(rng, data, ctx):
    """A real row label of the official tables, with numbers, where a table or a paragraph could be."""
    label = rng.choice(ctx.labels) if ctx.labels else "规章"
    nums = [str(rng.choice([0, 1, 2, 12, 999, 10**9, -1])) for _ in range(rng.choice([0, 1, 3, 7, 15]))]
    form = rng.choice(["pipe", "space", "tab", "bare", "html"])
    if form == "pipe":
        piece = "| " + " | ".join([label, *nums]) + " |"
    elif form == "html":
        piece = "<tr><td>" + "</td><td>".join([label, *nums]) + "</td></tr>"
    else:
        piece = {"space": " ", "tab": "\t", "bare": ""}[form].join([label, *nums])
    return _insert(rng, data, _enc(piece))


def m_shuffle(rng, data, ctx):
    lines = data.split(b"\n")
    if len(lines) < 2:
        return data
    if rng.random() < 0.5:
        rng.shuffle(lines)
    else:  # move or duplicate a block of lines
        i = rng.randrange(len(lines))
        j = min(len(lines), i + rng.choice([1, 2, 5, 20]))
        block = lines[i:j]
        if rng.random() < 0.5:
            del lines[i:j]
        k = rng.randint(0, len(lines))
        lines[k:k] = block * rng.choice([1, 1, 2, 50])
    return b"\n".join(lines)


def m_html(rng, data, ctx):
    """Tag soup: deep nesting, unclosed tags, rowspan/colspan, comments, scripts (the HTML reader's hard cases)."""
    n = rng.choice([10, 100, 1000, 3000])
    label = rng.choice(ctx.labels) if ctx.labels else "规章"
    piece = rng.choice(
        [
            "<table><tr><td>" * n + label,
            "<p>一、总体情况" * n,
            "<div>" * n + label + "</div>" * rng.choice([0, n]),
            f"<table><tr>{'<td rowspan=1000 colspan=200>1</td>' * min(n, 200)}</tr>" + f"<tr><td>{label}</td></tr>" * n,
            "<td>" + label + "</td>" * n,
            "<!--" + label * 3,
            "<script>" + label,
            "<table>" + "<tr><td>1</td>" * n + "</table>",
            "<br>" * n,
            f"<td rowspan={rng.choice([0, -1, 99999, 'x'])} colspan={rng.choice([0, -5, 10**6, '2.5'])}>{label}</td>",
        ]
    )
    return _insert(rng, data, _enc(piece), at_line=False)


TEXT_MUTATIONS: list[Callable] = [m_flip, m_truncate, m_splice, m_unicode, m_huge_line, m_digits, m_label, m_shuffle]

# ---- DOCX: unzip → mutate document.xml (as XML-ish text, or by elements) → re-zip


_W_ELEM = re.compile(rb"<w:(p|tr|tc|tbl)[ >].*?</w:\1>", re.S)


def _docx_xml(rng, xml: bytes, ctx) -> bytes:
    what = rng.random()
    if what < 0.15:  # a text mutation on the XML itself: most break it, some reach the walker with odd text
        return rng.choice([m_flip, m_truncate, m_unicode])(rng, xml, ctx)
    elems = list(_W_ELEM.finditer(xml))
    if what < 0.45 or not elems:  # a paragraph with report text (a label, a digit run, a huge line)
        from xml.sax.saxutils import escape

        src = rng.choice([m_label, m_digits, m_huge_line, m_unicode])(rng, b"", ctx).decode("utf-8", "replace")
        src = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", src)
        para = b'<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % escape(src.strip("\n")).encode()
        m = rng.choice(elems) if elems else None
        i = m.start() if m else xml.find(b"<w:body>") + 8
        return xml[:i] + para + xml[i:]
    m = rng.choice(elems)
    el = m.group(0)
    op = rng.randrange(5)
    if op == 0:  # duplicate an element many times
        return xml[: m.end()] + el * rng.choice([1, 10, 200]) + xml[m.end() :]
    if op == 1:  # delete it
        return xml[: m.start()] + xml[m.end() :]
    if op == 2:  # nest it inside itself (tables in cells, paragraphs in paragraphs)
        depth = rng.choice([2, 20, 120])
        tag = el[: el.index(b">") + 1]
        close = b"</w:" + m.group(1) + b">"
        return xml[: m.start()] + tag * depth + el + close * depth + xml[m.end() :]
    if op == 3:  # merge attributes on a cell
        attr = rng.choice(
            [
                b'<w:gridSpan w:val="%d"/>' % rng.choice([0, 2, 64, 10**6, -3]),
                b'<w:vMerge w:val="restart"/>',
                b"<w:vMerge/>",
            ]
        )
        i = xml.find(b"<w:tc>", m.start())
        if i < 0:
            i = m.start()
            return xml[:i] + b"<w:tc><w:tcPr>" + attr + b"</w:tcPr><w:p/></w:tc>" + xml[i:]
        return xml[: i + 6] + b"<w:tcPr>" + attr + b"</w:tcPr>" + xml[i + 6 :]
    other = rng.choice(elems).group(0)  # swap two elements
    return xml[: m.start()] + other + xml[m.end() :]


def m_docx_part(rng, data, ctx):
    try:
        members = _unzip(data)
    except Exception:
        return m_flip(rng, data, ctx)
    names = [n for n, _ in members]
    target = "word/document.xml" if "word/document.xml" in names and rng.random() < 0.95 else rng.choice(names)
    out = []
    for name, body in members:
        if name == target:
            body = _docx_xml(rng, body, ctx) if name.endswith(".xml") else m_flip(rng, body, ctx)
        out.append((name, body))
    if rng.random() < 0.05:
        out = [x for x in out if x[0] != rng.choice(names)]  # a part goes missing
    return _stable_zip(out)


DOCX_MUTATIONS: list[Callable] = [*[m_docx_part] * 6, m_flip, m_truncate, m_splice]


# ---- PDF: byte mutations of the file, or mutations of the text layer of a PDF made here


def m_pdf_text(rng, data, ctx):
    """Draw a mutated report: take the text of a Markdown seed, mutate it as text, make a PDF of it."""
    md = [s for s in ctx.pool.get("md", []) + ctx.pool.get("txt", [])]
    if not md:
        return m_flip(rng, data, ctx)
    text = rng.choice(md).data
    for _ in range(rng.choice([1, 2])):
        text = rng.choice([m_label, m_digits, m_shuffle, m_unicode, m_huge_line, m_truncate])(rng, text, ctx)
    t = text.decode("utf-8", "replace")
    return text_to_pdf(t[:60_000])


PDF_MUTATIONS: list[Callable] = [m_flip, m_flip, m_truncate, m_splice, m_pdf_text, m_pdf_text]


def mutations_for(fmt: str) -> list[Callable]:
    if fmt == "docx":
        return DOCX_MUTATIONS
    if fmt == "pdf":
        return PDF_MUTATIONS
    if fmt == "html":
        return [*TEXT_MUTATIONS, m_html, m_html]
    return TEXT_MUTATIONS


def row_labels() -> list[str]:
    try:
        from . import formats
        from .tables.spec import table_specs

        eras = [e for e in formats.era_ids() if formats.has_tables(e)]
        return sorted({r.label for f in eras for t in table_specs(f).values() for r in t.rows})
    except Exception:  # the fuzzer must start even when the tables are broken
        return []


def make_input(seed: int, index: int, pool: dict[str, list[Seed]], labels: list[str]) -> tuple[str, bytes, dict]:
    """Input ``index`` of run ``seed``: a file name (its extension picks the reader), its bytes and how it was made."""
    rng = random.Random(f"nblint-fuzz:{seed}:{index}")
    fmts = sorted(pool)
    fmt = fmts[index % len(fmts)]
    base = rng.choice(pool[fmt])
    data = base.data
    ctx = Ctx(pool, labels, fmt)
    ops = []
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
        op = rng.choice(mutations_for(fmt))
        ops.append(op.__name__[2:])
        data = op(rng, data, ctx)
        if len(data) > 8 << 20:  # keep inputs far below the readers' 64 MB cap
            data = data[: 8 << 20]
    return f"fuzz-{index}.{fmt}", data, {"seed_file": base.name, "mutations": ops, "format": fmt}


# ------------------------------------------------------------------------------------------------------------------
# The target


@dataclass
class Outcome:
    status: str  # "ok", "nb001" (clean unreadable path), "exception", "timeout" (budget.Timeout escaped)
    check_s: float = 0.0
    parse_s: float = 0.0
    check_cpu: float | None = None  # CPU seconds of the same parts, when the target measured them
    parse_cpu: float | None = None
    error: str | None = None  # "Type: message"
    location: str | None = None  # innermost nblint frame "file:line:function", else innermost frame
    trace: str | None = None
    net: str | None = None  # the exception type when NB001 came from the readers' catch-all (readers.bad_input)
    floor_cpu: float = 0.0  # CPU seconds the format's library alone needs to open the input (see library_floor)


_TARGET: dict = {}
_NET = re.compile(r"corrupt \w+: (\w+): ")  # readers.bad_input: f"corrupt {what}: {type(e).__name__}: {e}"


def _engine():
    if "engine" not in _TARGET:
        from .engine import Engine
        from .formatters import get

        eng = Engine()
        _TARGET["engine"] = eng
        _TARGET["formatters"] = [get(n)(rules=eng.rules) for n in FORMATTERS]
    return _TARGET["engine"], _TARGET["formatters"]


def _location(tb) -> str:
    frames = traceback.extract_tb(tb) if not isinstance(tb, list) else tb
    pkg = str(Path(__file__).resolve().parent)
    ours = [f for f in frames if f.filename.startswith(pkg) and not f.filename.endswith("fuzz.py")]
    f = (ours or frames or [None])[-1]
    if f is None:
        return "?"
    fn = f.filename[len(pkg) + 1 :] if f.filename.startswith(pkg) else f.filename
    return f"{fn}:{f.lineno}:{f.name}"


def library_floor(name: str, data: bytes) -> float:
    """CPU seconds that the format's own library needs just to open the same bytes, which no reader can go under:
    PDFium loading every page and its text (a PDF), lxml parsing every XML part (a DOCX), lxml.html parsing the
    page (HTML); 0 for plain text.  A slow input is judged by nblint's time above it (``Outcome.floor_cpu``)."""
    ext = name.rsplit(".", 1)[-1].lower()
    c0 = time.process_time()
    try:
        if ext == "pdf":
            from .app.bench import bare_pdf_text

            bare_pdf_text(data)
        elif ext == "docx":
            import lxml.etree

            parser = lxml.etree.XMLParser(resolve_entities=False, huge_tree=True, no_network=True)
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for info in z.infolist():
                    if info.filename.endswith((".xml", ".rels")) and info.file_size < 256 * 1024 * 1024:
                        try:
                            lxml.etree.fromstring(z.read(info), parser)
                        except lxml.etree.XMLSyntaxError:
                            pass
        elif ext in ("html", "htm"):
            import lxml.html

            lxml.html.fromstring(data)
    except Exception:  # a broken file: the library gives up at once, and what it took is the floor
        pass
    return time.process_time() - c0


def run_target(name: str, data: bytes, timeout: float | None = TIMEOUT) -> Outcome:
    """Read, lint, format, fix, parse and outline one input; exceptions are caught and described, not raised."""
    from . import budget
    from .app.outline import outline, to_json
    from .engine import parse
    from .fixes import fixed_text
    from .readers import read_bytes
    from .source import ReadError

    eng, fmts = _engine()
    out = Outcome("ok")
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        with budget.limit(timeout):
            try:
                source = read_bytes(name, data)
            except ReadError as e:
                out.status = "nb001"
                m = _NET.match(e.reason)
                out.net = m.group(1) if m else None
                res = eng.unreadable(name, e)
                source = None
            else:
                res = eng.lint_source(source)
            for f in fmts:
                f.format([res])
            if res.source_text is not None:
                fixed_text(res.source_text, res.diagnostics)
            out.check_s, out.check_cpu = time.perf_counter() - t0, time.process_time() - c0
            if out.check_cpu > SLOW / 2:  # a candidate for slow: what part of it is the library's own read
                out.floor_cpu = library_floor(name, data)
            if source is not None:
                t1, c1 = time.perf_counter(), time.process_time()
                rep = parse(source)
                outline(rep)
                json.dumps(to_json(rep), ensure_ascii=False)
                out.parse_s, out.parse_cpu = time.perf_counter() - t1, time.process_time() - c1
    except budget.Timeout as e:
        out.status, out.error = "timeout", f"Timeout: {e}"
        out.location, out.trace = _location(e.__traceback__), traceback.format_exc()
    except Exception as e:
        out.status, out.error = "exception", f"{type(e).__name__}: {str(e)[:300]}"
        out.location, out.trace = _location(e.__traceback__), traceback.format_exc()
    if not out.check_s:
        out.check_s, out.check_cpu = time.perf_counter() - t0, time.process_time() - c0
    return out


# ------------------------------------------------------------------------------------------------------------------
# Worker processes


class _Hang(BaseException):
    """Raised in a worker's main thread when its input runs past --timeout (not an Exception: nothing catches it)."""


def _frames_location(frame) -> str:
    """The innermost nblint frame of a running stack, as "file:function" (the line moves while a loop runs)."""
    pkg = str(Path(__file__).resolve().parent)
    first = None
    while frame is not None:
        fn = frame.f_code.co_filename
        if first is None:
            first = f"{fn}:{frame.f_code.co_name}"
        if fn.startswith(pkg) and not fn.endswith("fuzz.py"):
            return f"{fn[len(pkg) + 1 :]}:{frame.f_code.co_name}"
        frame = frame.f_back
    return first or "?"


def _faulthandler_location(text: str) -> str | None:
    """The innermost nblint frame of the main thread in a faulthandler dump (a hang inside C code)."""
    pkg = str(Path(__file__).resolve().parent)
    blocks = re.split(r"\n(?=(?:Current thread|Thread) 0x)", text)
    main = [b for b in blocks if "_worker" in b] or blocks
    for m in re.finditer(r'File "([^"]+)", line \d+ in (\S+)', main[-1] if main else ""):
        fn, func = m.group(1), m.group(2)
        if fn.startswith(pkg) and not fn.endswith("fuzz.py"):
            return f"{fn[len(pkg) + 1 :]}:{func}"
    return None


class _Alarm:
    """SIGALRM in a worker: at ``slow`` seconds note where the main thread is (and tell the parent, in case it has to
    kill us), at ``timeout`` raise :class:`_Hang`.  A signal, not a thread: a regular expression holds the GIL, but
    ``re`` checks for signals while it backtracks.  Code that never checks is covered by faulthandler's dump (written
    from a C thread) and the parent's kill."""

    def __init__(self, slow: float, timeout: float, wconn, trace_file, clock: str = "wall"):
        self.slow, self.timeout, self.wconn, self.trace = slow, timeout, wconn, trace_file
        # the CPU clock counts the process's CPU seconds (ITIMER_PROF/SIGPROF), the wall clock real seconds
        self.timer, signum = (
            (signal.ITIMER_PROF, signal.SIGPROF) if clock == "cpu" else (signal.ITIMER_REAL, signal.SIGALRM)
        )
        self.wall = _wall_limit(timeout, clock)
        self.active = False
        self.phase = 0
        self.slow_at: str | None = None
        signal.signal(signum, self._fire)

    def _fire(self, signum, frame) -> None:
        if not self.active:
            return
        if self.phase == 0:
            self.phase = 1
            self.slow_at = _frames_location(frame)
            if self.wconn is not None:
                try:
                    self.wconn.send(("slow_at", self.slow_at))
                except Exception:
                    pass
            signal.setitimer(self.timer, max(self.timeout - self.slow, 0.01))
        else:
            self.active = False
            raise _Hang()

    def __enter__(self):
        import faulthandler

        self.trace.seek(0)
        self.trace.truncate()
        faulthandler.dump_traceback_later(self.wall + GRACE / 2, file=self.trace)
        self.phase, self.slow_at, self.active = 0, None, True
        signal.setitimer(self.timer, self.slow)
        return self

    def __exit__(self, *exc) -> None:
        import faulthandler

        self.active = False
        signal.setitimer(self.timer, 0)
        faulthandler.cancel_dump_traceback_later()


def _worker(conn, wconn, seed: int, formats, slow: float, timeout: float, shared, clock: str, trace_path: str) -> None:
    pool = load_seeds(formats, shared)
    labels = row_labels()
    _engine()
    alarm = _Alarm(slow, timeout, wconn, open(trace_path, "w+"), clock)  # open for the worker's life
    conn.send(("ready", None))
    while True:
        msg = conn.recv()
        if msg is None:
            return
        name, data, info = make_input(seed, msg, pool, labels)
        conn.send(("done", (msg, info, _execute(alarm, run_target, name, data, timeout, slow))))


def _execute(alarm: _Alarm, target, name: str, data: bytes, timeout: float, slow: float) -> Outcome:
    t0 = time.monotonic()
    try:
        with alarm:
            out = target(name, data, alarm.wall)  # the linter's own budget counts wall seconds
    except _Hang:
        out = Outcome("hang", error=f"still running after {timeout:g} s", location=alarm.slow_at)
        out.check_s = time.monotonic() - t0
    if out.status != "exception" and max(out.check_s, out.parse_s) > slow:
        out.location = alarm.slow_at or out.location
    return out


@dataclass
class Finding:
    key: str
    kind: str  # exception, slow, timeout, hang
    fmt: str
    error: str | None
    location: str | None
    seconds: float
    index: int
    info: dict
    trace: str | None
    size: int
    hits: int = 1


@dataclass
class Stats:
    execs: dict[str, int] = field(default_factory=dict)
    secs: dict[str, float] = field(default_factory=dict)
    nb001: dict[str, int] = field(default_factory=dict)
    net: dict[str, int] = field(default_factory=dict)  # "fmt ExceptionType" -> NB001s from the catch-all net
    exceptions: int = 0
    slow: int = 0
    slow_wall: int = 0  # inputs over --slow by the wall clock (informational when the clock is CPU time)
    slow_floor: int = 0  # inputs over --slow in all, but not above their library floor (not findings)
    clock: str = "cpu"
    findings: dict[str, Finding] = field(default_factory=dict)
    wall: float = 0.0


def _taken(out: Outcome, clock: str = "cpu") -> float:
    """The longer of the check and parse parts, in CPU seconds (``clock="cpu"``, when the target measured them)
    or wall seconds.  CPU time is the default because on a shared machine wall time counts the other processes."""
    if clock == "cpu" and out.check_cpu is not None:
        return max(out.check_cpu - out.floor_cpu, out.parse_cpu or 0.0)
    return max(out.check_s, out.parse_s)


def _kind(out: Outcome, slow: float, clock: str = "cpu") -> str | None:
    if out.status in ("exception", "timeout", "hang"):
        return "slow" if out.status == "timeout" else out.status
    if _taken(out, clock) > slow:
        return "slow"
    return None


def _record(stats: Stats, fmt: str, index: int, info: dict, out: Outcome, data_of, slow: float, outdir: Path | None):
    stats.execs[fmt] = stats.execs.get(fmt, 0) + 1
    stats.secs[fmt] = stats.secs.get(fmt, 0.0) + out.check_s + out.parse_s
    if out.status == "nb001":
        stats.nb001[fmt] = stats.nb001.get(fmt, 0) + 1
        if out.net:
            k = f"{fmt} {out.net}"
            stats.net[k] = stats.net.get(k, 0) + 1
    if out.status not in ("exception", "timeout", "hang") and max(out.check_s, out.parse_s) > slow:
        stats.slow_wall += 1
    if out.floor_cpu and out.check_cpu is not None and out.check_cpu > slow and _taken(out, "cpu") <= slow:
        stats.slow_floor += 1
    kind = _kind(out, slow, stats.clock)
    if kind is None:
        return None
    if kind == "exception":
        stats.exceptions += 1
        etype = (out.error or "?").split(":", 1)[0]
        key_src = f"exception|{etype}|{out.location}"
    else:
        stats.slow += 1
        stage = "parse" if out.parse_s > out.check_s else "check"
        key_src = f"{kind}|{stage if kind == 'slow' else ''}|{out.location}"
    key = f"{kind}-{hashlib.sha1(key_src.encode()).hexdigest()[:10]}"
    name, data = data_of(index)
    f = stats.findings.get(key)
    if f is not None:
        f.hits += 1
        if (len(data), index) >= (f.size, f.index):
            return None
        hits = f.hits
    else:
        hits = 1
    secs = _taken(out, stats.clock)
    stats.findings[key] = Finding(
        key, kind, fmt, out.error, out.location, round(secs, 3), index, info, out.trace, len(data), hits
    )
    if outdir is not None:
        _save(outdir, stats.findings[key], name, data)
    return stats.findings[key]


def _save(outdir: Path, f: Finding, name: str, data: bytes) -> None:
    d = outdir / f.key
    d.mkdir(parents=True, exist_ok=True)
    for old in d.glob("input.*"):
        old.unlink()
    (d / f"input.{f.fmt}").write_bytes(data)
    rec = {k: v for k, v in f.__dict__.items()}
    rec["reproduce"] = f"python -m nblint.fuzz --replay {d / ('input.' + f.fmt)}"
    (d / "finding.json").write_text(json.dumps(rec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


class _Proc:
    def __init__(self, ctx, args, trace_path: str):
        self.conn, child = ctx.Pipe()
        self.wconn, wchild = ctx.Pipe(duplex=False)
        self.trace_path = trace_path
        self.p = ctx.Process(target=_worker, args=(child, wchild, *args, trace_path), daemon=True)
        self.p.start()
        child.close()
        wchild.close()
        self.task: int | None = None
        self.started = 0.0
        self.ready = False

    def kill(self) -> None:
        self.p.kill()
        self.p.join(5)

    def dumped_at(self) -> str | None:
        try:
            return _faulthandler_location(Path(self.trace_path).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return None

    def last_slow_at(self) -> str | None:
        at = None
        while self.wconn.poll():
            try:
                at = self.wconn.recv()[1]
            except (EOFError, OSError):
                break
        return at


def fuzz(
    *,
    seed: int = 0,
    runs: int | None = None,
    seconds: float | None = None,
    formats=FORMATS,
    jobs: int = 1,
    slow: float = SLOW,
    timeout: float = TIMEOUT,
    outdir: Path | None = None,
    shared: Path | None | bool = True,
    progress: Callable[[str], None] | None = None,
    target: Callable[[str, bytes, float], Outcome] | None = None,
    clock: str = "cpu",
) -> Stats:
    """Run the fuzzer in ``jobs`` worker processes, or in this process (the main thread) with ``jobs=0``; returns
    the figures and the findings (deduplicated).  ``target`` replaces the pipeline (in-process runs only)."""
    import multiprocessing as mp
    from multiprocessing.connection import wait

    pool = load_seeds(formats, shared)
    if not pool:
        raise SystemExit("nblint.fuzz: no seeds for the formats asked for")
    formats = tuple(sorted(pool))
    labels = row_labels()
    cache: dict[int, tuple[str, bytes]] = {}

    def data_of(i: int) -> tuple[str, bytes]:
        if i not in cache:
            cache.clear()
            name, data, _ = make_input(seed, i, pool, labels)
            cache[i] = (name, data)
        return cache[i]

    if jobs <= 0 or target is not None:
        stats = _fuzz_inline(
            seed, runs, seconds, pool, labels, slow, timeout, outdir, data_of, target or run_target, Stats(clock=clock)
        )
        return stats
    ctx = mp.get_context("spawn")
    args = (seed, formats, slow, timeout, shared, clock)
    tmp = Path(tempfile.mkdtemp(prefix="nblint-fuzz-"))
    spawned = 0

    def spawn() -> _Proc:
        nonlocal spawned
        spawned += 1
        return _Proc(ctx, args, str(tmp / f"worker-{spawned}.trace"))

    procs = [spawn() for _ in range(max(1, jobs))]
    stats = Stats(clock=clock)
    nxt = 0
    t_start = time.monotonic()
    deadline = None if seconds is None else t_start + seconds
    last_report = t_start

    def more() -> bool:
        if runs is not None and nxt >= runs:
            return False
        return deadline is None or time.monotonic() < deadline

    def give(pr: _Proc) -> None:
        nonlocal nxt
        if more():
            pr.task, pr.started = nxt, time.monotonic()
            nxt += 1
            pr.conn.send(pr.task)
        else:
            pr.task = None

    try:
        while True:
            busy = [p for p in procs if p.task is not None or not p.ready]
            if not busy:
                break
            for conn in wait([p.conn for p in busy], timeout=0.5):
                pr = next(p for p in procs if p.conn is conn)
                val: Any = None
                try:
                    what, val = pr.conn.recv()
                except (EOFError, OSError):  # the worker died (out of memory, a crash in C code)
                    what = "died"
                if what == "ready":
                    pr.ready = True
                    give(pr)
                    continue
                if what == "died":
                    _lost(stats, pr, "died", timeout, slow, data_of, outdir, formats)
                    procs[procs.index(pr)] = pr = spawn()
                    continue
                index, info, out = val
                fmt = info.get("format", "?")
                pr.last_slow_at()
                _record(stats, fmt, index, info, out, data_of, slow, outdir)
                give(pr)
            now = time.monotonic()
            for i, pr in enumerate(procs):
                if pr.task is not None and now - pr.started > _wall_limit(timeout, clock) + GRACE:
                    _lost(stats, pr, "killed", timeout, slow, data_of, outdir, formats)
                    pr.kill()
                    procs[i] = spawn()
            if progress and now - last_report > 10:
                last_report = now
                progress(
                    f"{sum(stats.execs.values())} execs, {now - t_start:.0f} s, "
                    f"{stats.exceptions} exceptions, {stats.slow} slow, {len(stats.findings)} findings"
                )
    finally:
        for pr in procs:
            try:
                pr.conn.send(None)
            except Exception:
                pass
        for pr in procs:
            pr.p.join(2)
            if pr.p.is_alive():
                pr.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    stats.wall = time.monotonic() - t_start
    return stats


def _fuzz_inline(seed, runs, seconds, pool, labels, slow, timeout, outdir, data_of, target, stats: Stats) -> Stats:
    t_start = time.monotonic()
    with tempfile.TemporaryFile("w+") as trace:
        alarm = _Alarm(slow, timeout, None, trace, stats.clock)
        i = 0
        while (runs is None or i < runs) and (seconds is None or time.monotonic() - t_start < seconds):
            name, data, info = make_input(seed, i, pool, labels)
            out = _execute(alarm, target, name, data, timeout, slow)
            _record(stats, info["format"], i, info, out, data_of, slow, outdir)
            i += 1
    stats.wall = time.monotonic() - t_start
    return stats


def _lost(stats, pr: _Proc, how: str, timeout, slow, data_of, outdir, formats) -> None:
    """A worker that did not come back from an input: a hang (killed) or a crash of the process itself."""
    if pr.task is None:
        return
    name, _ = data_of(pr.task)
    fmt = name.rsplit(".", 1)[1]
    at = pr.dumped_at() or pr.last_slow_at()
    out = Outcome(
        "hang" if how == "killed" else "exception",
        check_s=time.monotonic() - pr.started,
        error=f"worker {how} after {time.monotonic() - pr.started:.1f} s",
        location=at or "?",
    )
    _record(stats, fmt, pr.task, {"format": fmt, "worker": how}, out, data_of, slow, outdir)


# ------------------------------------------------------------------------------------------------------------------
# Report, replay, atheris, command line


def summary(stats: Stats) -> str:
    wall = stats.wall or 1e-9
    total = sum(stats.execs.values())
    lines = [f"executions: {total} in {wall:.1f} s ({total / wall:.1f}/s overall)"]
    for fmt in sorted(stats.execs):
        n, s = stats.execs[fmt], stats.secs.get(fmt, 0.0)
        lines.append(
            f"  {fmt:<5} {n:>8} execs  {n / s if s else 0:8.1f} exec/s per worker  {stats.nb001.get(fmt, 0):>7} NB001"
        )
    if stats.net:
        lines.append(
            "NB001 from the readers' catch-all net (not findings; a reader let a library error through): "
            + ", ".join(f"{k} ×{v}" for k, v in sorted(stats.net.items(), key=lambda kv: (-kv[1], kv[0])))
        )
    lines.append(f"exceptions: {stats.exceptions}")
    clock = "CPU time" if stats.clock == "cpu" else "wall time"
    lines.append(f"slow inputs (over the limit in {clock}, time-outs, hangs): {stats.slow}")
    if stats.clock == "cpu":
        lines.append(f"inputs over the limit in wall time (the machine's load included): {stats.slow_wall}")
        lines.append(
            f"inputs over the limit in CPU time only with the library's own read counted (not findings): "
            f"{stats.slow_floor}"
        )
    lines.append(f"findings (deduplicated): {len(stats.findings)}")
    for f in sorted(stats.findings.values(), key=lambda f: (f.kind, f.key)):
        lines.append(
            f"  {f.key}  {f.fmt}  {f.error or f'{f.seconds:.2f} s'}  at {f.location}  "
            f"(×{f.hits}, smallest input {f.size} bytes, #{f.index})"
        )
    return "\n".join(lines)


def replay(paths: list[str], slow: float, timeout: float, clock: str = "cpu") -> int:
    rc = 0
    alarm = _Alarm(slow, timeout, None, tempfile.TemporaryFile("w+"), clock)
    for p in paths:
        data = Path(p).read_bytes()
        t0 = time.perf_counter()
        try:
            with alarm:
                out = run_target(os.path.basename(p), data, alarm.wall)
        except _Hang:
            out = Outcome("hang", check_s=time.perf_counter() - t0, error=f"still running after {timeout:g} s")
        if max(out.check_s, out.parse_s) > slow:
            out.location = alarm.slow_at or out.location
        took = time.perf_counter() - t0
        kind = _kind(out, slow, clock)
        rc |= kind is not None
        where = f"  at {out.location}" if out.location else ""
        cpu = f" (CPU {out.check_cpu:.3f} s / {out.parse_cpu or 0:.3f} s)" if out.check_cpu is not None else ""
        if out.floor_cpu:
            cpu += f" (library floor {out.floor_cpu:.3f} s)"
        print(
            f"{p}: {kind or out.status}  check {out.check_s:.3f} s  parse {out.parse_s:.3f} s{cpu}  "
            f"total {took:.3f} s{where}"
        )
        if out.trace:
            print(out.trace)
    return 1 if rc else 0


def run_atheris(args, formats) -> int:  # pragma: no cover - needs the fuzz extra
    try:
        import atheris
    except ImportError:
        print("nblint.fuzz: --atheris needs the fuzz extra: pip install 'nblint[fuzz]'", file=sys.stderr)
        return 2
    with atheris.instrument_imports(include=["nblint"]):
        import nblint.engine
        import nblint.readers  # noqa: F401

    fmts = sorted(formats)
    pool = load_seeds(formats, not args.no_shared)
    corpus = Path(tempfile.mkdtemp(prefix="nblint-atheris-"))
    for fmt, seeds in pool.items():  # the first byte of an input picks its format
        for i, s in enumerate(seeds):
            (corpus / f"{fmt}-{i}").write_bytes(bytes([fmts.index(fmt)]) + s.data)
    print(f"nblint.fuzz: atheris corpus in {corpus} (seeds, and what libFuzzer adds)", file=sys.stderr)
    outdir = Path(args.out) if args.out else Path(".")
    outdir.mkdir(parents=True, exist_ok=True)

    def one(data: bytes) -> None:
        if not data:
            return
        fmt = fmts[data[0] % len(fmts)]
        out = run_target(f"fuzz.{fmt}", data[1:], args.timeout)
        if out.status == "exception":
            raise RuntimeError(f"{out.error} at {out.location}\n{out.trace}")

    argv = [
        sys.argv[0],
        str(corpus),
        f"-timeout={int(args.slow + 0.999)}",
        f"-artifact_prefix={outdir}/",
        f"-seed={args.seed or 1}",
        "-rss_limit_mb=4096",
    ]
    if args.seconds:
        argv.append(f"-max_total_time={int(args.seconds)}")
    if args.runs:
        argv.append(f"-runs={args.runs}")
    atheris.Setup(argv, one)
    atheris.Fuzz()
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nblint.fuzz", description=__doc__.split("\n\n")[0])
    how = ap.add_mutually_exclusive_group()
    how.add_argument("--seconds", type=float, help="run for this many seconds")
    how.add_argument("--runs", type=int, help="run exactly this many executions")
    how.add_argument("--replay", nargs="+", metavar="FILE", help="run these files once through the target")
    ap.add_argument("--formats", default=",".join(FORMATS), help="comma-separated: " + ",".join(FORMATS))
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (default 1; 0: in this process)")
    ap.add_argument("--seed", type=int, default=0, help="the run's seed: same seed, same inputs (default 0)")
    ap.add_argument("--out", help="directory for findings (a subdirectory per finding, with its input)")
    ap.add_argument("--slow", type=float, default=SLOW, help=f"seconds after which an input is a finding ({SLOW:g})")
    ap.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="what --slow measures: CPU seconds of the input (default; fair on a shared machine) or wall seconds",
    )
    ap.add_argument("--timeout", type=float, default=TIMEOUT, help=f"budget per input; then it is a hang ({TIMEOUT:g})")
    ap.add_argument("--no-shared", action="store_true", help="do not use ../shared seeds even when present")
    ap.add_argument("--atheris", action="store_true", help="coverage-guided fuzzing with atheris (the fuzz extra)")
    ap.add_argument("--json", action="store_true", help="print the figures and findings as JSON")
    args = ap.parse_args(argv)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        ap.error(f"unknown format(s) {', '.join(bad)}; choose from {', '.join(FORMATS)}")
    if args.replay:
        return replay(args.replay, args.slow, args.timeout, args.clock)
    if args.atheris:
        return run_atheris(args, formats)
    if args.seconds is None and args.runs is None:
        args.seconds = 60.0
    stats = fuzz(
        seed=args.seed,
        runs=args.runs,
        seconds=args.seconds,
        formats=formats,
        jobs=args.jobs,
        slow=args.slow,
        timeout=args.timeout,
        clock=args.clock,
        outdir=Path(args.out) if args.out else None,
        shared=not args.no_shared,
        progress=lambda s: print(s, file=sys.stderr, flush=True),
    )
    if args.json:
        print(
            json.dumps(
                {
                    "executions": stats.execs,
                    "seconds": stats.secs,
                    "nb001": stats.nb001,
                    "net": stats.net,
                    "wall": stats.wall,
                    "exceptions": stats.exceptions,
                    "slow": stats.slow,
                    "clock": stats.clock,
                    "slow_wall": stats.slow_wall,
                    "slow_floor": stats.slow_floor,
                    "findings": [
                        {k: v for k, v in f.__dict__.items() if k != "trace"} for f in stats.findings.values()
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(summary(stats))
    return 1 if stats.findings else 0


if __name__ == "__main__":
    sys.exit(main())
