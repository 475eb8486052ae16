"""Layout: line tokens → Lark (LALR) → sections and blocks.

Stage 3 of the pipeline: the normalised text is cut into lines, each line is classified by the patterns of
grammar/lines.yaml into one token, and the grammar of grammar/layout.lark groups the tokens into preamble, sections, paragraphs and table blocks.  What the text says about itself (title, year,
agency, statistics period…) is found next by :mod:`nblint.meta`; table contents are assembled afterwards by
:mod:`nblint.tables`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from . import budget, data, scan
from .formats import load_formats
from .model import Block, Heading, Report, Section
from .normalize import CN_NUM, cn_int, normalize_label

if TYPE_CHECKING:
    from .pipeline import Memo


@dataclass
class LineTok:
    type: str
    start: int
    end: int
    m: re.Match | None = None


class Patterns:
    """Compiled line patterns and the label knowledge the classifier needs (all from grammar/)."""

    def __init__(self):
        spec = data.load_yaml("grammar/lines.yaml")
        # what a line is tested against (is_furniture answers as its search does), and the same patterns in two
        # groups: those anchored at the line's start, tried once there (in one alternation with the others they were
        # tried at every character), and the rest
        self.furniture = re.compile("|".join(f"(?:{p})" for p in spec["furniture"]))
        at_start = [p for p in spec["furniture"] if scan.at_beginning(re.compile(p))]
        anywhere = [p for p in spec["furniture"] if p not in at_start]
        self.furniture_start = re.compile("|".join(f"(?:{p})" for p in at_start)) if at_start else None
        self.furniture_anywhere = re.compile("|".join(f"(?:{p})" for p in anywhere)) if anywhere else None
        self.h1 = re.compile(spec["heading1"])
        self.h2 = re.compile(spec["heading2"])
        self.h3 = re.compile(spec["heading3"])
        self.hmax = int(spec["heading-max-chars"])
        self.max_chars = int(spec["classify-max-chars"])
        self.pipe = re.compile(spec["pipe"])
        self.numbers = re.compile(spec["numbers"])
        self.label_numbers = re.compile(spec["label-numbers"])
        self.title = re.compile(spec["title"])
        self.title_prefix = re.compile(spec["title-prefix"])
        self.title_suffix = re.compile(spec["title-suffix"])
        self.report_statement = re.compile(spec["report-statement"])
        formats = load_formats()
        keys = set()
        row_keys = set()
        for f in formats.values():
            for s in f["sections"]:
                keys.update(normalize_label(k) for k in s["keys"])
            for t in f.get("tables", []):
                for part in t["parts"]:
                    for r in part["rows"]:
                        if r.get("key"):
                            row_keys.add(normalize_label(r["key"]))
        self.section_keys = sorted(
            keys, key=lambda k: (-len(k), k)
        )  # longest first; a fixed order (the same pattern every run)
        alts = "|".join(re.escape(k) for k in self.section_keys)
        # a first-level heading inside a long line (one-line crawls): "…。二、主动公开政府信息情况 第二十条…"
        # (a few other characters may come before the title words: "四、政府信息公开行政法复议…" has a typo)
        self.inline_h1 = re.compile(rf"(?<!^)(?<![{CN_NUM}])[{CN_NUM}]{{1,2}}、[^。,;:\n\d]{{0,10}}?(?:{alts})")
        # a first-level heading whose 、 was left out (「一总体情况」): a number straight before a section's words
        slips = "|".join(re.escape(k) for k in self.section_keys if len(k) >= 4)
        self.h1_slip = re.compile(
            rf"^\s*+#*+\s*+(?P<num>[{CN_NUM}]{{1,2}})(?P<title>(?:{slips})[^。,;:\n]{{0,30}}?)\s*+$"
        )
        self.known_title = re.compile(rf"^\s*+#*+\s*+[{CN_NUM}]{{1,2}}、\s*+(?P<key>[^。,;:\n\d]{{0,10}}?(?:{alts}))")
        self.title_end_words = re.compile(spec["heading-title-end"])
        self.title_end = re.compile(rf"{spec['heading-title-end']}|{spec['heading-item-start']}|\s|[。:,;]")
        self.title_not = re.compile(spec["title-not"])
        self.row_key = re.compile("|".join(re.escape(k) for k in sorted(row_keys, key=lambda k: (-len(k), k))))

    def is_furniture(self, line: str) -> bool:
        """Whether one of the ``furniture`` patterns is found in ``line`` (``furniture.search``)."""
        if self.furniture_start is not None and self.furniture_start.match(line):
            return True
        return self.furniture_anywhere is not None and scan.search(self.furniture_anywhere, line) is not None


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    return Patterns()


INLINE_SPLIT_MIN = 150


def _split_inline(text: str, start: int, end: int, P: Patterns) -> list[tuple[int, int, bool]]:
    """Cut a long line at the first-level headings it contains; returns (start, end, is_heading) segments."""
    if end - start < INLINE_SPLIT_MIN:
        return [(start, end, False)]
    line = text[start:end]
    cuts = [m.start() for m in scan.finditer(P.inline_h1, line)]  # tried only at a numeral before "、"
    if not cuts:
        return [(start, end, False)]
    segs = []
    prev = 0
    for c in cuts:
        if c > prev:
            segs.append((start + prev, start + c, False))
        prev = c
    segs.append((start + prev, end, False))
    return segs


def _heading_split(line: str, P: Patterns) -> int | None:
    """For a line that starts with a known section title, the length of the heading part (rest is body)."""
    m = P.known_title.match(line)
    if not m:
        return None
    e = P.title_end.search(line, m.start("key") + 1)
    if e is None:
        return len(line)
    stop = e.end() if P.title_end_words.fullmatch(e.group()) else e.start()
    return stop if stop <= 40 else None


def _line_tokens(text: str, pos: int, nl: int, P: Patterns, memo: Memo | None) -> list[LineTok]:
    """The tokens of the line text[pos:nl]; with a ``memo``, those of an identical line classified before (a line
    is classified on its own text only), moved to ``pos``."""
    if memo is None:
        if nl - pos < INLINE_SPLIT_MIN:  # too short to hold a heading inside it: one segment
            return _classify_line(text, pos, nl, P)
        return [t for s, e, _ in _split_inline(text, pos, nl, P) for t in _classify_line(text, s, e, P)]
    line = text[pos:nl]
    hit = memo.line_tokens.get(line)
    if hit is None:
        hit = memo.line_tokens[line] = [
            (t.type, t.start, t.end, t.m)
            for s, e, _ in _split_inline(line, 0, len(line), P)
            for t in _classify_line(line, s, e, P)
        ]
    return [LineTok(typ, pos + s, pos + e, m) for typ, s, e, m in hit]


def classify(text: str, memo: Memo | None = None) -> list[LineTok]:
    P = patterns()
    toks: list[LineTok] = []
    pos = 0
    n = len(text)
    last_h1 = 0
    lines = 0
    while pos <= n:
        lines += 1
        if not lines & 31:  # each line's patterns are linear in the line (at most classify-max-chars long)
            budget.check()
        nl = text.find("\n", pos)
        if nl < 0:
            nl = n
        for t in _line_tokens(text, pos, nl, P, memo):
            if t.type == "H1" and t.m is not None:
                num = cn_int(t.m.group("num"))
                # a first-level number that does not move forward, with no section words ("三、本法提供":
                # a vertical table label broken by PDF extraction) is not a new section
                if num <= last_h1 and not P.known_title.match(text[t.start : t.end]):
                    t = LineTok("TEXT", t.start, t.end)
                else:
                    last_h1 = num
            toks.append(t)
        pos = nl + 1
    return toks


def _classify_line(text: str, s: int, e: int, P: Patterns) -> list[LineTok]:
    line = text[s:e]
    stripped = line.strip()
    if not stripped:
        return [LineTok("BLANK", s, e)]
    if len(stripped) > P.max_chars:
        # prose: only a known section title at its start is cut off (one-line crawls); no other pattern runs
        cut = _heading_split(line, P)
        if cut is not None and cut < len(line.rstrip()):
            return _classify_line(text, s, s + cut, P) + _classify_line(text, s + cut, e, P)
        return [LineTok("TEXT", s, e)]
    # cheap character tests guard the regular expressions: most lines are prose and fail all of them
    if len(stripped) <= 120 and P.is_furniture(line):
        return [LineTok("FURN", s, e)]
    if "|" in line and P.pipe.search(line):
        return [LineTok("PIPE", s, e)]
    first, last = stripped[0], stripped[-1]
    if (first.isdigit() or first in "/—–-") and P.numbers.match(line):
        return [LineTok("NUMS", s, e)]
    cut = _heading_split(line, P)
    if cut is not None and cut < len(line.rstrip()):
        # "二、主动公开政府信息情况 第二十条第(一)项…": heading, then the rest of the line as its own token(s)
        head = _classify_line(text, s, s + cut, P)
        rest = _classify_line(text, s + cut, e, P)
        return head + rest
    ln = P.label_numbers.match(line) if (last.isdigit() or last in "/—-") and "。" not in line else None
    if ln and len(ln.group("label")) <= 80:
        return [LineTok("LNUMS", s, e, ln)]
    if not (first == "#" or first == "(" or first.isdigit() or first in CN_NUM):
        return [LineTok("TEXT", s, e)]
    if first in CN_NUM and len(stripped) <= P.hmax:
        slip = P.h1_slip.match(line)
        if slip:
            return [LineTok("H1", s, e, slip)]
    for typ, rx in (("H1", P.h1), ("H2", P.h2), ("H3", P.h3)):
        m = rx.match(line)
        if m:
            title = m.group("title")
            if (
                P.row_key.match(title.lstrip("0123456789.、 "))
                and typ != "H1"
                or (typ == "H1" and P.row_key.match(title) and not P.known_title.match(line))
            ):
                return [LineTok("TLABEL", s, e, m)]
            if typ == "H1" and sum(1 for ch in title if "\u3400" <= ch <= "\u9fff") < 2:
                break  # "三、" alone: a vertical table label, not a section
            if len(title) > P.hmax or "。" in title:
                if typ == "H1" and cut is not None:
                    return [LineTok(typ, s, e, m)]
                break
            return [LineTok(typ, s, e, m)]
    return [LineTok("TEXT", s, e)]


# ----------------------------------------------------------------------------------------------------------------
# Lark


def _lexer_class():
    """Lark's custom-lexer interface over our pre-classified line tokens.  Defined on first use (so that lark is
    imported only when a report is parsed) and published at module level so that Lark's cache can pickle it."""
    cls = globals().get("LineLexer")
    if cls is not None:
        return cls
    from lark.lexer import Lexer, Token

    class LineLexer(Lexer):
        def __init__(self, lexer_conf):
            pass

        def lex(self, types, parser_state=None):
            for i, typ in enumerate(types):
                # the value is the index of the run of classified lines (see runs())
                yield Token(typ, str(i))

    LineLexer.__module__ = __name__
    LineLexer.__qualname__ = "LineLexer"
    globals()["LineLexer"] = LineLexer
    return LineLexer


@lru_cache(maxsize=1)
def parser():
    from lark import Lark

    lexer = _lexer_class()
    gpath = data.path("grammar/layout.lark")
    grammar = gpath.read_text(encoding="utf-8")
    # Lark's cache keeps the LALR tables between runs (keyed by the grammar text and options)
    d = data.cache_dir()
    cache = str(d / f"layout-lalr-{data.fingerprint([gpath])}.lark") if d else False
    return Lark(grammar, parser="lalr", lexer=lexer, propagate_positions=False, maybe_placeholders=False, cache=cache)


def _heading(text: str, tok: LineTok, level: int) -> Heading:
    m = tok.m
    num = m.group("num") if m else ""
    title = m.group("title") if m else text[tok.start : tok.end].strip()
    return Heading(
        level, num, title.strip(), (tok.start, tok.end), text[tok.start : tok.end].strip().lstrip("#").strip()
    )


def build(report: Report, memo: Memo | None = None) -> None:
    """Fill ``report.preamble`` and ``report.sections`` from the layout parse.  With a ``memo``, the tree of a
    token sequence parsed before is reused: the tree refers to tokens by their index only, so the same sequence of
    token types has the same tree."""
    text = report.text
    toks = classify(text, memo)
    types, spans = runs(toks)
    if memo is None:
        tree = parser().parse(types)
    else:
        key = tuple(types)
        tree = memo.trees.get(key)
        if tree is None:
            tree = memo.trees[key] = parser().parse(types)
    for node in tree.children:
        if node.data == "preamble":
            report.preamble = _blocks(text, node.children, spans)
        elif node.data == "section":
            h = spans[int(node.children[0].value)][0]
            heading = _heading(text, h, 1)
            sec = Section(heading=heading, span=(h.start, h.end), body=(h.end, h.end))
            sec.blocks = _blocks(text, node.children[1:], spans)
            report.sections.append(sec)
    _demote_restarted(report, toks)
    # section spans run to the next first-level heading
    for i, sec in enumerate(report.sections):
        end = report.sections[i + 1].heading.span[0] if i + 1 < len(report.sections) else len(text)
        sec.span = (sec.heading.span[0], end)
        sec.body = (sec.heading.span[1], end)


def _demote_restarted(report: Report, toks: list[LineTok]) -> None:
    """A report whose first-level numbering starts again at 一 under a section title (「一、总体情况」 with its
    parts numbered 二、工作机制保障 … 六、平台建设, then 「一、主动公开政府信息情况」: corpus 017) used first-level
    numbers for the parts of its first section: those headings are sub-headings of the first section, not
    sections (no cascade of duplicate, misnumbered and missing sections)."""
    secs = report.sections
    P = patterns()
    for k in range(2, len(secs)):
        h = secs[k].heading
        if h.num and cn_int(h.num) == 1 and P.known_title.match(report.text[h.span[0] : h.span[1]]):
            if not all(secs[i].heading.num and cn_int(secs[i].heading.num) == i + 1 for i in range(k)):
                return
            first = secs[0]
            for sec in secs[1:k]:
                sub = Heading(2, sec.heading.num, sec.heading.title, sec.heading.span, sec.heading.text)
                first.blocks.append(Block("heading", sec.heading.span, sub))
                first.blocks.extend(sec.blocks)
            del secs[1:k]
            return


# line tokens taken in runs (see runs()): a run is fed to Lark as one token
_RUN_KIND = {"TEXT": "TEXT", "PIPE": "table", "NUMS": "table", "LNUMS": "table", "TLABEL": "table", "BLANK": "BLANK"}


def runs(toks: list[LineTok]) -> tuple[list[str], list[tuple[LineTok, LineTok]]]:
    """The token types Lark parses and the (first, last) line token of each: consecutive TEXT lines and consecutive
    table lines (PIPE, NUMS, LNUMS, TLABEL) are one token each (a paragraph, a table block: grammar/layout.lark);
    BLANK lines end a run and are no token (they make no block).  A token per run, not per line: a fraction of the
    parser's work."""
    types: list[str] = []
    spans: list[tuple[LineTok, LineTok]] = []
    last_kind = None
    for t in toks:
        kind = _RUN_KIND.get(t.type)
        if kind == "BLANK":
            last_kind = kind  # ends the run before it
            continue
        if kind is not None and kind == last_kind:
            spans[-1] = (spans[-1][0], t)
            continue
        last_kind = kind
        types.append(t.type)
        spans.append((t, t))
    return types, spans


def _blocks(text: str, children, runs: list[tuple[LineTok, LineTok]]) -> list[Block]:
    out = []
    for ch in children:
        if hasattr(ch, "data"):
            first = runs[int(ch.children[0].value)][0]
            span = (first.start, runs[int(ch.children[-1].value)][1].end)
            if ch.data == "paragraph":
                out.append(Block("paragraph", span))
            elif ch.data == "table":
                out.append(Block("table", span))
            elif ch.data == "subheading":
                out.append(Block("heading", span, _heading(text, first, 2)))
            elif ch.data == "item":
                out.append(Block("heading", span, _heading(text, first, 3)))
        else:
            t = runs[int(ch.value)][0]
            if ch.type == "FURN":
                out.append(Block("furniture", (t.start, t.end)))
    return out
