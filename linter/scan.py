"""Find a pattern's matches quickly: look only where a match can start.

CPython's regex engine skips ahead quickly only when a pattern starts with a literal, a character class or an
alternation of literals.  A pattern that starts with a look-behind (``(?<![不及])予以公开``), with groups
(``(?P<u0>我区|本区)|(?P<u1>我省|本省)``) or with an alternation of classes tries all of itself at every
character of the text (about ten times slower than a scan).  :func:`finditer` first finds, with one character class scanned in C, the characters a
match can start with (computed from the pattern once), and tries the pattern only there: the same matches as
``pattern.finditer``, found much faster in long texts where those characters are rare.

The first characters are read from the parsed pattern (CPython's private ``re._parser``, 3.11–3.13, as
:mod:`nblint.rxcache` does); a pattern whose first character can be anything, or a large set of characters, or
that may match the empty string, or that ignores case — and any other Python — is simply run with ``finditer``.
A pattern that starts with an alternation of a few literal words (``(?:未|没有)收到``) is looked for with
``str.find`` of each word: the engine's own scan for such a start tests one character at a time.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import chain
from typing import Literal

# a start class of more code points than this is not worth a scan (most characters of a text would be in it)
MAX_START_CHARS = 512


BEGINNING = (-1, -1)  # in _first's ranges: the match may start at the beginning of the text (^ or \\A)


def _first(items, c) -> tuple[list[tuple[int, int]], bool] | None:
    """(ranges of code points a match of ``items`` can start with, whether it can match empty); None if unknown."""
    ranges: list[tuple[int, int]] = []
    for op, av in items:
        if op is c.AT and av in (c.AT_BEGINNING, c.AT_BEGINNING_STRING):
            return ranges + [BEGINNING], False  # (without re.M) the match can start only at the text's start
        if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
            continue  # zero-width: the match still checks it, at the candidate position
        if op is c.LITERAL:
            return ranges + [(av, av)], False
        if op is c.IN:
            for iop, iav in av:
                if iop is c.LITERAL:
                    ranges.append((iav, iav))
                elif iop is c.RANGE:
                    ranges.append(iav)
                else:  # a negated class, a category (\d, \s): unknown
                    return None
            return ranges, False
        if op is c.SUBPATTERN or op is c.ATOMIC_GROUP:
            if op is c.SUBPATTERN and (av[1] & re.IGNORECASE or av[2]):
                return None
            sub = _first(av[-1], c)
        elif op is c.BRANCH:
            sub_ranges: list[tuple[int, int]] = []
            empty = False
            for alt in av[1]:
                r = _first(alt, c)
                if r is None:
                    return None
                sub_ranges += r[0]
                empty = empty or r[1]
            sub = (sub_ranges, empty)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            sub = _first(av[2], c)
            if sub is not None and av[0] == 0:
                sub = (sub[0], True)
        else:
            return None
        if sub is None:
            return None
        ranges += sub[0]
        if not sub[1]:
            return ranges, False
    return ranges, True


def _engine_skips(data, c) -> bool:
    """Whether the regex engine itself skips quickly to where a match can start: the pattern (inside its leading
    groups) starts with a literal, a class or an alternation of literals (CPython's ``_compile_info``)."""
    while data and data[0][0] is c.SUBPATTERN:
        data = data[0][1][-1]
    if not data:
        return False
    op, av = data[0]
    if op is c.LITERAL or op is c.IN:
        return True
    return op is c.BRANCH and all(alt and alt[0][0] is c.LITERAL for alt in av[1])


MAX_WORDS = 8  # first words of an alternation looked up one by one with str.find (more: the engine's own scan)


def _words(data, c) -> list[str] | None:
    """The literal words a match of ``data`` must start with, when it starts with an alternation of literals
    (``(?:未|没有)…``, ``[制出]…``): the engine scans for such an alternation's first characters one character at a
    time, ``str.find`` for each word is many times faster.  None for any other start."""
    while data and data[0][0] is c.SUBPATTERN:
        if data[0][1][1] & re.IGNORECASE or data[0][1][2]:
            return None
        data = data[0][1][-1]
    if not data:
        return None
    op, av = data[0]
    if op is c.LITERAL:
        word = []
        for aop, aav in data:
            if aop is not c.LITERAL:
                break
            word.append(chr(aav))
        return ["".join(word)]
    if op is c.IN:
        if not all(iop is c.LITERAL for iop, _ in av):
            return None
        return [chr(v) for _, v in av]
    if op is not c.BRANCH:
        return None
    out = []
    for alt in av[1]:
        word = []
        for aop, aav in alt:
            if aop is not c.LITERAL:
                break
            word.append(chr(aav))
        if word:
            out.append("".join(word))
            continue
        sub = _words(alt, c)
        if sub is None:
            return None
        out += sub
    return out


def _class(ranges: list[tuple[int, int]]) -> str:
    return "[" + "".join(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges) + "]"


@lru_cache(maxsize=1024)
def first_words(rx: re.Pattern) -> tuple[str, ...] | None:
    """The literal words every match of ``rx`` starts with one of (at most MAX_WORDS), or None."""
    parsed = _parse(rx)
    if parsed is None:
        return None
    tree, c = parsed
    data = tree.data
    while data and data[0][0] is c.SUBPATTERN:
        data = data[0][1][-1]
    if data and data[0][0] is c.LITERAL:
        return None  # one word first: the engine looks for it quickly itself
    words = _words(tree.data, c)
    if not words or len(set(words)) > MAX_WORDS:
        return None
    return tuple(sorted(set(words)))


_PARSED: dict[tuple, tuple | None] = {}


def _parse(rx: re.Pattern):
    """The parsed pattern and the parser's constants, or None (not a str pattern, ignores case, another Python).
    Parsed once for the plan and the required word."""
    key = (rx.pattern, rx.flags)
    if key in _PARSED:
        return _PARSED[key]
    out = None
    if (
        isinstance(rx.pattern, str)
        and not rx.flags & re.IGNORECASE
        and sys.implementation.name == "cpython"
        and (3, 11) <= sys.version_info[:2] <= (3, 13)
    ):
        try:
            import re._constants as c
            import re._parser as parser

            tree = parser.parse(rx.pattern, rx.flags)
            out = None if tree.state.flags & re.IGNORECASE else (tree, c)
        except Exception:  # an API this module does not know: no scan
            out = None
    if len(_PARSED) >= 256:
        _PARSED.clear()
    _PARSED[key] = out
    return out


def at_beginning(rx: re.Pattern) -> bool:
    """Whether every match of ``rx`` starts at the beginning of the text: the pattern opens with ``^`` or ``\\A``
    outside any alternation, without re.M (then ``rx.match`` finds what ``rx.search`` finds).  False when unknown."""
    parsed = _parse(rx)
    if parsed is None:
        return False
    tree, c = parsed
    if (rx.flags | tree.state.flags) & re.MULTILINE:
        return False
    data = tree.data
    while data and data[0][0] is c.SUBPATTERN:
        data = data[0][1][-1]
    return bool(data) and data[0][0] is c.AT and data[0][1] in (c.AT_BEGINNING, c.AT_BEGINNING_STRING)


def starts(rx: re.Pattern) -> re.Pattern | None:
    """A character class of every character a match of ``rx`` can start with, or None when a scan would not help
    (the engine skips ahead by itself, the class would be too wide) or cannot be computed on this Python."""
    plan = _start_plan(rx)
    return None if plan is None else plan[0]


@lru_cache(maxsize=1024)
def _start_plan(rx: re.Pattern) -> tuple[re.Pattern | None, bool] | None:
    """(the class of :func:`starts`, whether a match may also start at the beginning of the text: an alternative
    anchored with ``^``), or None when no scan applies."""
    parsed = _parse(rx)
    if parsed is None:
        return None
    tree, c = parsed
    try:
        if _engine_skips(tree.data, c):
            return None
        found = _first(tree.data, c)
    except Exception:  # an API this module does not know: no scan
        return None
    if found is None or found[1] or not found[0]:
        return None
    ranges = sorted(set(found[0]))
    anchored = BEGINNING in ranges
    if anchored:
        if (rx.flags | tree.state.flags) & re.MULTILINE:
            return None  # ^ at every line start: not handled
        ranges.remove(BEGINNING)
    if sum(hi - lo + 1 for lo, hi in ranges) > MAX_START_CHARS:
        return None
    return (re.compile(_class(ranges)) if ranges else None), anchored


Plan = tuple[tuple[str, ...] | None, re.Pattern | None, bool]
_PLANS: dict[tuple[str, int], Plan | None] = {}


def _plan(rx: re.Pattern) -> Plan | None:
    """How to find ``rx``'s candidates: (first words, None, False), (None, start class or None, whether the text's
    beginning is one) or None (``finditer`` itself).  Kept by the pattern's text and flags (a str caches its hash;
    a compiled pattern hashes its whole program)."""
    key = (rx.pattern, rx.flags)
    try:
        return _PLANS[key]
    except KeyError:
        pass
    words = first_words(rx)
    plan: Plan | None
    if words is not None:
        plan = (words, None, False)
    else:
        sp = _start_plan(rx)
        plan = None if sp is None else (None, sp[0], sp[1])
    if len(_PLANS) >= 4096:
        _PLANS.clear()
    _PLANS[key] = plan
    return plan


def _literal_runs(data, c, out: list[str]) -> None:
    """The runs of literal characters every match of ``data`` consumes (in its sequence, its groups and the
    repeated items that occur at least once; not in alternations, optional items or look-arounds)."""
    run: list[str] = []
    for op, av in data:
        if op is c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            out.append("".join(run))
            run = []
        if op is c.SUBPATTERN and not (av[1] or av[2]):
            _literal_runs(av[-1], c, out)
        elif op is c.ATOMIC_GROUP:
            _literal_runs(av, c, out)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            _literal_runs(av[2], c, out)
    if run:
        out.append("".join(run))


_NEEDS: dict[tuple[str, int], str | None] = {}


def required(rx: re.Pattern) -> str | None:
    """The longest literal word every match of ``rx`` contains, or None: where it is absent (one ``str.find``),
    the pattern cannot match and is not run at all."""
    key = (rx.pattern, rx.flags)
    try:
        return _NEEDS[key]
    except KeyError:
        pass
    need = None
    parsed = _parse(rx)
    if parsed is not None:
        runs: list[str] = []
        try:
            _literal_runs(parsed[0].data, parsed[1], runs)
        except Exception:  # an API this module does not know: nothing required
            runs = []
        need = max(runs, key=len, default=None)
    if len(_NEEDS) >= 4096:
        _NEEDS.clear()
    _NEEDS[key] = need
    return need


_SEEN: set[tuple[str, int]] = set()
_INFO: dict[tuple[str, int], tuple[str | None, Plan | None]] = {}


def _info(rx: re.Pattern) -> tuple[str | None, Plan | None] | None:
    """(the required word, the plan) of a pattern used before, None at its first use.  Reading a pattern costs
    about 75 us (the parser is Python): a run that lints one file uses most patterns once and would pay more than
    it saves, so a pattern is first run as it is and read when it comes back (every report after the first of a
    batch, every keystroke in the language server)."""
    key = (rx.pattern, rx.flags)
    info = _INFO.get(key)
    if info is not None:
        return info
    if key not in _SEEN:
        if len(_SEEN) >= 8192:
            _SEEN.clear()
        _SEEN.add(key)
        return None
    info = (required(rx), _plan(rx))
    if len(_INFO) >= 4096:
        _INFO.clear()
    _INFO[key] = info
    _PARSED.pop(key, None)  # the parse is no longer needed
    return info


def _plan_here(rx: re.Pattern, text: str, pos: int, endpos: int) -> Plan | None | Literal[False]:
    """How to look for ``rx`` in ``text[pos:endpos]``: False when it cannot match there (the word every match
    contains is absent), None when the engine's own scan is the way (a pattern met for the first time, or one whose
    start no scan helps), else its plan."""
    info = _info(rx)
    if info is None:
        return None
    need, plan = info
    if need is not None and text.find(need, pos, endpos) < 0:
        return False
    return plan


def possible(rx: re.Pattern, text: str, pos: int = 0, endpos: int | None = None) -> bool:
    """False when ``rx`` cannot match in ``text[pos:endpos]`` (the word it requires is not there)."""
    return _plan_here(rx, text, pos, len(text) if endpos is None else endpos) is not False


def finditer(rx: re.Pattern, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match]:
    """The matches of ``rx.finditer(text, pos, endpos)``, the pattern tried only where a match can start (and not
    at all where the word every match contains is absent)."""
    endpos = len(text) if endpos is None else endpos
    plan = _plan_here(rx, text, pos, endpos)
    if plan is False:
        return iter(())
    if plan is None:
        return rx.finditer(text, pos, endpos)
    words, first, anchored = plan
    candidates: Iterable[int]
    if words is not None:
        candidates = sorted({i for w in words for i in _occurrences(text, w, pos, endpos)})
    else:
        candidates = () if first is None else (c.start() for c in first.finditer(text, pos, endpos))
        if anchored and pos == 0:
            candidates = chain((0,), candidates)
    return _matches(rx, text, candidates, pos, endpos)


def _matches(rx: re.Pattern, text: str, candidates: Iterable[int], pos: int, endpos: int) -> Iterator[re.Match]:
    match = rx.match
    for s in candidates:
        if s < pos:
            continue  # inside the previous match
        m = match(text, s, endpos)  # look-behinds see the text before s, as in finditer
        if m is not None:
            yield m
            pos = m.end()


def _occurrences(text: str, word: str, pos: int, endpos: int) -> Iterator[int]:
    find = text.find
    i = find(word, pos, endpos)
    while i >= 0:
        yield i
        i = find(word, i + 1, endpos)


def search(rx: re.Pattern, text: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
    """``rx.search(text, pos, endpos)``, the pattern tried only where a match can start: the first match of
    :func:`finditer`, found by the same candidates in a plain loop (the layout asks this of every short line, where
    the generators of ``finditer`` cost more than the search)."""
    endpos = len(text) if endpos is None else endpos
    plan = _plan_here(rx, text, pos, endpos)
    if plan is False:
        return None
    if plan is None:
        return rx.search(text, pos, endpos)
    words, first, anchored = plan
    match = rx.match
    if words is not None:
        best = None
        find = text.find
        for w in words:  # the earliest candidate that matches: each word's occurrences in turn, up to the best
            i = find(w, pos, endpos)
            while i >= 0 and (best is None or i < best.start()):
                m = match(text, i, endpos)
                if m is not None:
                    best = m
                    break
                i = find(w, i + 1, endpos)
        return best
    if anchored and pos == 0:
        m = match(text, 0, endpos)
        if m is not None:
            return m
    if first is None:
        return None
    c = first.search(text, pos, endpos)
    while c is not None:
        m = match(text, c.start(), endpos)
        if m is not None:
            return m
        c = first.search(text, c.start() + 1, endpos)
    return None
