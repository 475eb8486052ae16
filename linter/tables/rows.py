"""Giving each row label its numbers, in every layout real reports use."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from ..model import Row, Table
from .anchors import prose_label
from .cells import (
    BLANK,
    NL,
    NUM,
    TEXT,
    Atom,
    PipeCell,
    Region,
    atoms,
    fill_cells,
)
from .spec import RowSpec, TableSpec, core


@dataclass
class _Seg:
    """What follows one row label up to the next: its label text, and runs of numbers with their position."""

    label_end: int
    inline: list[Atom] | None  # numbers on the label's own line
    floating: list[tuple[list[Atom], list[Atom], bool]]  # (text before, numbers, nothing but numbers follows)
    after_text: str  # text right after the inline numbers (a wrapped label's second half)
    wrapped: bool = False  # the label text ends at a line break


def _runs(ats: list[Atom], expected: int) -> tuple[list[tuple[list[Atom], list[Atom], bool]], int]:
    """Split atoms into (text before, run of numbers, run starts on the label's line) triples.  A run is
    interrupted by text and by line breaks; runs split only by a line break are joined back while they fit.
    Also where the last text atom starts (-1 if none), found in the same pass."""
    out: list[tuple[list[Atom], list[Atom], bool]] = []
    last_text = -1
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
            last_text = a.start
    if run:
        out.append((text, run, run_first_line))
    return out, last_text


def assign_numbers(table: Table, spec: TableSpec, found, R: str, region: Region) -> None:
    """Give every row label its numbers.  Numbers on the label's own line are its cells; a line of numbers
    alone (PDF extraction prints them where the row's vertical centre falls: before, inside or after a label
    that wraps over several lines) goes to the nearest label that has no numbers yet: the earlier one if it is
    still waiting, else the next one.  Numbers that no label wants form an extra row."""
    segs: list[_Seg] = []
    flat = region.cell_lines
    grids = {} if flat else _header_grids(region, spec, found)
    for k, (r, (_mstart, mend)) in enumerate(found):
        nxt = found[k + 1][1][0] if k + 1 < len(found) else len(R)
        ats = atoms(region, mend, nxt, flat, mid_cell=True)  # starts inside the label's cell
        label_end = mend
        wrapped = False  # the label's text stops at a line break (PDF wrapping: the rest comes later)
        for a in ats:
            if a.kind != TEXT:
                wrapped = a.kind == NL
                break
            label_end = a.end
        runs, last_text = _runs(ats, len(r.columns))  # last_text: where the last text atom starts
        inline = None
        floating = []
        after = ""
        for i, (before, run, first_line) in enumerate(runs):
            # atoms come in text order: the text before the run ends within the label when its last atom does
            if i == 0 and first_line and (not before or before[-1].end <= label_end):
                inline = run
                if i + 1 < len(runs) and runs[i + 1][0]:
                    after = runs[i + 1][0][0].text
                elif i + 1 == len(runs):
                    run_end = run[-1].end
                    after = next((a.text for a in ats if a.start >= run_end and a.kind == TEXT), "")
            elif any(a.kind == NUM for a in run):
                last = last_text < run[-1].end  # no text after this run (one pass, not one per run)
                floating.append((before, run, last))
        segs.append(_Seg(label_end, inline, floating, after, wrapped))
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
    for k, (r, (mstart, _mend)) in enumerate(found):
        seg = segs[k]
        label = "".join(R[mstart : seg.label_end].split()).strip("|")  # split(): the same whitespace as \s
        if prose_label(label, r.norm_label):
            if not r.group:
                table.missing.append(r.id)
            continue
        # a label that stops at a line break, or whose text goes on after its numbers, was wrapped
        row = Row(
            r.id,
            label,
            region.span(mstart, seg.label_end),
            part=r.part,
            label_wrapped=seg.wrapped or bool(seg.after_text),
        )
        cand = cells.get(k, [])
        if grids.get(r.part) and not r.group:
            aligned = _grid_cells(region, mstart, grids[r.part])
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


def _line_bounds(R: str, pos: int) -> tuple[int, int]:
    """Where the line holding ``pos`` starts and ends (without its line break)."""
    le = R.find("\n", pos)
    return R.rfind("\n", 0, pos) + 1, len(R) if le < 0 else le


def _row_range(markdown: bool, cells: list[PipeCell]) -> tuple[int, int]:
    """Where a pipe row's cells start and end in the list of its line's cells: without the empty outer cells of a
    Markdown row ("| a | b |")."""
    if not markdown:
        return 0, len(cells)
    return 1, len(cells) - 1 if not cells[-1][0] else len(cells)  # a Markdown row has two cells at least


def _line_cells(region: Region, ls: int, le: int) -> list[PipeCell]:
    """The cells of the pipe row ``region.text[ls:le]`` (a whole line) without the empty outer cells of a
    Markdown row."""
    markdown, out, _starts, _atoms = region.pipe_cells(ls, le)
    first, end = _row_range(markdown, out)
    return out[first:end]


def _header_grids(region: Region, spec: TableSpec, found) -> dict[int, list[tuple[int, int]]]:
    """For each part of a table written as pipe rows, the cell range of each official column, read from the
    header row(s) above its first row: published tables merge cells (a label spanning three columns, a header
    spanning two), and the readers write a merged cell as the cell followed by empty ones.  Values are then
    taken by column, not by counting."""
    R = region.text
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
        if R.find("|", lo, hi) < 0:  # no pipe row above the part's first row (not a slice of the whole text)
            continue
        window = R[lo:hi]
        cores = part.column_cores
        index: list[int | None] = [None] * len(cores)
        pos = lo
        for line in window.split("\n"):
            if "|" in line:
                ls, le = _line_bounds(R, pos)  # the whole line (the window may start or end inside one)
                k = 0
                for ci, c in enumerate(_line_cells(region, ls, le)):
                    if k >= len(cores):  # every column placed on this line
                        break
                    cc = core(c[0]) if c[0] else ""  # most cells are empty
                    if not cc:
                        continue
                    for j in range(k, len(cores)):
                        want = cores[j]
                        if cc == want or cc.startswith(want) or (len(cc) >= 3 and want.startswith(cc)):
                            if index[j] is None:
                                index[j] = ci
                            k = j + 1
                            break
            pos += len(line) + 1
        found_at = [i for i in index if i is not None]
        if len(found_at) < len(index) or any(b <= a for a, b in zip(found_at, found_at[1:])):
            continue
        spans = [(a, (found_at[j + 1] - 1) if j + 1 < len(found_at) else 10_000) for j, a in enumerate(found_at)]
        grids[pi] = spans
    return grids


def _grid_cells(region: Region, mstart: int, spans: list[tuple[int, int]]) -> list[Atom] | None:
    """The row's value for each column range; None when the row does not fit the header grid."""
    R = region.text
    ls, le = _line_bounds(R, mstart)
    if R.find("|", ls, le) < 0:
        return None
    markdown, cells, starts, _atoms = region.pipe_cells(ls, le)
    first, end = _row_range(markdown, cells)  # the row's cells are cells[first:end]; spans count from first
    # the label's cell: each cell reaches from its start to the next one's pipe, so the last that starts before it
    label = bisect_right(starts, mstart) - 1
    if not first <= label < end or spans[0][0] <= label - first or end - first <= spans[-1][0]:
        return None
    out: list[Atom] = []
    for a, b in spans:
        a += first
        if a == b + first:  # a column of one cell: its atom, filled or blank
            out.append(cells[a][3])
            continue
        filled = [c for c in cells[a : min(b + first + 1, end)] if c[0]]
        if len(filled) > 1:
            return None
        out.append(filled[0][3] if filled else cells[a][3])  # the cell's atom
    return out


def assemble_unlabelled(table: Table, r: RowSpec, spec: TableSpec, region: Region) -> None:
    """A row without a label of its own (table 四's single data row): the first run of numbers after the header."""
    R = region.text
    ns = region.ns
    # the first header found; the map back to the region keeps the order, so only the earliest hit is mapped
    hits = [i for part in spec.parts for key in part.start_keys if (i := ns.text.find(key)) >= 0]
    if not hits:
        return
    first_header = ns.map.to_outer(min(hits))
    ats = [a for a in atoms(region, first_header, len(R), region.cell_lines) if a.kind != NL]
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
                for nxt in runs[i + 1 :]:
                    joined += nxt
                    if len(joined) >= expected:
                        break
                if len(joined) == expected and all(a.kind == NUM for a in joined):
                    trimmed = joined
            lead = 0  # leading blanks beyond the expected count are dropped (one slice: pop(0) was quadratic)
            while len(trimmed) - lead > expected and trimmed[lead].kind == BLANK:
                lead += 1
            trimmed = trimmed[lead:]
            fill_cells(row, trimmed, region, r.columns)
            row.span = (row.cells[0].span[0], row.cells[-1].span[1]) if row.cells else row.span
            table.rows.append(row)
            return
    table.missing.append(r.id)
