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
NL = "nl"

_ATOM = re.compile(r"(?P<num>-?\d+(?:,\d{3})*(?:\.\d+)?)|(?P<text>[^\s\d]+)")

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
    pipe: bool = False  # a cell of a line written with pipes


def core(label: str) -> str:
    """A label without its numbering, bracketed notes and punctuation: what NB204 compares."""
    s = _CORE_STRIP.sub("", label, count=1)
    s = _NOTE.sub("", s)
    return _PUNCT.sub("", s)


def _numberings(label: str) -> tuple[str, ...]:
    """The ways a row's official numbering is written: "3." also as "3、" and "3,"; "(一)" as is."""
    m = _ORDINAL.match(label)
    if not m:
        return ("",)
    if m.group("paren"):
        return (f"({m.group('pn')})",)
    n = m.group("cn") or m.group("d")
    return tuple(f"{n}{p}" for p in (".", "、", ","))


class NoSpace:
    """A text without its whitespace, for finding labels that line wrapping or PDF extraction has interrupted
    ("重新出\n具", "商业 企业"), with each character's offset in the original string.  Plain ``str.find`` on it
    is much cheaper than compiling a regular expression per label."""

    __slots__ = ("text", "index")

    def __init__(self, text: str):
        keep = [i for i, ch in enumerate(text) if not ch.isspace()]
        self.index = keep
        self.text = "".join(text[i] for i in keep)

    def find_all(self, needle: str, limit: int = 1_000_000):
        """(start, end) in the original string of each occurrence of ``needle`` (which has no whitespace)."""
        out = []
        i = self.text.find(needle)
        while i >= 0 and len(out) < limit:
            out.append((self.index[i], self.index[i + len(needle) - 1] + 1))
            i = self.text.find(needle, i + len(needle))
        return out

    def find(self, needle: str):
        hits = self.find_all(needle, 1)
        return hits[0] if hits else None


@dataclass
class Hit:
    """An occurrence of a row label's key in the region text."""

    start: int
    end: int
    text: str


@dataclass
class RowSpec:
    id: str
    label: str  # official, as published
    norm_label: str
    keys: tuple[str, ...] | None  # the key as it may be written (with its numbering, for numbered rows)
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
    signals: list[tuple[str, str | re.Pattern]]  # literal labels, or regular expressions


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
                keys = None
                if key:
                    nl = normalize_label(r["label"])
                    k = re.sub(r"\s+", "", normalize_label(key))
                    # a row whose key is a common word ("3.其他") must carry its numbering to be recognised
                    keys = tuple(n + k for n in _numberings(nl)) if r.get("numbered") else (k,)
                rows.append(RowSpec(r["id"], r["label"], normalize_label(r["label"]), keys, bool(r.get("group")), pi, cols, r.get("tags") or []))
        sigs = []
        for sig in t.get("signals") or []:
            if isinstance(sig, dict):  # {pattern: regular expression, label: what to call it in messages}
                sigs.append((sig["label"], re.compile(sig["pattern"])))
            else:
                sigs.append((sig, re.sub(r"\s+", "", normalize_label(sig))))
        out[t["id"]] = TableSpec(t["id"], t["section"], fmt_id, rows, parts, sigs)
    return out


# --------------------------------------------------------------------------------------------------------------


class Region:
    """The text a table is searched in (a section's body without page furniture) and its offset map."""

    def __init__(self, report: Report, start: int, end: int, skip: list[tuple[int, int]]):
        self.report = report
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

    def source_char_before(self, i: int) -> str | None:
        """The character just before region offset ``i`` in the original (reader) text."""
        src = self.report.norm.to_source(self.to_canon(i))
        text = self.report.source.text
        return text[src - 1] if src > 0 else None

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


@lru_cache(maxsize=1)
def _cell_spec():
    """Blank markers and units of table cells (grammar/lines.yaml)."""
    from . import data

    spec = data.load_yaml("grammar/lines.yaml")
    number_unit = re.compile(rf"(-?\d+(?:,\d{{3}})*(?:\.\d+)?)\s*(?:{spec['cell-units']})?")
    # after a label: a sentence's full stop before any number, or a number with a counter ("2件")
    sentence = re.compile(rf"[^\d\n|。]*?(?:(?P<stop>。)|\d+(?:\.\d+)?\s*(?P<counter>{spec['prose-counters']}))")
    return frozenset(spec["blank-cells"]), number_unit, sentence


_CELL_LINE = re.compile(r"^[^|\n]*\|[\s|]*$", re.M)
_FILLED_CELL_LINE = re.compile(r"^[^|\n]*[^|\s][^|\n]*\|[\s|]*$", re.M)


def cell_per_line(text: str) -> bool:
    """Tables flattened to one cell per line, each closed by a pipe (``规章 |`` / ``0 |`` / ``|``)."""
    if text.count("|") < 8:
        return False
    n = len(_CELL_LINE.findall(text))
    filled = len(_FILLED_CELL_LINE.findall(text))
    pipe_lines = [ln for ln in text.split("\n") if "|" in ln]
    single = sum(1 for ln in pipe_lines if ln.count("|") == 1)
    # lines that end in a pipe, most of them holding one cell (a bare "|" line alone is a separator)
    return n >= 8 and n >= 0.6 * len(pipe_lines) and filled >= 0.5 * n and single >= 0.5 * len(pipe_lines)


def atoms(text: str, start: int, end: int, cell_lines: bool = False, mid_cell: bool = False) -> list[Atom]:
    """Numbers, blank cells, text chunks and line breaks of ``text[start:end]``.

    On a line written with pipes the cells are the atoms: a cell is a number only if it holds nothing else
    (``数据1`` is text), and an empty cell between two pipes is a blank.  Elsewhere numbers and text are cut
    apart wherever they meet (``规章000`` → 规章 + 000), as web crawls run cells together."""
    out: list[Atom] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        line = text[pos:stop]
        if cell_lines and "|" in line and _CELL_LINE.match(line):
            # one cell per line: the line break is not the end of a row; a bare pipe is an empty cell
            raw = line.split("|")[0]
            body = raw.strip()
            bs = pos + len(raw) - len(raw.lstrip())
            _cell_atom(body, bs, bs + len(body), pos, stop, out)
            if nl < 0:
                break
            pos = nl + 1
            continue
        if "|" in line:
            _pipe_atoms(text, pos, stop, out, skip_empty_first=mid_cell and pos == start)
        else:
            _plain_atoms(text, pos, stop, out)
        if nl < 0:
            break
        out.append(Atom(NL, "\n", nl, nl + 1))
        pos = nl + 1
    return out


def _pipe_atoms(text: str, s: int, e: int, out: list[Atom], skip_empty_first: bool = False) -> None:
    line = text[s:e]
    cells = line.split("|")
    offs = []
    o = s
    for c in cells:
        offs.append(o)
        o += len(c) + 1
    # Markdown rows open and close with a pipe ("| a | b |"): nothing outside them is a cell.  Rows written by
    # the HTML/DOCX/PDF readers ("a |  | b") have no outer pipes, so an empty first or last cell is a real one.
    ls = text.rfind("\n", 0, s) + 1  # the slice may start inside the line: judge the whole line
    markdown = text[ls:e].startswith("|")
    first = 1 if (markdown or skip_empty_first) and not cells[0].strip() else 0
    last = len(cells) - 1 if markdown and len(cells) > 1 and not cells[-1].strip() else len(cells)
    for i in range(first, last):
        raw = cells[i]
        body = raw.strip()
        cs = offs[i] + (len(raw) - len(raw.lstrip()))
        ce = cs + len(body)
        _cell_atom(body, cs, ce, offs[i], offs[i] + len(raw), out)


def _cell_atom(body: str, cs: int, ce: int, cell_start: int, cell_end: int, out: list[Atom]) -> None:
    """One table cell: a number (with an optional unit after it), a blank, or text."""
    if not body:
        out.append(Atom(BLANK, "", cell_start, cell_end, True))
    elif (m := _cell_spec()[1].fullmatch(body)):
        out.append(Atom(NUM, m.group(1), cs, cs + len(m.group(1)), True))
    elif body in _cell_spec()[0]:
        out.append(Atom(BLANK, body, cs, ce, True))
    else:
        out.append(Atom(TEXT, body, cs, ce, True))


def _plain_atoms(text: str, s: int, e: int, out: list[Atom]) -> None:
    for m in _ATOM.finditer(text, s, e):
        kind = m.lastgroup
        a, b = m.span()
        tok = m.group()
        if kind == "num":
            out.append(Atom(NUM, tok, a, b))
        elif kind == "text":
            if tok in _cell_spec()[0] and _standalone(text, a, b):
                out.append(Atom(BLANK, tok, a, b))
            else:
                out.append(Atom(TEXT, tok, a, b))


def _standalone(text: str, s: int, e: int) -> bool:
    before = text[s - 1] if s > 0 else "\n"
    after = text[e] if e < len(text) else "\n"
    return (before.isspace() or before == "|") and (after.isspace() or after == "|")


def _glued(a: Atom, region: "Region") -> bool:
    """Digits that may hold several cells: a leading zero ("000023") or digits written against a word with no
    separator in the original text ("规范性文件898989")."""
    if len(a.text) > 1 and a.text[0] == "0" and a.text.isdigit():
        return True
    if len(a.text) < 2 or not a.text.isdigit():
        return False
    before = region.source_char_before(a.start)
    return before is not None and not (before.isspace() or before in "|:：,，、;；()（）")


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
        elif nums and len(cells) < expected and (
            any(_glued(a, region) for a in nums) or (len(nums) <= expected / 2 and digits >= expected)
        ):
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


def assemble(report: Report, table_id: str, spec: TableSpec, start: int, end: int, skip, section) -> Table | None:
    region = Region(report, start, end, skip)
    R = region.text
    table = Table(table_id, spec.format, region.span(0, 0), section)
    ns = NoSpace(R)
    for name, sig in spec.signals:
        hit = ns.find(sig) if isinstance(sig, str) else (lambda m: m.span() if m else None)(sig.search(R))
        if hit:
            table.signals.append((name, region.span(*hit)))
    # header labels (captions, column labels): found anywhere in the region
    for part in spec.parts:
        for lab in [part.caption] + [c["label"] for c in part.columns] + part.headers:
            if not lab:
                continue
            key = core(normalize_label(lab))
            hit = ns.find(key[: max(2, min(len(key), 3))]) if key else None
            if hit:
                table.headers_found.setdefault(lab, region.span(*hit))
            elif key and "|" not in R and _scattered(key, ns.text):
                # a header that PDF extraction printed one character group per line ("结 果 / 维持")
                table.headers_found.setdefault(lab, region.span(0, 0))
    # anchors: the official rows in order, at the positions that let most of them be found in sequence
    keyed = [r for r in spec.rows if r.keys is not None]
    chosen = _align(keyed, R, ns)
    _out_of_order(keyed, chosen, R, ns)
    found: list[tuple[RowSpec, tuple[int, int]]] = []
    prev_end = 0
    for r in sorted((r for r in keyed if r.id in chosen), key=lambda r: chosen[r.id].start):
        m = chosen[r.id]
        found.append((r, _extend_back(R, m, r.norm_label, prev_end)))
        prev_end = m.end
    table.missing.extend(r.id for r in keyed if r.id not in chosen and not r.group)
    unkeyed = [r for r in spec.rows if r.keys is None]
    if not found and not unkeyed:
        return None
    _assign(table, spec, found, R, region)
    for r in unkeyed:
        _assemble_unkeyed(table, r, spec, region)
    if not _looks_like_table(report, table, spec):
        return None
    first = min(r.span[0] for r in table.rows)
    last = max([r.span[1] for r in table.rows] + [c.span[1] for r in table.rows for c in r.cells])
    table.span = (first, last)
    return table


MAX_CANDIDATES = 12


def _scattered(key: str, text: str) -> bool:
    """Every character of ``key`` occurs in ``text`` (as often as in the key)."""
    return all(text.count(ch) >= key.count(ch) for ch in set(key))


def _align(keyed: list[RowSpec], R: str, ns: NoSpace) -> dict[str, Hit]:
    """Choose one occurrence of each row label so that as many rows as possible appear in the official order
    (a longest increasing chain).  A header cell that repeats a row word ("总计", "结转下年度") or a mention in
    prose then cannot take the place of the real row.  Data rows weigh more than group labels; among equal
    chains the earliest positions win."""
    best: list[tuple[float, int, int, Hit | None, int]] = [(0.0, 0, -1, None, -1)]  # (score, -end, row, hit, prev)
    # entries: chain ending at (row index, match); we keep them in a flat list and scan (sizes are small)
    for i, r in enumerate(keyed):
        w = 0.5 if r.group else 1.0
        new = []
        hits = sorted(h for k in r.keys for h in ns.find_all(k, MAX_CANDIDATES))[:MAX_CANDIDATES]
        for m in (Hit(a, b, R[a:b]) for a, b in hits if not _in_sentence(R, b)):
            top = None
            for k, (score, negend, row, pm, _prev) in enumerate(best):
                if row < i and -negend <= m.start and (top is None or score > best[top][0]
                                                        or (score == best[top][0] and negend > best[top][1])):
                    top = k
            if top is not None:
                new.append((best[top][0] + w, -m.end, i, m, top))
        best.extend(new)
    # the best chain: highest score, then earliest end
    end = max(range(len(best)), key=lambda k: (best[k][0], best[k][1]))
    out: dict[str, Hit] = {}
    k = end
    while k > 0:
        score, negend, row, m, prev = best[k]
        out[keyed[row].id] = m
        k = prev
    return out


def _out_of_order(keyed: list[RowSpec], chosen: dict[str, Hit], R: str, ns: NoSpace) -> None:
    """Rows that the in-order chain left out but that stand, out of order, on a table line of their own (a
    conversion that moved part of a table across a page break): take them where they are."""
    taken = [(h.start, h.end) for h in chosen.values()]
    for r in keyed:
        if r.id in chosen or r.group:
            continue
        for a, b in sorted(h for k in r.keys for h in ns.find_all(k, MAX_CANDIDATES)):
            if any(a < e and s < b for s, e in taken) or _in_sentence(R, b) or not _table_line(R, a, b):
                continue
            chosen[r.id] = Hit(a, b, R[a:b])
            taken.append((a, b))
            break


def _in_sentence(R: str, b: int) -> bool:
    """The label word ending at ``b`` is part of a sentence: the first number after it carries a counter
    ("予以公开2件"), or a full stop comes before any number."""
    m = _cell_spec()[2].match(R, b, min(len(R), b + 40))
    return bool(m and (m.group("counter") or m.group("stop")))


def _table_line(R: str, a: int, b: int) -> bool:
    """A label in a cell of its own on a pipe row, or followed on its line by numbers only: not a word met in
    prose."""
    ls = R.rfind("\n", 0, a) + 1
    le = R.find("\n", b)
    le = len(R) if le < 0 else le
    if "|" in R[ls:le]:
        cs = R.rfind("|", ls, a) + 1 or ls
        ce = R.find("|", b, le)
        cell = R[cs:ce if ce >= 0 else le].strip()
        after = R[ce:le] if ce >= 0 else ""
        # a short label cell with numbers after it on its row (a header cell such as 总计 has none)
        return len(cell) <= 60 and "。" not in cell and any(ch.isdigit() for ch in after)
    rest = R[b:le]
    return bool(re.fullmatch(r"[^\d。,;]{0,12}?[\s\d./—-]+", rest)) and any(ch.isdigit() for ch in rest)


def _prose(label: str, official: str) -> bool:
    """A "label" that runs on into a sentence is a word in prose, not a table row."""
    return "。" in label or len(label) > len(official) + 30


def _looks_like_table(report: Report, table: Table, spec: TableSpec) -> bool:
    """Enough official rows with values that this is a table, not a few label words met in prose."""
    data_rows = [r for r in spec.rows if not r.group]
    found = [r for r in table.rows if r.id is not None and r.status not in ("extra", "group-with-numbers")]
    if not found:
        return False
    if any(r.keys is None for r in data_rows):  # table 四: one unlabelled row, found after its headers
        return len(table.headers_found) >= 3
    need = 2 if len(data_rows) <= 8 else max(3, len(data_rows) // 4)
    if len(found) < need and len(found) >= 2:
        # a copy that ends inside the table (web excerpts) keeps only its first rows
        end = max(c.span[1] for r in found for c in r.cells) if any(r.cells for r in found) else 0
        return len(report.text[end:].strip()) <= 20
    return len(found) >= need


_EQUIV = str.maketrans({"、": ".", ",": "."})


def _extend_back(R: str, m: Hit, official: str, floor: int) -> tuple[int, int]:
    """Start of the row label: from the key back over the official label's leading words and numbering
    (``行政`` before ``规范性文件``, ``2.`` before ``其他法律``), as far as the text agrees with the official label."""
    start = m.start
    key_text = re.sub(r"\s+", "", m.text)
    k = official.find(key_text)
    if k <= 0:
        return start, m.end
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
    return start, m.end


@dataclass
class _Seg:
    """What follows one row label up to the next: its label text, and runs of numbers with their position."""

    label_end: int
    inline: list[Atom] | None  # numbers on the label's own line
    floating: list[tuple[list[Atom], list[Atom], bool]]  # (text before, numbers, nothing but numbers follows)
    after_text: str  # text right after the inline numbers (a wrapped label's second half)


def _runs(ats: list[Atom], expected: int) -> list[tuple[list[Atom], list[Atom], bool]]:
    """Split atoms into (text before, run of numbers, run starts on the label's line) triples.  A run is
    interrupted by text and by line breaks; runs split only by a line break are joined back while they fit."""
    out: list[tuple[list[Atom], list[Atom], bool]] = []
    text: list[Atom] = []
    run: list[Atom] = []
    first_line = True
    run_first_line = True
    joinable = False
    for a in ats:
        if a.kind in (NUM, BLANK):
            if not run:
                run_first_line = first_line
                if joinable and out and not text and len(out[-1][1]) < expected and not (a.pipe or out[-1][1][-1].pipe):
                    prev = out.pop()
                    run = prev[1]
                    text = prev[0]
                    run_first_line = prev[2]
            run.append(a)
            joinable = False
        elif a.kind == NL:
            if run:
                out.append((text, run, run_first_line))
                text, run = [], []
                joinable = True
            first_line = False
        else:
            if run:
                out.append((text, run, run_first_line))
                text, run = [], []
            joinable = False
            text.append(a)
    if run:
        out.append((text, run, run_first_line))
    return out


def _assign(table: Table, spec: TableSpec, found, R: str, region: Region) -> None:
    """Give every row label its numbers.  Numbers on the label's own line are its cells; a line of numbers
    alone (PDF extraction prints them where the row's vertical centre falls: before, inside or after a label
    that wraps over several lines) goes to the nearest label that has no numbers yet: the earlier one if it is
    still waiting, else the next one.  Numbers that no label wants form an extra row."""
    segs: list[_Seg] = []
    flat = cell_per_line(R)
    grids = {} if flat else _header_grids(R, spec, found)
    for k, (r, (mstart, mend)) in enumerate(found):
        nxt = found[k + 1][1][0] if k + 1 < len(found) else len(R)
        ats = atoms(R, mend, nxt, flat, mid_cell=True)  # starts inside the label's cell
        label_end = mend
        for a in ats:
            if a.kind != TEXT:
                break
            label_end = a.end
        runs = _runs(ats, len(r.columns))
        inline = None
        floating = []
        after = ""
        for i, (before, run, first_line) in enumerate(runs):
            if i == 0 and first_line and all(b.end <= label_end for b in before):
                inline = run
                if i + 1 < len(runs) and runs[i + 1][0]:
                    after = runs[i + 1][0][0].text
                elif i + 1 == len(runs):
                    tail = [a for a in ats if a.start >= run[-1].end and a.kind == TEXT]
                    after = tail[0].text if tail else ""
            elif any(a.kind == NUM for a in run):
                last = not any(a.kind == TEXT and a.start >= run[-1].end for a in ats)
                floating.append((before, run, last))
        segs.append(_Seg(label_end, inline, floating, after))
    cells: dict[int, list[Atom]] = {k: seg.inline for k, seg in enumerate(segs) if seg.inline is not None}
    waiting: int | None = None  # a data row (before the current run) still without numbers
    extras: list[tuple[int, list[Atom], list[Atom]]] = []
    for k, seg in enumerate(segs):
        r = found[k][0]
        if not r.group and k not in cells:
            waiting = k
        elif k in cells:
            waiting = None
        for before, run, last in seg.floating:
            nxt = k + 1
            nxt_free = nxt < len(segs) and not found[nxt][0].group and nxt not in cells
            if waiting is not None:
                cells[waiting] = run
                waiting = None
            elif last and nxt_free:
                cells[nxt] = run  # numbers printed just above the next row's label
            elif nxt_free:
                cells[nxt] = run
            else:
                extras.append((k, before, run))
    for k, (r, (mstart, mend)) in enumerate(found):
        seg = segs[k]
        label = re.sub(r"\s+", "", R[mstart:seg.label_end]).strip("|")
        if _prose(label, r.norm_label):
            if not r.group:
                table.missing.append(r.id)
            continue
        row = Row(r.id, label, region.span(mstart, seg.label_end), part=r.part)
        cand = cells.get(k, [])
        if grids.get(r.part) and not r.group:
            aligned = _grid_cells(R, mstart, grids[r.part])
            if aligned is not None:
                cand = aligned
        if r.group:
            if any(a.kind == NUM for a in cand):
                row.status = "group-with-numbers"
                fill_cells(row, cand, region, r.columns)
                table.rows.append(row)
            continue
        if "(" in label and ")" not in label and seg.after_text:
            row.label = label + seg.after_text  # wrapped label continued after the numbers
        fill_cells(row, cand, region, r.columns)
        table.rows.append(row)
    for k, before, run in extras:
        r = found[k][0]
        if not any(a.kind == NUM for a in run) or len(run) < 2:
            continue
        label = "".join(a.text for a in before)
        start = before[0].start if before else run[0].start
        row = Row(None, label, region.span(start, (before[-1].end if before else run[0].start)), part=r.part)
        fill_cells(row, run, region, r.columns)
        row.status = "extra"
        table.rows.append(row)


def _line_cells(R: str, pos: int) -> list[tuple[str, int, int, int, int]]:
    """The cells of the pipe row holding ``pos``: (text, text start, text end, cell start, cell end), without
    the empty outer cells of a Markdown row ("| a | b |")."""
    ls = R.rfind("\n", 0, pos) + 1
    le = R.find("\n", pos)
    le = len(R) if le < 0 else le
    line = R[ls:le]
    out = []
    o = ls
    for c in line.split("|"):
        body = c.strip()
        cs = o + len(c) - len(c.lstrip())
        out.append((body, cs, cs + len(body), o, o + len(c)))
        o += len(c) + 1
    if line.startswith("|"):
        out = out[1:]
        if out and not out[-1][0]:
            out = out[:-1]
    return out


def _header_grids(R: str, spec: TableSpec, found) -> dict[int, list[tuple[int, int]]]:
    """For each part of a table written as pipe rows, the cell range of each official column, read from the
    header row(s) above its first row: published tables merge cells (a label spanning three columns, a header
    spanning two), and the readers write a merged cell as the cell followed by empty ones.  Values are then
    taken by column, not by counting."""
    grids: dict[int, list[tuple[int, int]]] = {}
    first_row: dict[int, int] = {}
    last_row: dict[int, int] = {}
    for r, (mstart, _) in found:
        first_row.setdefault(r.part, mstart)
        last_row[r.part] = mstart
    for pi, part in enumerate(spec.parts):
        if pi not in first_row:
            continue
        lo = max([last_row[q] for q in last_row if q < pi], default=0)
        hi = first_row[pi]
        window = R[lo:hi]
        if "|" not in window:
            continue
        cores = [core(normalize_label(c["label"])) for c in part.columns]
        index: list[int | None] = [None] * len(cores)
        pos = lo
        for line in window.split("\n"):
            if "|" in line:
                cells = _line_cells(R, pos + (len(line) - len(line.lstrip())) if line.strip() else pos)
                k = 0
                for ci, (body, *_rest) in enumerate(cells):
                    cc = core(body)
                    if not cc or k >= len(cores):
                        continue
                    for j in range(k, len(cores)):
                        want = cores[j]
                        if cc == want or cc.startswith(want) or (len(cc) >= 3 and want.startswith(cc)):
                            if index[j] is None:
                                index[j] = ci
                            k = j + 1
                            break
            pos += len(line) + 1
        if any(i is None for i in index) or any(b <= a for a, b in zip(index, index[1:])):
            continue
        spans = [(index[j], (index[j + 1] - 1) if j + 1 < len(index) else 10_000) for j in range(len(index))]
        grids[pi] = spans
    return grids


def _grid_cells(R: str, mstart: int, spans: list[tuple[int, int]]) -> list[Atom] | None:
    """The row's value for each column range; None when the row does not fit the header grid."""
    if "|" not in R[R.rfind("\n", 0, mstart) + 1:R.find("\n", mstart) if R.find("\n", mstart) >= 0 else len(R)]:
        return None
    cells = _line_cells(R, mstart)
    label_idx = next((i for i, c in enumerate(cells) if c[3] <= mstart <= c[4]), None)
    if label_idx is None or spans[0][0] <= label_idx or len(cells) <= spans[-1][0]:
        return None
    out: list[Atom] = []
    for a, b in spans:
        filled = [c for c in cells[a:b + 1] if c[0]]
        if len(filled) > 1:
            return None
        body, cs, ce, xs, xe = filled[0] if filled else cells[a]
        _cell_atom(body, cs, ce, xs, xe, out)
    return out


def _assemble_unkeyed(table: Table, r: RowSpec, spec: TableSpec, region: Region) -> None:
    """A row without a label of its own (table 四's single data row): the first run of numbers after the header."""
    R = region.text
    first_header = None
    ns = NoSpace(R)
    for part in spec.parts:
        for lab in part.headers + [c["label"] for c in part.columns]:
            hit = ns.find(core(normalize_label(lab)))
            if hit and (first_header is None or hit[0] < first_header):
                first_header = hit[0]
    if first_header is None:
        return
    ats = [a for a in atoms(R, first_header, len(R), cell_per_line(R)) if a.kind != NL]
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
    for i, run in enumerate(runs):
        nums = [a for a in run if a.kind == NUM]
        digits = sum(len(a.text) for a in nums)
        if len(run) >= expected or len(nums) >= 3 or digits >= expected:
            row = Row(r.id, "", region.span(run[0].start, run[0].start), part=r.part)
            trimmed = list(run)
            # the three groups printed as three small tables (行政复议 / 直接起诉 / 复议后起诉): join them when
            # the runs that follow make up exactly the official number of cells
            if len(run) < expected:
                joined = list(run)
                for nxt in runs[i + 1:]:
                    joined += nxt
                    if len(joined) >= expected:
                        break
                if len(joined) == expected and all(a.kind == NUM for a in joined):
                    trimmed = joined
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
            text = Region(report, start, end, skip).text
            region = (text, NoSpace(text))
        score = sum(1 for _, sig in spec.signals
                    if (region[1].find(sig) if isinstance(sig, str) else sig.search(region[0])))
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
        elif any(s.official for s in report.sections):
            continue  # the section itself is missing (NB101 says so); its table is not searched elsewhere
        else:
            # no recognisable section at all (headings lost in a copy): search the whole text
            start, end, skip = 0, len(report.text), [b.span for s in report.sections for b in s.blocks if b.kind == "furniture"]
        fid = choose_format(report, tid, start, end, skip)
        spec = table_specs(fid)[tid]
        table = assemble(report, tid, spec, start, end, skip, sec)
        if table is not None:
            report.tables[tid] = table
