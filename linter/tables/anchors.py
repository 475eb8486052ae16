"""Finding the official row labels in a table's text: which occurrence of each label is the row."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate
from operator import add

from ..spans import OffsetMap
from .cells import cell_spec
from .spec import RowSpec


class NoSpace:
    """A text without its whitespace, for finding labels that line wrapping or PDF extraction has interrupted
    ("重新出\n具", "商业 企业"), with its map back to the original string.  Plain ``str.find`` on it is much
    cheaper than compiling a regular expression per label."""

    __slots__ = ("text", "map")

    _SPACES = re.compile(r"\s+")

    def __init__(self, text: str):
        words = text.split()  # the same runs as \S+ (str.split and \s agree on every code point)
        self.text = "".join(words)
        if not words:
            self.map = OffsetMap.of_runs([], [])
            return
        if len(text) - len(self.text) == text.count(" ") + text.count("\n"):
            # white space of spaces and line breaks only (most tables): the words are the pieces between single
            # separators; no regular expression over the text
            self.map = OffsetMap.without(text.replace("\n", " "), " ")
            return
        # one run per word, starting after the words and the whitespace runs before it (sums over lengths)
        lengths = list(map(len, words))
        gaps = list(map(len, self._SPACES.findall(text)))
        lead = gaps.pop(0) if text[0].isspace() else 0
        self.map = OffsetMap.of_runs(list(accumulate(map(add, lengths[:-1], gaps), initial=lead)), lengths)

    def find_all(self, needle: str, limit: int = 1_000_000):
        """(start, end) in the original string of each occurrence of ``needle`` (which has no whitespace)."""
        out: list[tuple[int, int]] = []
        i = self.text.find(needle)
        while i >= 0 and len(out) < limit:
            out.append(self.map.span_to_outer(i, i + len(needle)))
            i = self.text.find(needle, i + len(needle))
        return out

    def find(self, needle: str):
        i = self.text.find(needle)
        return None if i < 0 else self.map.span_to_outer(i, i + len(needle))


@dataclass
class Hit:
    """An occurrence of a row label's key in the region text."""

    start: int
    end: int
    text: str


MAX_CANDIDATES = 12


def scattered(key: str, text: str) -> bool:
    """Every character of ``key`` occurs in ``text`` (as often as in the key)."""
    return all(text.count(ch) >= key.count(ch) for ch in set(key))


def align_rows(keyed: list[RowSpec], R: str, ns: NoSpace) -> dict[str, Hit]:
    """Choose one occurrence of each row label so that as many rows as possible appear in the official order
    (a longest increasing chain).  A header cell that repeats a row word ("总计", "结转下年度") or a mention in
    prose then cannot take the place of the real row.  Data rows weigh more than group labels; among equal
    chains the earliest positions win."""
    # A chain: (score, end, row index, start of its last hit, the chain it extends).  Only the chains that can still be
    # chosen are kept (the frontier): ordered by end, each scoring more than every chain that ends before it; a
    # chain that ends no earlier than a kept one and scores no more is never the best choice (when score and end
    # are equal, the chain found first is).  The best chain ending before a hit is then the last one kept there.
    front: list[tuple] = [(0.0, 0, -1, -1, None)]  # the sentinel: the empty chain
    ends = [0]
    for i, r in enumerate(keyed):
        hits = _hits(r, ns)
        if not hits:  # most official rows of a short table text: nothing to chain
            continue
        w = 0.5 if r.group else 1.0
        new = []
        for a, b in hits:
            if not _in_sentence(R, b):
                top = front[bisect_right(ends, a) - 1]
                new.append((top[0] + w, b, i, a, top))
        for c in new:  # after the row's hits: a row's chains do not extend each other
            score, end = c[0], c[1]
            if front[bisect_right(ends, end) - 1][0] >= score:
                continue
            lo = hi = bisect_left(ends, end)
            while hi < len(front) and front[hi][0] <= score:
                hi += 1
            front[lo:hi] = [c]
            ends[lo:hi] = [end]
    chain = front[-1]  # the highest score, ending earliest
    out: dict[str, Hit] = {}
    while chain[4] is not None:  # only the sentinel extends no chain
        _score, b, i, a, chain = chain
        out[keyed[i].id] = Hit(a, b, R[a:b])
    return out


def _hits(r: RowSpec, ns: NoSpace, limit: int | None = MAX_CANDIDATES) -> list[tuple[int, int]]:
    """Occurrences of the row's keys in text order (the first MAX_CANDIDATES of each key; of all, ``limit``)."""
    keys = [k for k in r.keys or () if k in ns.text]  # a plain containment test first: most keys are absent
    if len(keys) == 1:
        return ns.find_all(keys[0], MAX_CANDIDATES)
    return sorted(h for k in keys for h in ns.find_all(k, MAX_CANDIDATES))[:limit]


def out_of_order(keyed: list[RowSpec], chosen: dict[str, Hit], R: str, ns: NoSpace) -> None:
    """Rows that the in-order chain left out but that stand, out of order, on a table line of their own (a
    conversion that moved part of a table across a page break): take them where they are."""
    taken = [(h.start, h.end) for h in chosen.values()]
    for r in keyed:
        if r.id in chosen or r.group:
            continue
        for a, b in _hits(r, ns, None):
            if any(a < e and s < b for s, e in taken) or _in_sentence(R, b) or not _table_line(R, a, b):
                continue
            chosen[r.id] = Hit(a, b, R[a:b])
            taken.append((a, b))
            break


def _in_sentence(R: str, b: int) -> bool:
    """The label word ending at ``b`` is part of a sentence: the first number after it carries a counter
    ("予以公开2件"), or a full stop comes before any number."""
    m = cell_spec()[2].match(R, b, min(len(R), b + 40))
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
        cell = R[cs : ce if ce >= 0 else le].strip()
        after = R[ce:le] if ce >= 0 else ""
        # a short label cell with numbers after it on its row (a header cell such as 总计 has none)
        return len(cell) <= 60 and "。" not in cell and any(ch.isdigit() for ch in after)
    rest = R[b:le]
    return bool(re.fullmatch(r"[^\d。,;]{0,12}?[\s\d./—-]+", rest)) and any(ch.isdigit() for ch in rest)


def prose_label(label: str, official: str) -> bool:
    """A "label" that runs on into a sentence is a word in prose, not a table row."""
    return "。" in label or len(label) > len(official) + 30


_EQUIV_CHAR = {"、": ".", ",": "."}  # numbering punctuation written either way ("2、" for "2.")
_EQUIV = str.maketrans(_EQUIV_CHAR)  # the same, for a string


def extend_back(R: str, m: Hit, official: str, floor: int) -> tuple[int, int]:
    """Start of the row label: from the key back over the official label's leading words and numbering
    (``行政`` before ``规范性文件``, ``2.`` before ``其他法律``), as far as the text agrees with the official label."""
    start = m.start
    key_text = "".join(m.text.split())
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
        if _EQUIV_CHAR.get(ch, ch) != want[j - 1]:
            break
        i -= 1
        j -= 1
        start = i
    return start, m.end
