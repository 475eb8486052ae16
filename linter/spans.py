"""Positions: the one offset-map type and the one line index that every stage uses.

nblint keeps exact positions from the original file to the diagnostic.  Each stage that derives a text from
another one (the normaliser deleting characters, a check joining wrapped lines, the table assembler skipping page
furniture, the label finder dropping whitespace) describes the derivation with an :class:`OffsetMap`; whoever
needs a position in the earlier text asks the map.  :class:`LineIndex` turns offsets into line:column and back,
in code points (what diagnostics show), UTF-16 code units (the LSP default) or UTF-8 bytes.

Two rules hold everywhere and are written only here:
- a span ``[s, e)`` of a derived text maps to ``[to_outer(s), to_outer(e - 1) + 1)``: the end follows the last
  character of the span, not the character after it, which may come from far away (after a deleted comment, a
  removed line break);
- lines end at ``"\\n"``; a ``"\\r"`` before it is an ordinary character of the line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate, compress, repeat
from operator import add
from typing import NamedTuple


class OffsetMap:
    """Where the characters of a derived ("inner") text come from in the text it was made from ("outer").

    The inner text is cut into runs: from inner offset ``inner[k]`` on, its characters continue the outer text
    at ``outer[k]`` one for one, up to the next run.  ``end`` is where the end of the inner text (offset
    ``length``) lies in the outer text.  The map is strictly increasing: later characters come from later
    places, and no outer character is used twice."""

    __slots__ = ("inner", "outer", "length", "end")

    def __init__(self, inner: list[int], outer: list[int], length: int, end: int):
        self.inner = inner
        self.outer = outer
        self.length = length
        self.end = end

    # -- construction ----------------------------------------------------------------------------------------
    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        return cls([0], [0], length, length)

    @classmethod
    def from_pieces(cls, pieces: Iterable[tuple[int, int]], origin: int = 0, end: int | None = None) -> OffsetMap:
        """The map of the text made by concatenating ``outer[a:b]`` for each piece ``(a, b)`` (in order, not
        overlapping; empty pieces are ignored).  An empty result lies at ``origin``; the end of the result lies
        where the last piece ends, unless ``end`` says otherwise."""
        inner: list[int] = []
        outer: list[int] = []
        n = 0
        last = -1
        for a, b in pieces:
            if b <= a:
                continue
            if a != last:  # a piece that continues the previous one is part of its run
                inner.append(n)
                outer.append(a)
            n += b - a
            last = b
        if not inner:
            return cls([0], [origin], 0, origin if end is None else end)
        return cls(inner, outer, n, last if end is None else end)

    @classmethod
    def of_runs(cls, starts: list[int], lengths: list[int], origin: int = 0) -> OffsetMap:
        """:meth:`from_pieces` for pieces known to be runs of their own: non-empty, and none continuing the one
        before (words between whitespace, lines between line breaks), given as their starts and lengths; made with
        sums in C instead of a Python step per piece."""
        if not starts:
            return cls([0], [origin], 0, origin)
        inner = list(accumulate(lengths, initial=0))
        return cls(inner[:-1], list(starts), inner[-1], starts[-1] + lengths[-1])

    @classmethod
    def without(cls, text: str, sep: str, origin: int = 0) -> OffsetMap:
        """The map of ``text`` (which starts at ``origin`` of the outer text) with every ``sep``, one character, taken
        out: each piece between separators is a run of its own (:meth:`of_runs`), starting after the pieces and the
        separators before it."""
        lengths = list(map(len, text.split(sep)))
        starts = compress(accumulate(map(add, lengths, repeat(1)), initial=origin), lengths)
        return cls.of_runs(list(starts), [n for n in lengths if n], origin)

    @classmethod
    def deleting(cls, spans: Iterable[tuple[int, int]], outer_length: int) -> OffsetMap:
        """The map of a text of length ``outer_length`` from which the (sorted, disjoint) ``spans`` are deleted;
        the end of the result is the end of the outer text."""

        def kept():
            pos = 0
            for s, e in spans:
                yield pos, s
                pos = max(pos, e)
            yield pos, outer_length

        return cls.from_pieces(kept(), 0, outer_length)

    @classmethod
    def keeping(cls, text: str, pattern: re.Pattern) -> OffsetMap:
        """The map of the text made of the matches of ``pattern`` in ``text`` (e.g. ``\\S+``: without whitespace)."""
        return cls.from_pieces(m.span() for m in pattern.finditer(text))

    # -- queries ---------------------------------------------------------------------------------------------
    def to_outer(self, i: int) -> int:
        """Outer offset of the inner character at ``i``; ``length`` (and beyond) maps to ``end``."""
        if i >= self.length:
            return self.end
        if i <= 0:
            return self.outer[0]
        k = bisect_right(self.inner, i) - 1
        return self.outer[k] + (i - self.inner[k])

    def span_to_outer(self, start: int, end: int) -> tuple[int, int]:
        """The outer span of the inner span ``[start, end)``: it ends right after the outer character of the
        span's last character.  An empty span maps to an empty span."""
        if end <= start:
            s = self.to_outer(start)
            return s, s
        last = end - 1
        if 0 < start and last < self.length:  # both inside: one bisection when they lie in the same run
            inner = self.inner
            k = bisect_right(inner, start) - 1
            if k + 1 == len(inner) or last < inner[k + 1]:
                o = self.outer[k] - inner[k]
                return o + start, o + last + 1
        return self.to_outer(start), self.to_outer(last) + 1

    def to_inner(self, o: int) -> int:
        """The first inner offset whose character comes from outer offset ``o`` or later (``length`` if none):
        the inverse of :meth:`to_outer` on the characters the inner text kept."""
        k = bisect_right(self.outer, o) - 1
        if k < 0:
            return 0
        run_end = self.inner[k + 1] if k + 1 < len(self.inner) else self.length
        return min(self.inner[k] + (o - self.outer[k]), run_end)

    def then(self, outer_map: OffsetMap) -> OffsetMap:
        """Composition: this map goes into the inner text of ``outer_map``; the result maps this map's inner text
        straight to ``outer_map``'s outer text."""
        inner: list[int] = []
        outer: list[int] = []
        mid_runs = outer_map.inner
        nrun = len(mid_runs)
        for k, a in enumerate(self.inner):
            b = self.inner[k + 1] if k + 1 < len(self.inner) else self.length
            x = self.outer[k]
            j = max(bisect_right(mid_runs, x) - 1, 0)
            while a < b:
                step = b - a
                if j + 1 < nrun:
                    step = min(step, mid_runs[j + 1] - x)
                o = outer_map.outer[j] + (x - mid_runs[j])
                if not inner or outer[-1] + (a - inner[-1]) != o:
                    inner.append(a)
                    outer.append(o)
                a += step
                x += step
                j += 1
        if not inner:
            return OffsetMap([0], [outer_map.to_outer(self.outer[0])], 0, outer_map.to_outer(self.end))
        return OffsetMap(inner, outer, self.length, outer_map.to_outer(self.end))

    def __repr__(self) -> str:
        runs = ", ".join(f"{i}->{o}" for i, o in zip(self.inner, self.outer))
        return f"OffsetMap([{runs}], length={self.length}, end={self.end})"


class Joined:
    """A text with its line breaks removed (PDF and web wrapping split words and phrases: "三\\n是"), with the
    map back to the text it came from.  Checks search ``text`` and turn matches into spans of the original with
    :meth:`span`; no check computes an end as "start + length of the match"."""

    __slots__ = ("text", "map")

    def __init__(self, text: str, start: int = 0, end: int | None = None):
        end = len(text) if end is None else end
        seg = text[start:end]
        self.map = OffsetMap.without(seg, "\n", start)  # every non-empty line is a run of its own
        self.text = seg.replace("\n", "")

    def span(self, match: re.Match, group: int | str = 0) -> tuple[int, int]:
        """The span in the original text of a match (or one of its groups) found in ``text``."""
        return self.map.span_to_outer(*match.span(group))

    def to_outer(self, i: int) -> int:
        return self.map.to_outer(i)


def line_starts(text: str) -> list[int]:
    """Offset of the first character of every line of ``text`` (lines end with "\\n")."""
    starts = [0]
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


def width(s: str, encoding: str) -> int:
    """Length of ``s`` in code units of ``encoding`` ("utf-16", "utf-8" or "utf-32"/code points)."""
    if encoding == "utf-32" or s.isascii():
        return len(s)
    if encoding == "utf-8":
        return len(s.encode("utf-8", "surrogatepass"))
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


class LineIndex:
    """Lines of a text and the conversions between offsets and positions.

    Offsets are 0-based code-point offsets into ``text``.  Positions for people are 1-based (line, column) in
    code points; positions for protocols are 0-based (line, character) in the code units of an encoding:
    "utf-16" (LSP's default; an astral character such as 𠀀 counts 2), "utf-8" (bytes; a Chinese character
    counts 3) or "utf-32" (code points).  Every conversion clamps to the text."""

    __slots__ = ("text", "starts")

    def __init__(self, text: str, starts: list[int] | None = None):
        """``starts``: the text's :func:`line_starts` when the caller has them already (not checked)."""
        self.text = text
        self.starts = line_starts(text) if starts is None else starts

    def __len__(self) -> int:
        """Number of lines (a text ending in "\\n" has an empty last line)."""
        return len(self.starts)

    def line_span(self, line: int) -> tuple[int, int]:
        """Offsets of the first character of 1-based ``line`` and of its end (its "\\n", or the end of text)."""
        line = max(1, min(line, len(self.starts)))
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return start, end

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` without its "\\n" ("" outside the text)."""
        if line < 1 or line > len(self.starts):
            return ""
        s, e = self.line_span(line)
        return self.text[s:e]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and code-point column of ``offset``."""
        offset = max(0, min(offset, len(self.text)))
        i = bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1

    def offset(self, line: int, col: int) -> int:
        """Inverse of :meth:`line_col`: a column beyond the end of the line is the end of the line."""
        s, e = self.line_span(line)
        return s + max(0, min(col - 1, e - s))

    def position(self, offset: int, encoding: str = "utf-16") -> tuple[int, int]:
        """0-based line and character (in code units of ``encoding``) of ``offset``."""
        line, col = self.line_col(offset)
        s = self.starts[line - 1]
        return line - 1, width(self.text[s : s + col - 1], encoding)

    def offset_at(self, line0: int, character: int, encoding: str = "utf-16") -> int:
        """Inverse of :meth:`position`.  A position inside a character (between the two halves of a surrogate
        pair, inside a UTF-8 sequence) is that character; one beyond the end of the line is the end of the line."""
        s, e = self.line_span(max(0, line0) + 1)
        line = self.text[s:e]
        character = max(0, character)
        if encoding == "utf-32" or line.isascii():
            return s + min(character, e - s)
        used = 0
        for i, ch in enumerate(line):
            if used >= character:
                return s + i
            used += width(ch, encoding)
            if used > character:
                return s + i
        return e


class Run(NamedTuple):
    """From ``start`` (offset in a reader's text) on, the text's characters continue the original file at
    line:col (1-based, code points).  A named tuple, not a frozen dataclass: a portal page has ~1,000 runs, and
    a frozen dataclass cost 0.7 µs each to build (a tenth of reading the page) and more to pickle."""

    start: int
    line: int
    col: int


class RunIndex:
    """Offsets of a reader's text → line:col of the original file it was extracted from (HTML: the text node or
    cell each character came from), by a sorted list of :class:`Run`."""

    __slots__ = ("runs", "starts")

    def __init__(self, runs: list[Run]):
        self.runs = runs
        self.starts = [r.start for r in runs]

    def line_col(self, offset: int) -> tuple[int, int] | None:
        k = bisect_right(self.starts, offset) - 1
        if k < 0:
            return None
        r = self.runs[k]
        return r.line, r.col + (offset - r.start)
