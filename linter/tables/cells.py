"""Table text as atoms (numbers, blank cells, text, line breaks) and cells: how a row's numbers are read.

On pipe rows the cells are the atoms; elsewhere numbers and text are cut apart where they meet (web crawls run
cells together).  Digits written without separators are split only when that is unambiguous (as many digits as
cells); otherwise the row is recorded as ``unparseable``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from .. import budget
from ..model import Cell, Report, Row
from ..spans import OffsetMap

NUM = "num"
BLANK = "blank"
TEXT = "text"
NL = "nl"

# a line without pipes, cut into white space, numbers and text: every character is in one of them, so the pieces
# follow each other and their offsets are running sums of their lengths (no match object per piece)
_ATOM = re.compile(r"(\s+)|(-?\d+(?:,\d{3})*(?:\.\d+)?)|([^\s\d]+)")


@dataclass(slots=True)
class Atom:
    kind: str
    text: str
    start: int  # offset in the region string
    end: int
    pipe: bool = False  # a cell of a line written with pipes


# a cell of a pipe row: its text (stripped), where the cell starts and ends (between its pipes), its atom
PipeCell = tuple[str, int, int, Atom]


class Region:
    """The text a table is searched in (a section's body without page furniture) and its map to the canonical
    text.  One region serves the format's choice and the assembly: its whitespace-free text (:attr:`ns`) and
    the cells of its pipe rows (:meth:`pipe_cells`) are worked out once, on first use."""

    __slots__ = ("report", "map", "text", "_ns", "_kept", "_flat", "_pipes", "_run")

    def __init__(self, report: Report, start: int, end: int, skip: list[tuple[int, int]], kept: dict | None = None):
        """``kept``: whitespace-free texts of an earlier parse of the same document by region text
        (:attr:`nblint.pipeline.Memo.no_space`), looked up and added to."""
        self.report = report
        self._kept = kept
        pieces = []
        pos = start
        for s, e in sorted(skip) + [(end, end)]:
            if s < pos:
                continue
            if s > pos:
                pieces.append((pos, s))
            pos = max(pos, e)
        self.map = OffsetMap.from_pieces(pieces, origin=start)
        self.text = "".join(report.text[a:b] for a, b in pieces)
        self._ns = None
        self._flat: bool | None = None
        self._pipes: dict[int, tuple[int, bool, list[PipeCell], list[int], list[Atom]]] = {}
        self._run = (0, 0, 0)  # the map's run last used by span(): inner start, inner end, outer - inner

    @property
    def ns(self):
        """The region's text without whitespace (:class:`.anchors.NoSpace`), built once; with ``kept``, taken from
        the parse before when the region's text is the same (a re-lint after an edit elsewhere in the document)."""
        if self._ns is None:
            kept = self._kept
            ns = kept.get(self.text) if kept is not None else None
            if ns is None:
                from .anchors import NoSpace

                ns = NoSpace(self.text)
                if kept is not None:
                    kept[self.text] = ns
            self._ns = ns
        return self._ns

    @property
    def cell_lines(self) -> bool:
        """The region's table is flattened to one cell per line (:func:`cell_per_line`), judged once."""
        if self._flat is None:
            self._flat = cell_per_line(self.text)
        return self._flat

    def source_char_before(self, i: int) -> str | None:
        """The character just before region offset ``i`` in the original (reader) text."""
        src = self.report.norm.map.to_outer(self.map.to_outer(i))
        text = self.report.source.text
        return text[src - 1] if src > 0 else None

    def span(self, s: int, e: int) -> tuple[int, int]:
        """Canonical span of the region span ``[s, e)``.  A row's cells lie in one run of the map (the same
        characters, shifted): the run of the last span is kept, and a span inside it is shifted without a search."""
        lo, hi, d = self._run
        if lo <= s < e <= hi:
            return s + d, e + d
        m = self.map
        if 0 <= s < e <= m.length:
            inner = m.inner
            k = bisect_right(inner, s) - 1
            hi = inner[k + 1] if k + 1 < len(inner) else m.length
            if e <= hi:
                lo = inner[k]
                d = m.outer[k] - lo
                self._run = (lo, hi, d)
                return s + d, e + d
        return m.span_to_outer(s, e)

    def pipe_cells(self, ls: int, le: int) -> tuple[bool, list[PipeCell], list[int], list[Atom]]:
        """The cells of the pipe row ``text[ls:le]`` (a whole line), split once for all who read them: whether
        the row is written as Markdown (opens with a pipe), each cell as (text, cell start, cell end, its atom),
        the outer empty cells of a Markdown row included, where each cell starts, and the cells' atoms."""
        hit = self._pipes.get(ls)
        if hit is not None and hit[0] == le:
            return hit[1:]
        blanks, number_unit, _ = cell_spec()
        out: list[PipeCell] = []
        starts: list[int] = []
        atoms: list[Atom] = []
        o = ls
        for raw in self.text[ls:le].split("|"):
            body = raw.strip()
            ce = o + len(raw)
            if not body:  # most cells of a published table are empty or a number: no call for those
                atom = Atom(BLANK, "", o, ce, True)
            else:
                cs = ce - len(raw.lstrip())
                if body.isdecimal():
                    atom = Atom(NUM, body, cs, cs + len(body), True)
                else:
                    atom = _cell_atom(body, cs, cs + len(body), blanks, number_unit)
            out.append((body, o, ce, atom))
            starts.append(o)
            atoms.append(atom)
            o = ce + 1
        markdown = self.text.startswith("|", ls, le)
        self._pipes[ls] = (le, markdown, out, starts, atoms)
        return markdown, out, starts, atoms


@lru_cache(maxsize=1)
def cell_spec():
    """Blank markers and units of table cells (grammar/lines.yaml)."""
    from .. import data

    spec = data.load_yaml("grammar/lines.yaml")
    number_unit = re.compile(rf"(-?\d+(?:,\d{{3}})*(?:\.\d+)?)\s*(?:{spec['cell-units']})?")
    # after a label: a sentence's full stop before any number, or a number with a counter ("2件")
    sentence = re.compile(rf"[^\d\n|。]*?(?:(?P<stop>。)|\d+(?:\.\d+)?\s*(?P<counter>{spec['prose-counters']}))")
    return frozenset(spec["blank-cells"]), number_unit, sentence


_CELL_LINE = re.compile(r"^[^|\n]*\|[\s|]*$", re.M)
# possessive: a long line without a pipe is given up at once (no split of it between the two runs is tried)
_FILLED_CELL_LINE = re.compile(r"^[^|\S\n]*+[^|\s][^|\n]*+\|[\s|]*$", re.M)


def cell_per_line(text: str) -> bool:
    """Tables flattened to one cell per line, each closed by a pipe (``规章 |`` / ``0 |`` / ``|``)."""
    if text.count("|") < 8:
        return False
    n = len(_CELL_LINE.findall(text))
    if n < 8:  # most tables: rows of several cells (the other counts would not change the answer)
        return False
    filled = len(_FILLED_CELL_LINE.findall(text))
    pipe_lines = [ln for ln in text.split("\n") if "|" in ln]
    single = sum(1 for ln in pipe_lines if ln.count("|") == 1)
    # lines that end in a pipe, most of them holding one cell (a bare "|" line alone is a separator)
    return n >= 0.6 * len(pipe_lines) and filled >= 0.5 * n and single >= 0.5 * len(pipe_lines)


def atoms(region: Region, start: int, end: int, cell_lines: bool = False, mid_cell: bool = False) -> list[Atom]:
    """Numbers, blank cells, text chunks and line breaks of ``region.text[start:end]``.

    On a line written with pipes the cells are the atoms: a cell is a number only if it holds nothing else
    (``数据1`` is text), and an empty cell between two pipes is a blank.  Elsewhere numbers and text are cut
    apart wherever they meet (``规章000`` → 规章 + 000), as web crawls run cells together."""
    text = region.text
    out: list[Atom] = []
    pos = start
    lines = 0
    while pos < end:
        if not lines & 31:  # the time budget, every 32 lines (a check per line cost more than most lines)
            budget.check()
        lines += 1
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        pipe = text.find("|", pos, stop) >= 0
        if cell_lines and pipe and _CELL_LINE.match(line := text[pos:stop]):
            # one cell per line: the line break is not the end of a row; a bare pipe is an empty cell
            raw = line.split("|")[0]
            body = raw.strip()
            bs = pos + len(raw) - len(raw.lstrip())
            cell_atom(body, bs, bs + len(body), pos, stop, out)
            if nl < 0:
                break
            pos = nl + 1
            continue
        if pipe:
            _pipe_atoms(region, pos, stop, out, skip_empty_first=mid_cell and pos == start)
        else:
            _plain_atoms(text, pos, stop, out)
        if nl < 0:
            break
        out.append(Atom(NL, "\n", nl, nl + 1))
        pos = nl + 1
    return out


def _pipe_atoms(region: Region, s: int, e: int, out: list[Atom], skip_empty_first: bool = False) -> None:
    """The cells of ``text[s:e]`` (a piece of one line) as atoms: the line's cells as :meth:`Region.pipe_cells`
    split them, the piece's first and last cells cut at ``s`` and ``e`` where these fall inside a cell."""
    text = region.text
    # Markdown rows open and close with a pipe ("| a | b |"): nothing outside them is a cell.  Rows written by
    # the HTML/DOCX/PDF readers ("a |  | b") have no outer pipes, so an empty first or last cell is a real one.
    ls = text.rfind("\n", 0, s) + 1  # the slice may start inside the line: judge the whole line
    le = text.find("\n", e)
    le = len(text) if le < 0 else le
    markdown, cells, starts, line_atoms = region.pipe_cells(ls, le)
    if s == ls and e == le:  # the whole line (most pieces): no cell is cut
        first = 1 if (markdown or skip_empty_first) and not cells[0][0] else 0
        last = len(cells) - 1 if markdown and len(cells) > 1 and not cells[-1][0] else len(cells)
        out += line_atoms[first:last]
        return
    j0 = bisect_right(starts, s) - 1
    j1 = bisect_right(starts, e)
    ats = line_atoms[j0:j1]
    first_body, ats[0] = _cut_cell(text, cells[j0], s, e)
    if j1 - 1 > j0:
        last_body, ats[-1] = _cut_cell(text, cells[j1 - 1], s, e)
    else:
        last_body = first_body
    first = 1 if (markdown or skip_empty_first) and not first_body else 0
    last = len(ats) - 1 if markdown and len(ats) > 1 and not last_body else len(ats)
    out += ats[first:last]


def _cut_cell(text: str, cell: PipeCell, s: int, e: int) -> tuple[str, Atom]:
    """The text and atom of the part of the pipe cell ``cell`` inside ``[s, e)``.  A cut that leaves the cell's
    text whole (it only takes off spaces around it) keeps the cell's atom; only a cut into the text reads it
    again."""
    body, xs, xe, atom = cell
    if s <= xs and xe <= e:  # not cut
        return body, atom
    xs, xe = max(xs, s), min(xe, e)
    if body and xs <= atom.start and atom.start + len(body) <= xe:
        return body, atom
    raw = text[xs:xe]
    body = raw.strip()
    if not body:
        return body, Atom(BLANK, "", xs, xe, True)
    blanks, number_unit, _ = cell_spec()
    cs = xs + (len(raw) - len(raw.lstrip()))
    return body, _cell_atom(body, cs, cs + len(body), blanks, number_unit)


def cell_atom(body: str, cs: int, ce: int, cell_start: int, cell_end: int, out: list[Atom]) -> None:
    """One table cell: a number (with an optional unit after it), a blank, or text."""
    if not body:
        out.append(Atom(BLANK, "", cell_start, cell_end, True))
    else:
        blanks, number_unit, _ = cell_spec()
        out.append(_cell_atom(body, cs, ce, blanks, number_unit))


def _cell_atom(body: str, cs: int, ce: int, blanks: frozenset, number_unit: re.Pattern) -> Atom:
    """A cell with text (``body``, at [cs, ce)): a number, a blank marker or text."""
    if body.isdecimal():  # what \d matches (Unicode category Nd): the whole cell is the number
        return Atom(NUM, body, cs, ce, True)
    # a number with a unit starts with its digits or minus sign: a label cell is not tried against the pattern
    if (body[0] == "-" or body[0].isdecimal()) and (m := number_unit.fullmatch(body)):
        num = m.group(1)
        return Atom(NUM, num, cs, cs + len(num), True)
    if body in blanks:
        return Atom(BLANK, body, cs, ce, True)
    return Atom(TEXT, body, cs, ce, True)


def _plain_atoms(text: str, s: int, e: int, out: list[Atom]) -> None:
    blanks = cell_spec()[0]
    add = out.append
    a = s
    for space, num, tok in _ATOM.findall(text, s, e):
        if space:
            a += len(space)
        elif num:
            b = a + len(num)
            add(Atom(NUM, num, a, b))
            a = b
        else:
            b = a + len(tok)
            add(Atom(BLANK if tok in blanks and _standalone(text, a, b) else TEXT, tok, a, b))
            a = b


def _standalone(text: str, s: int, e: int) -> bool:
    before = text[s - 1] if s > 0 else "\n"
    after = text[e] if e < len(text) else "\n"
    return (before.isspace() or before == "|") and (after.isspace() or after == "|")


def _glued(a: Atom, region: Region) -> bool:
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
    lead = 0  # leading blanks beyond the expected count, dropped at once (pop(0) in a loop is quadratic)
    while len(cells) - lead > expected and cells[lead].kind == BLANK:
        lead += 1
    del cells[:lead]
    if len(cells) != expected:  # only a row with too many or too few cells is looked at more closely
        nums = [a for a in cells if a.kind == NUM]
        digits = sum(len(a.text) for a in nums)
        all_int = all(a.text.isdigit() for a in nums)
        if nums and all_int and len(cells) == len(nums) and digits == expected:
            # "0000000" for seven cells: one digit per cell is the only reading
            split = []
            for a in nums:
                for k, ch in enumerate(a.text):
                    split.append(Atom(NUM, ch, a.start + k, a.start + k + 1))
            cells = split
        elif (
            nums
            and len(cells) < expected
            and (any(_glued(a, region) for a in nums) or (len(nums) <= expected / 2 and digits >= expected))
        ):
            row.status = "unparseable"
            row.cells = [Cell(a.text, None, region.span(a.start, a.end), "invalid") for a in cells]
            return
        else:
            row.status = "wrong-count"
    add = row.cells.append
    lo, hi, d = region._run  # Region.span's first test, inline: a row's cells lie in one run of the map
    for i, a in enumerate(cells):
        col = columns[i]["id"] if i < expected else None
        t, s, e = a.text, a.start, a.end
        if lo <= s < e <= hi:
            span = (s + d, e + d)
        else:
            span = region.span(s, e)
            lo, hi, d = region._run
        if a.kind == BLANK:
            add(Cell(t, None, span, "blank", col))
        else:
            v = int(t) if len(t) < 19 and t.isdecimal() else _value(t)  # most cells: a few plain digits
            add(Cell(t, v, span, "number" if v is not None else "invalid", col))
