"""Table assembly: find tables 二 / 三 / 四 in their sections and fill the official grid.

Real tables arrive in many text shapes (pipe rows, a label line then a line of numbers, label and numbers on one
line, whole tables on one line with the cells run together).  What they share is the *official label sequence*,
so rows are found by their labels, in order, used as anchors: the numbers between one row label and the next
belong to the first.  Labels may be interrupted by spaces and line breaks (PDF wrapping), carry their official
numbering (``2.``) glued to the previous row's digits, and be followed by notes.

Digits written without separators are split only when that is unambiguous (as many digits as cells); otherwise
the row is recorded as ``unparseable`` and no rule guesses its values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .layout import load_formats
from .model import Cell, Report, Row, Table
from .normalize import normalize_label

NUM = "num"
BLANK = "blank"
TEXT = "text"

_ATOM = re.compile(r"(?P<num>-?\d+(?:,\d{3})*(?:\.\d+)?)|(?P<pipe>\|)|(?P<nl>\n)|(?P<text>[^\s\d|]+)")
_BLANK_MARKS = {"/", "—", "——", "-", "–", "--", "无", "—-", "\\"}
_ORDINAL = re.compile(r"^\s*(?:(?P<paren>\((?P<pn>[一二三四五六七八九十]{1,2})\))|(?P<cn>[一二三四五六七八九十]{1,2})\s*[、.,]|(?P<d>\d{1,2})\s*[.、,])")
_CORE_STRIP = re.compile(r"^\s*(?:\([一二三四五六七八九十]{1,2}\)|[一二三四五六七八九十]{1,2}\s*[、.,]|\d{1,2}\s*[.、,])")
_NOTE = re.compile(r"\([^()]*\)?$|\([^()]*\)")
_PUNCT = re.compile(r"[\s\"'“”‘’、,，.。:：;；()（）\[\]【】《》<>「」『』/|\-—_]+")


@dataclass
class Atom:
    kind: str
    text: str
    start: int  # offset in the region string
    end: int


def core(label: str) -> str:
    """A label without its numbering, bracketed notes and punctuation: what NB204 compares."""
    s = _CORE_STRIP.sub("", label, count=1)
    s = _NOTE.sub("", s)
    return _PUNCT.sub("", s)


def _prefix_rx(label: str) -> str:
    m = _ORDINAL.match(label)
    if not m:
        return ""
    if m.group("paren"):
        return rf"\(\s*{m.group('pn')}\s*\)\s*"
    if m.group("cn"):
        return rf"{m.group('cn')}\s*[、.,]\s*"
    return rf"{m.group('d')}\s*[.、,]\s*"


def _spaced(key: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in key)


@dataclass
class RowSpec:
    id: str
    label: str  # official, as published
    norm_label: str
    rx: re.Pattern | None
    group: bool
    part: int
    columns: list[dict]
    tags: list[str]


@dataclass
class PartSpec:
    caption: str | None
    columns: list[dict]
    headers: list[str]


@dataclass
class TableSpec:
    id: str
    section: str
    format: str
    rows: list[RowSpec]
    parts: list[PartSpec]
    signals: list[tuple[str, re.Pattern]]


@lru_cache(maxsize=None)
def table_specs(fmt_id: str) -> dict[str, TableSpec]:
    fmt = load_formats()[fmt_id]
    out = {}
    for t in fmt.get("tables") or []:
        rows = []
        parts = []
        for pi, part in enumerate(t["parts"]):
            cols = [dict(c, type=c.get("type", "count")) for c in part["columns"]]
            parts.append(PartSpec(part.get("caption"), cols, part.get("headers") or []))
            for r in part["rows"]:
                key = r.get("key")
                rx = None
                if key:
                    nl = normalize_label(r["label"])
                    body = _spaced(normalize_label(key))
                    # a row whose key is a common word ("3.其他") must carry its numbering to be recognised
                    rx = re.compile(_prefix_rx(nl) + body if r.get("numbered") else body)
                rows.append(RowSpec(r["id"], r["label"], normalize_label(r["label"]), rx, bool(r.get("group")), pi, cols, r.get("tags") or []))
        sigs = []
        for s in t.get("signals") or []:
            if s.startswith("re:"):
                sigs.append((s[3:], re.compile(s[3:])))
            else:
                sigs.append((s, re.compile(_spaced(normalize_label(s)))))
        out[t["id"]] = TableSpec(t["id"], t["section"], fmt_id, rows, parts, sigs)
    return out


# --------------------------------------------------------------------------------------------------------------


class Region:
    """The text a table is searched in (a section's body without page furniture) and its offset map."""

    def __init__(self, report: Report, start: int, end: int, skip: list[tuple[int, int]]):
        parts = []
        self.map: list[tuple[int, int]] = []  # (region offset, canonical offset)
        pos = start
        rlen = 0
        for s, e in sorted(skip) + [(end, end)]:
            if s < pos:
                continue
            if s > pos:
                chunk = report.text[pos:s]
                self.map.append((rlen, pos))
                parts.append(chunk)
                rlen += len(chunk)
            pos = max(pos, e)
        self.text = "".join(parts)

    def to_canon(self, i: int) -> int:
        lo, hi = 0, len(self.map) - 1
        if hi < 0:
            return 0
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.map[mid][0] <= i:
                lo = mid
            else:
                hi = mid - 1
        r, c = self.map[lo]
        return c + (i - r)

    def span(self, s: int, e: int) -> tuple[int, int]:
        if e <= s:
            c = self.to_canon(s)
            return c, c
        return self.to_canon(s), self.to_canon(e - 1) + 1


def atoms(text: str, start: int, end: int) -> list[Atom]:
    """Numbers, blank cells and text chunks of ``text[start:end]``; empty pipe cells become blank atoms."""
    out: list[Atom] = []
    line_has_pipe = False
    last_sep: int | None = None  # offset after the last pipe, while the cell is still empty
    seg = text[start:end]
    for m in _ATOM.finditer(seg):
        kind = m.lastgroup
        s, e = start + m.start(), start + m.end()
        if kind == "nl":
            line_has_pipe = False
            last_sep = None
            continue
        if kind == "pipe":
            if line_has_pipe and last_sep is not None and not text[last_sep:s].strip():
                out.append(Atom(BLANK, "", last_sep, s))
            line_has_pipe = True
            last_sep = e
            continue
        last_sep = None
        tok = m.group()
        if kind == "num":
            out.append(Atom(NUM, tok, s, e))
        elif tok in _BLANK_MARKS and _standalone(text, s, e):
            out.append(Atom(BLANK, tok, s, e))
        else:
            out.append(Atom(TEXT, tok, s, e))
    return out


def _standalone(text: str, s: int, e: int) -> bool:
    before = text[s - 1] if s > 0 else "\n"
    after = text[e] if e < len(text) else "\n"
    return (before.isspace() or before == "|") and (after.isspace() or after == "|")


def _value(raw: str):
    t = raw.replace(",", "")
    try:
        return int(t)
    except ValueError:
        try:
            return float(t)
        except ValueError:
            return None


def fill_cells(row: Row, cand: list[Atom], region: Region, columns: list[dict]) -> None:
    expected = len(columns)
    row.expected = expected
    cells = list(cand)
    while len(cells) > expected and cells[-1].kind == BLANK:
        cells.pop()
    while len(cells) > expected and cells[0].kind == BLANK:
        cells.pop(0)
    nums = [a for a in cells if a.kind == NUM]
    if len(cells) != expected:
        digits = sum(len(a.text) for a in nums)
        all_int = all(a.text.isdigit() for a in nums)
        if nums and all_int and len(cells) == len(nums) and digits == expected:
            # "0000000" for seven cells: one digit per cell is the only reading
            split = []
            for a in nums:
                for k, ch in enumerate(a.text):
                    split.append(Atom(NUM, ch, a.start + k, a.start + k + 1))
            cells = split
        elif nums and len(cells) < expected and digits > len(nums):
            row.status = "unparseable"
            row.cells = [Cell(a.text, None, region.span(a.start, a.end), "invalid") for a in cells]
            return
        else:
            row.status = "wrong-count"
    for i, a in enumerate(cells):
        col = columns[i]["id"] if i < expected else None
        if a.kind == BLANK:
            row.cells.append(Cell(a.text, None, region.span(a.start, a.end), "blank", col))
        else:
            v = _value(a.text)
            row.cells.append(Cell(a.text, v, region.span(a.start, a.end), "number" if v is not None else "invalid", col))


def _collect(ats: list[Atom]) -> tuple[list[Atom], list[Atom], list[Atom]]:
    """Split the atoms after a row label into (label continuation, cells, rest)."""
    label: list[Atom] = []
    cells: list[Atom] = []
    i = 0
    while i < len(ats) and ats[i].kind == TEXT:
        label.append(ats[i])
        i += 1
    while i < len(ats) and ats[i].kind != TEXT:
        cells.append(ats[i])
        i += 1
    return label, cells, ats[i:]


def assemble(report: Report, table_id: str, spec: TableSpec, start: int, end: int, skip, section) -> Table | None:
    region = Region(report, start, end, skip)
    R = region.text
    table = Table(table_id, spec.format, region.span(0, 0), section)
    for name, rx in spec.signals:
        m = rx.search(R)
        if m:
            table.signals.append((name, region.span(*m.span())))
    # header labels (captions, column labels): found anywhere in the region
    for part in spec.parts:
        for lab in [part.caption] + [c["label"] for c in part.columns] + part.headers:
            if not lab:
                continue
            key = core(normalize_label(lab))
            m = re.search(_spaced(key[: max(2, min(len(key), 3))]), R) if key else None
            if m:
                table.headers_found.setdefault(lab, region.span(*m.span()))
    # anchors, in order
    found: list[tuple[RowSpec, re.Match]] = []
    pos = 0
    keyed = [r for r in spec.rows if r.rx is not None]
    for i, r in enumerate(keyed):
        m = r.rx.search(R, pos)
        if m:
            for nxt in keyed[i + 1:i + 3]:
                mn = nxt.rx.search(R, pos)
                if mn and mn.start() < m.start():
                    m = None
                    break
        if not m:
            if not r.group:
                table.missing.append(r.id)
            continue
        found.append((r, _extend_back(R, m, r.norm_label, pos)))
        pos = m.end()
    unkeyed = [r for r in spec.rows if r.rx is None]
    if not found and not unkeyed:
        return None
    for k, (r, (mstart, mend)) in enumerate(found):
        nxt = found[k + 1][1][0] if k + 1 < len(found) else len(R)
        ats = atoms(R, mend, nxt)
        cont, cand, rest = _collect(ats)
        label_end = cont[-1].end if cont else mend
        label = re.sub(r"\s+", "", R[mstart:label_end]).strip("|")
        if _prose(label, r.norm_label):
            if not r.group:
                table.missing.append(r.id)
            continue
        row = Row(r.id, label, region.span(mstart, label_end), part=r.part)
        if r.group:
            if any(a.kind == NUM for a in cand):
                row.status = "group-with-numbers"
                fill_cells(row, cand, region, r.columns)
                table.rows.append(row)
            continue
        if "(" in label and ")" not in label and rest and rest[0].kind == TEXT:
            row.label = label + rest[0].text  # wrapped label continued after the numbers
        fill_cells(row, cand, region, r.columns)
        table.rows.append(row)
        _extra_rows(table, rest, region, r)
    for r in unkeyed:
        _assemble_unkeyed(table, r, spec, region)
    if not _looks_like_table(table, spec):
        return None
    first = min(r.span[0] for r in table.rows)
    last = max([r.span[1] for r in table.rows] + [c.span[1] for r in table.rows for c in r.cells])
    table.span = (first, last)
    return table


def _prose(label: str, official: str) -> bool:
    """A "label" that runs on into a sentence is a word in prose, not a table row."""
    return "。" in label or len(label) > len(official) + 30


def _looks_like_table(table: Table, spec: TableSpec) -> bool:
    """Enough official rows with values that this is a table, not a few label words met in prose."""
    data_rows = [r for r in spec.rows if not r.group]
    found = [r for r in table.rows if r.id is not None and r.status not in ("extra", "group-with-numbers")]
    if not found:
        return False
    if any(r.rx is None for r in data_rows):  # table 四: one unlabelled row, found after its headers
        return len(table.headers_found) >= 3
    need = 2 if len(data_rows) <= 8 else max(3, len(data_rows) // 4)
    return len(found) >= need


_EQUIV = str.maketrans({"、": ".", ",": "."})


def _extend_back(R: str, m: re.Match, official: str, floor: int) -> tuple[int, int]:
    """Start of the row label: from the key back over the official label's leading words and numbering
    (``行政`` before ``规范性文件``, ``2.`` before ``其他法律``), as far as the text agrees with the official label."""
    start = m.start()
    key_text = re.sub(r"\s+", "", m.group())
    k = official.find(key_text)
    if k <= 0:
        return start, m.end()
    want = official[:k].translate(_EQUIV)
    i = start
    j = len(want)
    while j > 0 and i > floor:
        ch = R[i - 1]
        if ch in " \t\n":
            i -= 1
            continue
        if ch.translate(_EQUIV) != want[j - 1]:
            break
        i -= 1
        j -= 1
        start = i
    return start, m.end()


def _extra_rows(table: Table, rest: list[Atom], region: Region, spec_row: RowSpec) -> None:
    """Text followed by numbers between two official rows: a row that is not in the official table."""
    i = 0
    while i < len(rest):
        if rest[i].kind == TEXT:
            j = i
            while j < len(rest) and rest[j].kind == TEXT:
                j += 1
            k = j
            while k < len(rest) and rest[k].kind != TEXT:
                k += 1
            nums = [a for a in rest[j:k] if a.kind == NUM]
            if len(nums) >= 2:
                label = "".join(a.text for a in rest[i:j])
                row = Row(None, label, region.span(rest[i].start, rest[j - 1].end), status="extra", part=spec_row.part)
                fill_cells(row, rest[j:k], region, spec_row.columns)
                row.status = "extra"
                table.rows.append(row)
            i = k
        else:
            i += 1


def _assemble_unkeyed(table: Table, r: RowSpec, spec: TableSpec, region: Region) -> None:
    """A row without a label of its own (table 四's single data row): the first run of numbers after the header."""
    R = region.text
    first_header = None
    for part in spec.parts:
        for lab in part.headers + [c["label"] for c in part.columns]:
            m = re.search(_spaced(core(normalize_label(lab))), R)
            if m and (first_header is None or m.start() < first_header):
                first_header = m.start()
    if first_header is None:
        return
    ats = atoms(R, first_header, len(R))
    runs: list[list[Atom]] = []
    cur: list[Atom] = []
    for a in ats:
        if a.kind == TEXT:
            if cur:
                runs.append(cur)
            cur = []
        else:
            cur.append(a)
    if cur:
        runs.append(cur)
    expected = len(r.columns)
    for run in runs:
        nums = [a for a in run if a.kind == NUM]
        digits = sum(len(a.text) for a in nums)
        if len(run) >= expected or len(nums) >= 3 or digits >= expected:
            row = Row(r.id, "", region.span(run[0].start, run[0].start), part=r.part)
            trimmed = list(run)
            while len(trimmed) > expected and trimmed[0].kind == BLANK:
                trimmed.pop(0)
            fill_cells(row, trimmed, region, r.columns)
            row.span = (row.cells[0].span[0], row.cells[-1].span[1]) if row.cells else row.span
            table.rows.append(row)
            return
    table.missing.append(r.id)


def _skips(report: Report, sec) -> list[tuple[int, int]]:
    return [b.span for b in sec.blocks if b.kind == "furniture"]


def choose_format(report: Report, table_id: str, start: int, end: int, skip) -> str | None:
    """The format whose distinctive labels the table uses (ties go to the report's own era)."""
    era = report.era if report.era in ("2021", "2019") else "2021"
    region = None
    best = (era, -1)
    for fid in (era, "2021" if era == "2019" else "2019"):
        spec = table_specs(fid).get(table_id)
        if spec is None:
            continue
        if region is None:
            region = Region(report, start, end, skip).text
        score = sum(1 for _, rx in spec.signals if rx.search(region))
        if score > best[1]:
            best = (fid, score)
    return best[0]


def build(report: Report) -> None:
    """Find and assemble tables 二, 三, 四 (report.tables).  Reports of the 2008 era have no fixed tables."""
    if report.era == "2008":
        return
    ids = list(table_specs("2021").keys())
    secs = {t: report.section(t) for t in ids}
    for tid in ids:
        sec = secs[tid]
        if sec is not None:
            start, end, skip = sec.body[0], sec.body[1], _skips(report, sec)
        else:
            # no such section heading: look between the neighbouring sections' tables, or in the whole text
            start, end, skip = 0, len(report.text), [b.span for s in report.sections for b in s.blocks if b.kind == "furniture"]
        fid = choose_format(report, tid, start, end, skip)
        spec = table_specs(fid)[tid]
        table = assemble(report, tid, spec, start, end, skip, sec)
        if table is not None:
            report.tables[tid] = table
