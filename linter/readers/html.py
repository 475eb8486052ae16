"""HTML pages: find the report inside the page, emit its paragraphs as lines and its tables as pipe rows.

The page is parsed with lxml (libxml2's HTML parser, in C) and walked once into a flat model in document order
(``_Doc``): every question asked about a subtree afterwards (its text length, its rows, a nested table, a link or
hidden ancestor) is answered from ranges and prefix sums, so the reader is linear in the page whatever its nesting,
and it checks the time budget (``nblint.budget``) as it goes.  A page over ``MAX_CHARS`` characters is refused before
it is parsed.  Steps:

1. decode the bytes (BOM, ``<meta charset>``, UTF-8, GB18030, then detection);
2. if the report is really an HTML string inside JavaScript (``let content = "<p>…</p>"`` in a ``<script>`` or a
   bare JS file), unescape that literal and read it instead, keeping a map back to the JS line;
3. drop scripts, styles, forms controls, ``<nav>``/``<aside>`` and page-level ``<header>``/``<footer>``; elements
   hidden by a ``hidden`` attribute or a display: none / visibility: hidden style are found once per page (lxml's
   XPath for the attribute and the styles, all the styles searched together) and skipped where they are;
4. choose the content element: the smallest element holding the report's section headings (``一、…``, ``二、…``
   outside links), widened only through wrappers that add no text or that add the report's own opening (title,
   preamble: a little text with words such as 本报告 / 统计期限 and no links).  A page without such headings
   falls back to the element whose class/id names it as content (TRS_Editor, article, content, zoom ...) and holds
   at least half of the non-link Chinese text, else to descending from ``<body>`` into the child that keeps
   >= 85 % of it;
5. emit, in document order: the nearest metadata line/table before the content that carries a publication date,
   the article title (nearest title-like element before the content), then the content itself.  Block elements
   end lines, tables become ``a | b | c`` rows with rowspan/colspan resolved (see ``SpanGrid``).

Every emitted character maps back to the line:col of the HTML where its text node (or cell) is (``Source.runs``):
start tags are found by a linear scan of the source and matched in order to the elements lxml reports (name and
line), text nodes are located by searching their first characters in the source between the neighbouring tags, and
entities / source newlines inside a node get their own run so columns stay exact.

``Source.original`` is set to the decoded HTML: inline suppression comments (``<!-- nblint: disable=… -->``) are
found there, on the same file lines as the diagnostics (which map through the runs), so the extracted text does not
carry them.
"""

from __future__ import annotations

import gc
import html as _html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache, partial
from itertools import accumulate, compress, islice, repeat
from operator import attrgetter, is_not, itemgetter, sub

from .. import budget
from ..i18n import Msg
from ..source import ReadError, Run, Source, line_starts
from ..spans import LineIndex
from . import MAX_CHARS, bad_input

# ---------------------------------------------------------------------------------------------------------------
# vocabulary

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_CJK_RUN = re.compile(_CJK.pattern + "++")


def _cjk_count(text: str) -> int:
    """How many Chinese characters ``text`` holds: the lengths of its runs of them summed (one string per run, not
    one per character: a third of the time on a page of Chinese prose)."""
    return sum(map(len, _CJK_RUN.findall(text)))


_DROP = {
    "script",
    "style",
    "noscript",
    "iframe",
    "frame",
    "frameset",
    "template",
    "svg",
    "math",
    "object",
    "embed",
    "applet",
    "canvas",
    "select",
    "option",
    "optgroup",
    "button",
    "input",
    "textarea",
    "nav",
    "aside",
    "map",
    "audio",
    "video",
    "source",
    "track",
    "link",
    "meta",
    "head",
    "title",
    "base",
}
_BLOCK = {
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "html",
    "legend",
    "li",
    "listing",
    "main",
    "menu",
    "ol",
    "p",
    "plaintext",
    "pre",
    "section",
    "summary",
    "ul",
    "xmp",
    "caption",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "td",
    "th",
    "ucapcontent",
}
_NO_DESCEND = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "pre",
    "a",
    "span",
    "font",
    "b",
    "strong",
    "em",
    "i",
    "u",
}
_CONTENT_HINT = re.compile(
    r"trs_editor|custom_unionstyle|article|content|zoom|main|text|detail|zw|body|ucap|wenzhang|news_?con|view", re.I
)
_CHROME_HINT = re.compile(
    r"share|fenxiang|bdshare|jiathis|print|dayin|breadcrumb|crumb|(?:^|[-_ ])nav|menu|footer|toolbar|sidebar|"
    r"related|xglj|qrcode|erweima|wxcode|font[-_]?size|zihao",
    re.I,
)
_TITLE_HINT = re.compile(r"title|biaoti", re.I)
_DATE_LINE = re.compile(
    r"(?:日期|时间|日\s*期|时\s*间)\s*[:：]?\s*(?:\|\s*)?(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2})?"
)
_PREAMBLE = re.compile(r"本报告|年度报告|工作年报|统计期限|政府信息公开条例")
_HEADING = re.compile(r"^[\s\xa0\u3000]*([一二三四五六七八九十]{1,2})\s*、")
_DATE_HINT = re.compile(r"日\s*期|时\s*间|(?:19|20)\d\d")
_ASCII_WS = re.compile(r"[ \t\n\r\f]+")
_ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")
_START_TAG = re.compile(r"<[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>")
_STRIP = " \t\n\r\f\v\xa0\u3000\u2002\u2003\u2009\u200b\ufeff"
_PROBE_STOP = "&<>\"'\xa0\u3000 \t\n\r\f"  # characters a text node's markup may write otherwise
_PROBE = re.compile(f"([{_PROBE_STOP}]*+)([^{_PROBE_STOP}]{{0,6}})")
_MAX_CELLS = 200  # cells read per table row
_MAX_COLSPAN = 64  # as the DOCX reader caps gridSpan
_MAX_COLS = 64  # grid columns kept per row (real report tables have at most ~15)
_MAX_SPAN = 1000  # rowspan


def read(path: str, data: bytes) -> Source:
    with bad_input("HTML"):
        # the character limit applies to the page itself, before it is parsed: a page far larger than a report is
        # not parsed at all (4 bytes per character at most in any of the encodings read here)
        if len(data) > 4 * MAX_CHARS:
            raise ReadError(_too_long(len(data), "bytes"))
        src = _decode(data)
        if len(src) > MAX_CHARS:
            raise ReadError(_too_long(len(src), "characters"))
        if not src or src.isspace():  # what strip() would strip, without copying the page
            raise ReadError(Msg("read.no-text"))
        with _collector_paused():
            text, runs = _Extractor.run(src)
    if not text or text.isspace():
        raise ReadError(Msg("read.html-no-text"))
    source = Source(path=path, text=text, kind="html", runs=runs)
    source.original = src  # the engine reads inline suppressions here (file lines, like the diagnostics)
    published = _meta_published(src)
    if published:
        source.meta.update({"published": published, "published-origin": "page"})
    return source


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a page is read.  The reader makes thousands of small lists and tuples
    that hold no cycles (reference counting frees them); the collector's passes over them, started every 700
    allocations, cost 8 % of a read.  The collector is started again only when it ran before (another thread may be
    reading a page too, or the caller may have paused it itself)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# <meta name="PubDate" content="2020-01-31 09:00"> and the other names portals give the publication date
_META_TAG = re.compile(r"<meta\b[^<>]{0,600}+>", re.I)
_META_ATTR = re.compile(
    r"""\b(name|property|itemprop|content)\s*+=\s*+(?:"([^"]{0,200}+)"|'([^']{0,200}+)'|([^\s"'>]{1,200}+))""", re.I
)
_PUBDATE_NAMES = {
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "publishtime",
    "article:published_time",
    "datepublished",
    "dc.date.issued",
    "publish_date",
    "publication_date",
}


def _meta_published(src: str) -> str | None:
    """The publication date a page's <meta> gives (in its first 64 KB, where the head is), or None."""
    head = min(len(src), 65536)
    if src.find("<m", 0, head) < 0 and src.find("<M", 0, head) < 0:
        return None  # no <meta> (re.I folds no other letter into "m"): the case-insensitive scan is not needed
    for tag in _META_TAG.finditer(src, 0, head):
        attrs = {
            m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or "" for m in _META_ATTR.finditer(tag.group())
        }
        name = (attrs.get("name") or attrs.get("property") or attrs.get("itemprop") or "").strip().lower()
        if name in _PUBDATE_NAMES and attrs.get("content", "").strip():
            return attrs["content"].strip()
    return None


def _too_long(n: int, unit: str) -> Msg:
    return Msg("read.html-too-long", n=n, unit=Msg(f"read.unit.{unit}"), limit=MAX_CHARS)


# ---------------------------------------------------------------------------------------------------------------
# decoding

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")  # control characters other than \t \n \v \f \r
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0E, 0x20))


def _controls(text: str) -> int:
    """How many characters of ``_CONTROL`` ``text`` holds.  In UTF-8 they are the only characters written as these
    bytes, so the count is what deleting those bytes takes away (in C: a regex scan cost a tenth of the read)."""
    data = text.encode("utf-8", "surrogatepass")
    return len(data) - len(data.translate(None, _CONTROL_BYTES))


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _decode(data: bytes) -> str:
    if not data:
        raise ReadError(Msg("read.empty"))
    from .text import decode

    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        text = decode(data)
    else:
        text = None
        m = _META_CHARSET.search(data[:8192])
        declared = m.group(1).decode("ascii", "replace").lower() if m else None
        if declared in ("gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936"):
            declared = "gb18030"
        elif declared in ("iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252", "ascii", "us-ascii"):
            declared = None  # a wrong default of the CMS more often than not; these decode anything
        tries = [declared] if declared else []
        tries += [e for e in ("utf-8", "gb18030") if e != declared]
        for enc in tries:
            try:
                text = data.decode(enc)
                break
            except (UnicodeDecodeError, LookupError):
                continue
        if text is None:
            # a few broken bytes (a truncated download, a bad copy) should not lose the page: browsers replace them
            best = None
            for enc in tries:
                try:
                    candidate = data.decode(enc, errors="replace")
                except LookupError:
                    continue
                bad = candidate.count("\ufffd")
                if best is None or bad < best[0]:
                    best = (bad, candidate)
            if best is not None and best[0] <= max(8, len(data) // 100):
                text = best[1]
        if text is None:
            text = decode(data)
        sample = text[:20000]
        if "\x00" in sample or _controls(sample) > len(sample) * 0.05:
            raise ReadError(Msg("read.binary-html"))
    assert text is not None
    return text[1:] if text.startswith("\ufeff") else text


# ---------------------------------------------------------------------------------------------------------------
# JavaScript string literals that hold the report

_JS_LITERAL = re.compile(
    r"""(?:[=:(,+\[]|\breturn)\s*(?:"((?:[^"\\\n]|\\[\s\S])*)"|'((?:[^'\\\n]|\\[\s\S])*)'|`((?:[^`\\]|\\[\s\S])*)`)"""
)
_JS_HTML = re.compile(r"<\s*(?:p|div|table|tr|td|span|br|h[1-6])\b", re.I)
_JS_ESC = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _js_unescape(raw: str, base: int) -> tuple[str, list[int]]:
    """Unescape a JS string body; returns the text and, per output character, its offset in the file."""
    out: list[str] = []
    where: list[int] = []
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            where.append(base + i)
            i += 1
            continue
        e = raw[i + 1]
        start = base + i
        if e in _JS_ESC:
            out.append(_JS_ESC[e])
            i += 2
        elif e == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", raw[i + 2 : i + 4]):
            out.append(chr(int(raw[i + 2 : i + 4], 16)))
            i += 4
        elif e == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", raw[i + 2 : i + 6]):
            out.append(chr(int(raw[i + 2 : i + 6], 16)))
            i += 6
        elif e == "u" and raw[i + 2 : i + 3] == "{":
            j = raw.find("}", i + 3)
            try:
                out.append(chr(int(raw[i + 3 : j], 16)))
                i = j + 1
            except ValueError:
                out.append("u")
                i += 2
        elif e == "\r" and raw[i + 2 : i + 3] == "\n":
            i += 3
            continue
        elif e in "\n\r\u2028\u2029":
            i += 2
            continue
        else:
            out.append(e)
            i += 2
        where.append(start)
    return "".join(out), where


def _find_js_report(src: str, doc: _Doc) -> tuple[str, list[int]] | None:
    """The unescaped HTML of a JS string literal that holds the report, if the page is built that way."""
    if "\\" not in src and "`" not in src:
        return None
    regions: list[tuple[int, int]] = []
    if not src.lstrip().startswith("<"):
        regions.append((0, len(src)))  # a bare JS (or JSON) file named .html
    for body_at in doc.scripts:
        end = src.find("</script", body_at)
        regions.append((body_at, end if end >= 0 else len(src)))
    best = None
    for lo, hi in regions:
        for m in _JS_LITERAL.finditer(src, lo, hi):
            budget.check()
            g = 1 if m.group(1) is not None else 2 if m.group(2) is not None else 3
            raw = m.group(g)
            if len(raw) < 200 or not _JS_HTML.search(raw):
                continue
            text, where = _js_unescape(raw, m.start(g))
            cjk = _cjk_count(text)
            if cjk >= 100 and (best is None or cjk > best[0]):
                best = (cjk, text, where, lo == 0 and hi == len(src))
    if best is None:
        return None
    cjk, text, where, bare = best
    if not bare and doc.visible_cjk() >= cjk * 0.5:
        return None  # the page shows the report itself; the script only carries a copy
    return text, where


# ---------------------------------------------------------------------------------------------------------------
# output: lines made of atoms (text, offset in the parsed markup)


class _Out:
    def __init__(self):
        self.lines: list[tuple[list[tuple[str, int]], bool]] = []  # (atoms, is a table row)
        self.cur: list[tuple[str, int]] = []
        self.space: tuple[str, int] | None = None  # pending collapsed whitespace

    def add(self, text: str, off: int):
        if not text:
            return
        if self.space is not None:
            if self.cur:
                self.cur.append(self.space)
            self.space = None
        self.cur.append((text, off))

    def ws(self, off: int, sep: str = " "):
        if self.cur and self.space is None:
            self.space = (sep, off)

    def flush(self):
        self.space = None
        if self.cur:
            self.lines.append((self.cur, False))
            self.cur = []

    def line(self, atoms: list[tuple[str, int]], row: bool = False):
        self.flush()
        if atoms:
            self.lines.append((atoms, row))


def _strip_atoms(atoms: list[tuple[str, int]]) -> list[tuple[str, int]]:
    atoms = [a for a in atoms if a[0]]
    if not atoms or (atoms[0][0][0] not in _STRIP and atoms[-1][0][-1] not in _STRIP):
        return atoms
    lead = 0  # atoms that are all blank at the start, dropped at once (pop(0) in a loop is quadratic)
    while lead < len(atoms):
        t, o = atoms[lead]
        s = t.lstrip(_STRIP)
        if s:
            atoms[lead] = (s, o + (len(t) - len(s)))
            break
        lead += 1
    del atoms[:lead]
    while atoms:
        t, o = atoms[-1]
        s = t.rstrip(_STRIP)
        if s:
            atoms[-1] = (s, o)
            break
        atoms.pop()
    return atoms


def _has_ascii_ws(text: str) -> bool:
    """Whether ``text`` holds what ``_ASCII_WS`` matches (five substring tests cost less than a regex search)."""
    return " " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text


# ---------------------------------------------------------------------------------------------------------------
# parsing: lxml builds the tree; one walk turns it into a flat model in document order

# elements whose content libxml2 reads as raw text (no tags inside)
_RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext")
# a start tag's attributes (quoted values may hold ">") and its end, as an unrolled loop (no alternation per run)
_ATTRS = r"""[^>"']*+(?:(?:"[^"]*+"|'[^']*+')[^>"']*+)*+>?"""
# a comment, a declaration, an end tag, a raw-text element (group 1: its name, group 2: the rest of its start tag,
# then its content up to its end tag or to the end of the markup), or a start tag (group 3: its name, group 4: the
# rest).  For a start tag, ``lastindex`` is the group that ends the tag and the one before it names the element.
_TOKEN = re.compile(
    r"<(?:!--.*?(?:--!?>|\Z)|[!?][^>]*+>?|/[A-Za-z][^>]*+>?"
    rf"|(?i:({'|'.join(_RAW_TEXT)}))(?![^\s/>])({_ATTRS})(?:[^<]++|<(?!/(?i:\1)))*+"
    rf"|([A-Za-z][^\s/>]*+)({_ATTRS}))",
    re.S,
)
_FLAT_TOKEN = re.compile(
    r"""<(?:!--.*?(?:--!?>|\Z)|[!?][^>]*+>?|(/?)([A-Za-z][^\s/>]*+)(?:[^>"']++|"[^"]*+"|'[^']*+')*+>?)""", re.S
)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
# libxml2 stops reading a page nested deeper than this (even with XML_PARSE_HUGE): deeper markup is flattened first
_LIBXML_DEPTH = 2048
_FLAT_DEPTH = 1000
_LOOKAHEAD = 64  # start tags libxml2 may drop between two elements it keeps (a second <body>, a stray <html>)
_DROP_TREE = _DROP - {"title"}  # a <title> in the body is text (capture tools do that); the one in <head> goes with it
_CHECK_EVERY = 512  # nodes between two budget checks
_Match = re.Match
_LASTINDEX = attrgetter("lastindex")


class _StartTags:
    """The start tags of the markup in order (offset, end, name), matched one by one to the elements lxml reports
    (name and the line where the tag ends).  Elements that libxml2 implied (<html>, <body>, a <p> around loose text)
    find no tag and get no offset; tags that it dropped are skipped."""

    def __init__(self, markup: str):
        self.offs: list[int] = []
        self.ends: list[int] = []
        self.names: list[str] = []
        self.j = 0
        self.starts = line_starts(markup)
        offs, ends, names = self.offs, self.ends, self.names
        tokens = _TOKEN.finditer(markup)
        while True:
            # one regex pass over the markup (a raw-text element's content is part of its token), a slice of
            # matches at a time between two budget checks
            budget.check()
            chunk = list(islice(tokens, _CHECK_EVERY * 8))
            if not chunk:
                break
            # the start tags among the tokens and, per tag, the group that ends it (the one before names it); read
            # with ``map`` over the match objects' own methods, in C: a comprehension's Python step per tag cost as
            # much as the regex scan itself
            last = list(map(_LASTINDEX, chunk))
            tags = list(compress(chunk, last))
            ends_at = list(filter(None, last))
            offs += map(_Match.start, tags)
            ends += map(_Match.end, tags, ends_at)
            names += map(str.lower, map(_Match.group, tags, map(sub, ends_at, repeat(1))))

    def line(self, off: int) -> int:
        return bisect_right(self.starts, off)

    def match(self, name: str, line: int | None) -> int:
        """Index of the tag of the next element (``-1``: implied, no tag)."""
        names = self.names
        k = self.j
        if line is None or not 0 < line < 65535:  # libxml2 stops counting lines at 65535
            stop = min(len(names), k + _LOOKAHEAD)
            while k < stop:
                if names[k] == name:
                    self.j = k + 1
                    return k
                k += 1
            return -1
        stop = min(len(names), k + _LOOKAHEAD)
        while k < stop:
            if self.line(self.offs[k]) > line:
                break
            if names[k] == name and self.line(self.ends[k] - 1) >= line:
                self.j = k + 1
                return k
            k += 1
        return -1


def _match_tags(tags: _StartTags, items: list, kinds: list) -> list[int]:
    """For each element of ``items`` (document order; ``kinds``: their tags), the index of its start tag in ``tags``
    (-1: implied by libxml2, no tag).  Fast path: the next tag, of the same name; only <html>, <head>, <body> and
    <p> are ever implied, so for these four the line must agree too; else ``_StartTags.match`` looks ahead."""
    t_names, t_offs, t_ends, starts = tags.names, tags.offs, tags.ends, tags.starts
    nt = len(t_names)
    out: list[int] = []
    add = out.append
    j = 0
    for x, name in enumerate(kinds):
        if name.__class__ is not str:
            continue
        if j < nt and t_names[j] == name:
            if name not in _IMPLIED:
                add(j)
                j += 1
                continue
            line = items[x].sourceline
            if (
                line is None
                or line >= 65535
                or bisect_right(starts, t_offs[j]) <= line <= bisect_right(starts, t_ends[j] - 1) + 1
            ):
                add(j)
                j += 1
                continue
        else:
            line = items[x].sourceline
        tags.j = j
        add(tags.match(name, line))
        j = tags.j
    return out


def _flatten(markup: str) -> str:
    """Blank the start and end tags nested deeper than ``_FLAT_DEPTH`` (same length: offsets stay), so that libxml2
    reads the whole page.  Only for pages that libxml2 found too deep; the nesting is counted as written."""
    out: list[str] = []
    stack: list[str] = []
    blanked: dict[str, int] = {}
    last = 0
    for i, m in enumerate(_FLAT_TOKEN.finditer(markup)):
        if i % _CHECK_EVERY == 0:
            budget.check()
        name = m.group(2)
        if name is None:
            continue
        name = name.lower()
        blank = False
        if m.group(1):
            if blanked.get(name):
                blanked[name] -= 1
                blank = True
            else:
                for k in range(len(stack) - 1, max(-1, len(stack) - 1 - _LOOKAHEAD), -1):
                    if stack[k] == name:
                        del stack[k:]
                        break
        elif name not in _VOID:
            if len(stack) >= _FLAT_DEPTH:
                blanked[name] = blanked.get(name, 0) + 1
                blank = True
            else:
                stack.append(name)
        if blank:
            a, b = m.span()
            out.append(markup[last:a])
            out.append(re.sub(r"[^\n]", " ", markup[a:b]))
            last = b
    out.append(markup[last:])
    return "".join(out)


def _parse(markup: str):
    """The tree of ``markup`` (None for an empty document) and the UTF-8 bytes libxml2 read."""
    from lxml import etree

    data = markup.replace("\x00", "\ufffd").encode("utf-8", "replace")  # one character for one: offsets stay
    for attempt in (0, 1):
        parser = etree.HTMLParser(encoding="utf-8", huge_tree=True, no_network=True, collect_ids=False)
        root = etree.fromstring(data, parser)
        deep = any("depth" in e.message for e in parser.error_log.filter_from_fatals())
        if not deep:
            return root, data
        if attempt == 0:
            data = _flatten(markup.replace("\x00", "\ufffd")).encode("utf-8", "replace")
    raise ReadError(Msg("read.html-deep", n=_LIBXML_DEPTH))


class _Doc:
    """The page in document order: elements and text nodes (lxml's ``text``/``tail``) as one list of nodes.

    Per node: ``names`` (None for text), ``texts`` (None for elements), ``parent``, ``end`` (last node of the
    subtree), ``off``/``tag_end`` (the element's start tag in the markup, None when implied), ``els`` (the lxml
    element).  Dropped parts (scripts, styles, forms, <nav>, page-level <header>/<footer>) are left out; node 0 is
    the document.  Rows per table, cells per row, sorted positions of tables and paragraphs, prefix sums of text
    lengths and lazily built nearest-ancestor tables make every question the extractor asks about a subtree O(1) or
    O(answer), whatever the nesting."""

    def __init__(self, markup: str):
        self.markup = markup
        root, data = _parse(markup)
        self.root = root
        tags = _StartTags(markup)
        self.line_starts = tags.starts
        t_offs, t_ends = tags.offs, tags.ends
        # one record per node (name, text, parent, off, tag_end, element), made into the columns after the walk
        recs: list[tuple] = [("[document]", None, -1, None, None, None)]
        end = [0]
        self.scripts: list[int] = []  # where the body of each long <script> starts
        self.title: tuple[str | None, int | None] | None = None  # the first <title>: (its only text, offset)
        self.meta_title: tuple[str, int | None] | None = None  # <meta name=ArticleTitle content=…>
        self.body = -1
        self.body_el = None
        self.body_implied = True
        self.tables: list[int] = []
        self.trs: list[int] = []
        self.cells: list[int] = []
        self.table_or_p: list[int] = []
        self.links: set[int] = set()  # text nodes inside <a>
        rows_of: dict[int, list[int]] = {}
        cells_of: dict[int, list[int]] = {}
        self.rows_of, self.cells_of = rows_of, cells_of
        table_at = [-1]  # innermost open <table>, <tr>
        tr_at = [-1]
        a_open = art_open = 0
        dropped = 0  # open elements inside (and including) a dropped one
        cur = 0  # the innermost open element kept
        links = self.links
        rec_add, end_add = recs.append, end.append
        # every node of the tree in document order (elements, comments, processing instructions) and what the walk
        # reads of each, fetched in bulk (lxml answers in C; an iterwalk's start and end events, one Python step
        # each, cost more than the whole fetch)
        items = list(root.iter()) if root is not None else []
        kinds = [x.tag for x in items]  # a comment's or instruction's tag is a function, not a str
        kids = [len(x) for x in items]  # children, comments and instructions included
        heads = [x.text for x in items]
        tails = [x.tail for x in items]
        budget.check()
        ks = _match_tags(tags, items, kinds)  # per element, the index of its start tag (-1: implied)
        # the open elements with children still to come: [children left, item]
        stack: list[list[int]] = []
        push = stack.append
        e = 0  # elements seen
        for x in range(len(items)):
            if not x & 511:
                budget.check()
            name = kinds[x]
            if name.__class__ is str:
                k = ks[e]
                e += 1
                if k >= 0:
                    o: int | None = t_offs[k]
                    te: int | None = t_ends[k]
                else:
                    o = te = None
                if name in _NOTED:
                    self._note(items[x], name, o, te)
                if dropped or name in _DROP_TREE or (name in _HEADER_FOOTER and not art_open):
                    dropped += 1
                else:
                    i = len(recs)
                    rec_add((name, None, cur, o, te, items[x]))
                    end_add(i)
                    cur = i
                    ruby = False
                    if name in _STRUCT:
                        if name == "table":
                            self.tables.append(i)
                            self.table_or_p.append(i)
                            rows_of[i] = []
                            table_at.append(i)
                        elif name == "tr":
                            self.trs.append(i)
                            rows_of.setdefault(table_at[-1], []).append(i)
                            tr_at.append(i)
                        elif name == "td" or name == "th":
                            self.cells.append(i)
                            cells_of.setdefault(tr_at[-1], []).append(i)
                        elif name == "p":
                            self.table_or_p.append(i)
                        elif name == "a":
                            a_open += 1
                        elif name == "article" or name == "main":
                            art_open += 1
                        elif name == "body" and self.body < 0:
                            self.body, self.body_el, self.body_implied = i, items[x], o is None
                        elif name == "rt" or name == "rp":
                            ruby = True  # ruby annotations are not part of the text
                    s = heads[x]
                    if s and not ruby:
                        if a_open:
                            links.add(i + 1)
                        rec_add((None, s, i, None, None, None))
                        end_add(i + 1)
                if kids[x]:
                    push([kids[x], x])
                    continue
                is_element = True
            else:
                is_element = False  # a comment or processing instruction: only its tail
            # item x has ended (a leaf, or an element whose last child has): its end, its tail, then the ends of the
            # elements whose last child it was
            while True:
                if is_element:
                    if dropped:
                        dropped -= 1  # the dropped element or one inside it
                    else:
                        i = cur
                        end[i] = len(recs) - 1
                        rec = recs[i]
                        name, cur = rec[0], rec[2]
                        if name in _STRUCT:
                            if name == "table":
                                table_at.pop()
                            elif name == "tr":
                                tr_at.pop()
                            elif name == "a":
                                a_open -= 1
                            elif name == "article" or name == "main":
                                art_open -= 1
                # the tail of an element, comment or processing instruction: text of the parent
                s = tails[x]
                if s and not dropped:
                    pname = recs[cur][0]
                    if pname != "rt" and pname != "rp":
                        i = len(recs)
                        if a_open:
                            links.add(i)
                        rec_add((None, s, cur, None, None, None))
                        end_add(i)
                if not stack:
                    break
                top = stack[-1]
                top[0] -= 1
                if top[0]:
                    break
                stack.pop()
                x = top[1]
                is_element = True
        end[0] = len(recs) - 1
        columns = [list(column) for column in zip(*recs)]
        names: list[str | None] = columns[0]
        texts: list[str | None] = columns[1]
        parent: list[int] = columns[2]
        off: list[int | None] = columns[3]
        tag_end: list[int | None] = columns[4]
        els: list = columns[5]
        self.names, self.texts, self.parent, self.end = names, texts, parent, end
        self.off, self.tag_end, self.els = off, tag_end, els
        # text nodes that hold more than whitespace, and prefix sums of their stripped lengths
        self.ne = [i for i, t in enumerate(texts) if t is not None and not t.isspace()]
        self.ne_text = [texts[i].strip() for i in self.ne]  # type: ignore[union-attr]
        self.ne_cum = list(accumulate(map(len, self.ne_text), initial=0))
        self.hidden_idx = _hidden_nodes(root, els, data, markup)
        self._flag: dict[int, bool] = {}
        self._near: dict[str, list[int]] = {}

    def _note(self, node, name: str, o: int | None, tag_end: int | None) -> None:
        """What the page says before it is cleaned: long scripts, the first <title>, <meta name=ArticleTitle>."""
        if name == "script":
            s = node.text
            if tag_end is not None and s and len(s) >= 200 and not len(node):
                self.scripts.append(tag_end)
        elif name == "title":
            if self.title is None:
                self.title = (node.text if not len(node) else None, o)
        elif self.meta_title is None and _ARTICLE_TITLE.search(node.get("name") or ""):
            self.meta_title = (node.get("content") or "", o)

    # -- ancestors ---------------------------------------------------------------------------------------------
    def near(self, kind: str, i: int) -> int:
        """The nearest ancestor-or-self of node ``i`` that is a ``kind`` ("tr", "table" or "block"); -1 if none."""
        arr = self._near.get(kind)
        if arr is None:
            # a few questions per page: up the parents, as far as _NEAR_STEPS; the table of all answers (linear in
            # the page) only when an ancestor chain is longer than that
            names, parent = self.names, self.parent
            k = i
            for _ in range(_NEAR_STEPS):
                if k <= 0:
                    return -1
                n = names[k]
                if n is not None and (n in _BLOCK if kind == "block" else n == kind):
                    return k
                k = parent[k]
            arr = [-1] * len(names)
            for k in range(1, len(names)):
                n = names[k]
                if n is not None and (n in _BLOCK if kind == "block" else n == kind):
                    arr[k] = k
                else:
                    arr[k] = arr[parent[k]]
            self._near[kind] = arr
        return arr[i]

    def link_or_hidden(self, i: int) -> bool:
        """Whether element ``i`` or an ancestor is a link or hidden (memoised: linear over all calls)."""
        flag = self._flag
        path = []
        k = i
        while k > 0 and k not in flag:
            path.append(k)
            k = self.parent[k]
        v = flag.get(k, False)
        for k in reversed(path):
            v = v or self.names[k] == "a" or self.hidden(k)
            flag[k] = v
        return v

    # -- subtree questions -------------------------------------------------------------------------------------
    def children(self, i: int) -> list[int]:
        out = []
        j, e, end = i + 1, self.end[i], self.end
        while j <= e:
            out.append(j)
            j = end[j] + 1
        return out

    def element_children(self, i: int) -> list[int]:
        return [j for j in self.children(i) if self.names[j] is not None]

    def has(self, sorted_idx: list[int], i: int) -> bool:
        """Whether a node of ``sorted_idx`` is a proper descendant of ``i``."""
        k = bisect_right(sorted_idx, i)
        return k < len(sorted_idx) and sorted_idx[k] <= self.end[i]

    def within(self, sorted_idx: list[int], i: int) -> list[int]:
        return sorted_idx[bisect_right(sorted_idx, i) : bisect_right(sorted_idx, self.end[i])]

    def strip_len(self, i: int) -> int:
        """``len(get_text("", strip=True))`` of the subtree."""
        ne = self.ne
        return self.ne_cum[bisect_right(ne, self.end[i])] - self.ne_cum[bisect_left(ne, i)]

    def raw_len(self, i: int) -> int:
        texts = self.texts
        return sum(len(texts[k] or "") for k in range(i, self.end[i] + 1))

    def text(self, i: int, limit: int | None = None, lo: int | None = None, hi: int | None = None) -> str:
        """The stripped texts of the subtree (or of nodes lo..hi) joined; at least ``limit`` characters of it."""
        a = i if lo is None else lo
        b = self.end[i] if hi is None else hi
        ne, ne_text = self.ne, self.ne_text
        k0, k1 = bisect_left(ne, a), bisect_right(ne, b)
        if limit is None:
            return "".join(ne_text[k0:k1])
        parts: list[str] = []
        n = 0
        for k in range(k0, k1):
            parts.append(ne_text[k])
            n += len(ne_text[k])
            if n >= limit:
                break
        return "".join(parts)

    def hidden(self, i: int) -> bool:
        return i in self.hidden_idx

    def attr(self, i: int, name: str, default: str = "") -> str:
        el = self.els[i]
        v = el.get(name) if el is not None else None
        return default if v is None else v

    def visible_cjk(self) -> int:
        """Chinese characters of the page outside scripts and styles (in <body>, or everywhere without one)."""
        top = self.root if self.body_implied or self.body_el is None else self.body_el
        n = 0
        if top is None:
            return 0
        for el in top.iter():
            tag = el.tag
            if not isinstance(tag, str) or tag.lower() not in ("script", "style"):
                if el.text:
                    n += _cjk_count(el.text)
            if el is not top and el.tail:
                n += _cjk_count(el.tail)
        return n


_NOTED = {"script", "title", "meta"}
_NEAR_STEPS = 64  # ancestors climbed to answer Doc.near before its table is built
_IMPLIED = {"html", "head", "body", "p"}
_HEADER_FOOTER = {"header", "footer"}
_STRUCT = {"table", "tr", "td", "th", "p", "a", "article", "main", "body", "rt", "rp"}


_ARTICLE_TITLE = re.compile(r"^articletitle$", re.I)
_TITLE_SEP = re.compile(r"[_|｜－]|—++|(?<=\D)-(?=\D)")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDDEN_LOW = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")  # on lower-cased styles


def _hidden_nodes(root, els: list, data: bytes, markup: str) -> set[int]:
    """Indices (in ``els``) of the elements hidden by a ``hidden`` attribute or a style that says display: none or
    visibility: hidden.  All the styles of the page are searched at once, joined by NULs (no match can span one);
    the styled elements are fetched only when one of them is hidden.  (lxml answers these questions in C: asking
    each element from Python cost more than all the rest of the walk.)  Each question is asked only when the page
    can answer yes (:func:`_may_hide`): most pages never write the words."""
    if root is None:
        return set()
    attr, style = _may_hide(data, markup)
    if not attr and not style:
        return set()
    xp = _xpaths()
    found = set(xp["hidden"](root)) if attr else set()
    styles = xp["styles"](root) if style else None
    if styles:
        hits = _hidden_styles(styles)
        if hits:
            styled = xp["styled"](root)  # in document order, one per style attribute
            found.update(styled[k] for k in hits)
    if not found:
        return set()
    return set(compress(range(len(els)), map(found.__contains__, els)))


# what re.I folds into a letter of "display"/"visibility" besides the ASCII letters (İ ı: i, ſ: s)
_FOLDS = ("\u0130", "\u0131", "\u017f")
# a numeric reference, or a named one that writes a folding letter (no named reference writes an ASCII letter of
# these words), in one regex scan: bytes ``in`` is slow for a needle that starts with "&", which pages write often
_LETTER_REFS = re.compile(rb"&(?:#|idot|imath|inodot)")
# what comes before and after the attribute name "hidden" as libxml2 (HTML5's tokenizer) reads one in a tag
_BEFORE_ATTR = b"\t\n\f\r /\"'"
_AFTER_ATTR = b"\t\n\f\r />="


def _attr_hidden(low: bytes) -> bool:
    """Whether the lower-cased page writes "hidden" as an attribute name: after a blank, "/" or quote, before a
    blank, "/", ">", "=" or the end.  Each occurrence is found with ``bytes.find`` and its neighbours looked at (a
    regex that starts with a look-behind is tried at every byte: 3 ms on a 120 KB page)."""
    i = low.find(b"hidden")
    while i >= 0:
        if i and low[i - 1] in _BEFORE_ATTR and (i + 6 == len(low) or low[i + 6] in _AFTER_ATTR):
            return True
        i = low.find(b"hidden", i + 1)
    return False


@lru_cache(maxsize=1)
def _html5_tokenizer() -> bool:
    """Whether libxml2 tokenizes tags as HTML5 does (2.14 and later); an older one ends an attribute name at any
    character that cannot be in a name, so :func:`_attr_hidden` does not describe it (then every "hidden" counts)."""
    from lxml import etree

    return etree.LIBXML_VERSION >= (2, 14)


def _may_hide(data: bytes, markup: str) -> tuple[bool, bool]:
    """Whether an element of the page can have a ``hidden`` attribute, and a style that ``_HIDDEN_STYLE`` matches
    (``data``: the UTF-8 bytes libxml2 read of ``markup``).  An attribute's name is written as it is (libxml2
    lower-cases ASCII only) and, as HTML5 tokenizes a tag, starts after a blank, a "/" or a quote and ends at a blank,
    "/", ">" or "=" (:func:`_attr_hidden`: ``type="hidden"`` and CSS's ``overflow:hidden`` are not one); the second
    needs a ``style`` attribute and "display" or "visibility" written out, in characters or through numeric or
    folding references."""
    low = data.lower()  # ASCII case only, in C (str.lower costs ten times as much)
    attr = b"hidden" in low and (_attr_hidden(low) or not _html5_tokenizer())
    style = b"style" in low and (
        b"display" in low
        or b"visibility" in low
        or _LETTER_REFS.search(low) is not None
        or any(c in markup for c in _FOLDS)  # in the page's text: one character is found faster than a byte pair
    )
    return attr, style


def _hidden_styles(styles: list[str]) -> list[int]:
    """Which of the styles match ``_HIDDEN_STYLE``, in one pass over all of them lower-cased and joined by NULs
    (no match spans one): ``str.find`` finds each "display" and "visibility", the case-sensitive ``_HIDDEN_LOW``
    is tried there (a regex search, the ``re.I`` one above all, scans characters far slower).  The
    two agree unless a style holds İ, ı or ſ (which ``re.I`` folds into i and s; lower() does not): then every
    style is searched with ``_HIDDEN_STYLE`` itself."""
    joined = "\0".join(styles)
    low = joined.lower()
    if len(low) != len(joined) or "\u0131" in low or "\u017f" in low:
        return [k for k, s in enumerate(styles) if _HIDDEN_STYLE.search(s)]
    hits = []
    match = _HIDDEN_LOW.match
    for word in ("display", "visibility"):
        at = low.find(word)
        while at >= 0:
            if match(low, at):
                hits.append(at)
            at = low.find(word, at + 1)
    if not hits:
        return []
    starts = list(accumulate((len(s) + 1 for s in styles), initial=0))
    return sorted({bisect_right(starts, h) - 1 for h in hits})


_XPATHS: dict = {}


def _xpaths() -> dict:
    """Compiled once, when the first page is read (lxml is imported lazily: a text-only run never loads it)."""
    if not _XPATHS:
        from lxml import etree

        # from the root element down (every element of a parsed page is the root or below it): the same nodes as
        # "//*[@hidden]", "//@style" and "//*[@style]", without the node set of every node that "//" builds first
        _XPATHS["hidden"] = etree.XPath("descendant-or-self::*[@hidden]")
        _XPATHS["styles"] = etree.XPath("descendant-or-self::*/@style", smart_strings=False)
        _XPATHS["styled"] = etree.XPath("descendant-or-self::*[@style]")
    return _XPATHS


# ---------------------------------------------------------------------------------------------------------------
# the extractor


class _Extractor:
    def __init__(self, markup: str, to_file, doc: _Doc, js: bool = False):
        self.js = js  # reading an unescaped JS literal: markup offsets are not file offsets
        self.markup = markup
        self.to_file = to_file  # offset in markup -> (line, col) in the file
        self.d = doc
        self.pos: dict[int, list[tuple[int, int]]] = {}  # text node -> breakpoints (index in node, offset)
        self.searchable: list[int] = []  # text nodes with more than ASCII whitespace (set by _locate_text)
        self.file_starts: list[int] | None = None  # markup offsets are file offsets: the file's line starts
        self.file_len = 0

    # -- entry -------------------------------------------------------------------------------------------------
    @classmethod
    def run(cls, src: str) -> tuple[str, list[Run]]:
        doc = _Doc(src)
        file_index = LineIndex(src, doc.line_starts)
        js = _find_js_report(src, doc)
        if js is not None:
            markup, where = js
            doc = _Doc(markup)

            def to_file(off: int, _w: list[int] = where) -> tuple[int, int]:
                if not _w:
                    return 1, 1
                return file_index.line_col(_w[min(max(off, 0), len(_w) - 1)])
        else:
            markup = src
            to_file = file_index.line_col  # type: ignore[assignment]
        ex = cls(markup, to_file, doc, js=js is not None)
        if js is None:
            ex.file_starts, ex.file_len = doc.line_starts, len(src)
        return ex.extract()

    def extract(self) -> tuple[str, list[Run]]:
        d = self.d
        head_title = self._head_title()
        self._locate_text()
        root = d.body if d.body >= 0 and not d.body_implied else 0
        self.root = root
        self._counts(root)
        content = self._choose(root)
        out = _Out()
        c_lo = content
        prefix: list[tuple[int, str, int]] = []
        meta = self._metadata(content, c_lo)
        if meta is not None:
            prefix.append((meta, "meta", meta))
        title = self._title(content, c_lo)
        if title is not None:
            prefix.append((title, "title", title))
        prefix.sort(key=lambda p: p[0])
        for _, kind, node in prefix:
            if kind == "meta" and d.names[node] == "tr":
                self._table(d.near("table", d.parent[node]), out)
            else:
                self._blocks(node, out)
            out.flush()
        first_body_line = len(out.lines)
        name = d.names[content]
        if name in ("table", "tbody", "thead", "tfoot", "tr"):
            self._table(content if name == "table" else d.near("table", d.parent[content]), out)
        else:
            self._blocks(content, out)
        out.flush()
        if title is not None and len(out.lines) > first_body_line:
            # do not repeat the title when the body starts with it
            body_first = _line_text(out.lines[first_body_line])
            for li in range(first_body_line):
                if body_first and _line_text(out.lines[li]) == body_first:
                    del out.lines[li]
                    break
        if title is None and head_title is not None:
            # no title element near the body: the page title (<meta name=ArticleTitle>, <title>) unless the body
            # already opens with it
            text, off = head_title
            if not any(text in _line_text(line) for line in out.lines):
                out.lines.insert(0, ([(text, off)], False))
        return self._compose(out.lines)

    def _head_title(self) -> tuple[str, int] | None:
        d = self.d
        candidates: list[tuple[str, int | None, bool]] = []
        if d.meta_title is not None and d.meta_title[0]:
            candidates.append((d.meta_title[0], d.meta_title[1], False))
        if d.title is not None and d.title[0]:
            # the part before a site-name separator (「…年度报告_某某区人民政府」); no pattern starts with \s*, which
            # re.split would retry at every position of a long run of spaces (a 60 KB <title> hung for seconds), and
            # only the first 1,000 characters can hold a usable title (at most 150)
            first = _TITLE_SEP.split(d.title[0].strip()[:1000], maxsplit=1)[0].strip()
            candidates.append((first, d.title[1], True))
        for text, at, is_title in candidates:
            text = _ASCII_WS.sub(" ", text).strip(_STRIP)
            if 4 <= len(text) <= 150 and _CJK.search(text):
                off = 0
                if at is not None:
                    off = at
                    if is_title:
                        m = _START_TAG.match(self.markup, off)
                        found = self.markup.find(text, m.end() if m else off)
                        off = found if found >= 0 else off
                return text, off
        return None

    # -- preparation -------------------------------------------------------------------------------------------
    def _locate_text(self):
        """Find where each text node starts in the markup (see module doc)."""
        d = self.d
        markup = self.markup
        texts, offs, tag_end = d.texts, d.off, d.tag_end
        # the elements whose start tag is known, and the text nodes with more than ASCII whitespace, in document
        # order: a text node is searched between the end of the last such tag before it and the next one's start
        tagged = list(compress(range(len(offs)), map(is_not, offs, repeat(None))))
        ws = " \t\n\r\f"
        # (texts is None for an element and a non-empty string for a text node; strip returns a text that it
        # leaves as it is without copying it, and the tests run in C)
        nodes = list(compress(compress(range(len(texts)), texts), map(str.strip, compress(texts, texts), repeat(ws))))
        self.searchable = nodes
        n_tagged = len(tagged)
        cursor = 0
        probe_at = _PROBE.match
        pos, walk, size = self.pos, self._walk, len(markup)
        for c, i in enumerate(nodes):
            if c % _CHECK_EVERY == 0:
                budget.check()
            text: str = texts[i]
            lead = len(text) - len(text.lstrip(ws)) if text[0] in ws else 0
            k = bisect_right(tagged, i)
            last_tag_end = (tag_end[tagged[k - 1]] or 0) if k else 0
            lo = cursor if cursor > last_tag_end else last_tag_end
            hi: int = offs[tagged[k]] if k < n_tagged else size
            if hi < lo:
                hi = size
            # ps: the first character that can be searched for literally; probe: up to 6 such characters from there
            m = probe_at(text, lead)
            ps = m.end(1)
            probe = m[2]
            found = markup.find(probe, lo, hi) if probe else -1
            if found < 0 and len(probe) > 1:
                # a stray end tag or a character reference inside the first characters: start from the first one
                # and let the walk below step over them
                found = markup.find(probe[0], lo, hi)
                if found >= 0 and ps == lead:
                    bps = walk(text, lead, found, hi)
                    cursor = bps[-1][1]
                    pos[i] = bps
                    continue
            if found < 0 and probe:
                pos[i] = [(0, lo)]
                continue
            if ps > lead or not probe:
                # leading entities (&nbsp;): walk from where the node's raw text begins, after the last '>'
                stop = found if found >= 0 else hi
                r0 = markup.rfind(">", lo, stop) + 1
                if r0 < lo:
                    r0 = lo
                bps = walk(text, 0, r0, hi)
                if probe and bps[-1][0] < ps:
                    bps.append((ps, found))
                    bps += walk(text, ps, found, hi)[1:]
                cursor = bps[-1][1]
                pos[i] = bps
                continue
            bps = [(lead, found)]
            end_guess = found + (len(text) - lead) * 2 + 16
            if (
                "\n" in text
                or markup.find("&", found, end_guess if end_guess < hi else hi) >= 0
                or not markup.startswith(text[lead:], found)  # a stray end tag inside: libxml2 joined the text
            ):
                bps = walk(text, lead, found, hi)
                cursor = bps[-1][1]
            else:
                cursor = found + len(probe)
            pos[i] = bps

    def _walk(self, text: str, i: int, r: int, hi: int) -> list[tuple[int, int]]:
        """Breakpoints mapping characters of ``text`` (from index i) to markup offsets (from r)."""
        markup = self.markup
        bps = [(i, r)]
        n = len(text)
        while i < n and r < hi:
            c = markup[r]
            if c == "&":
                m = _ENTITY.match(markup, r)
                if m:
                    dec = _html.unescape(m.group())
                    if text.startswith(dec, i):
                        i += len(dec)
                        r = m.end()
                        bps.append((i, r))
                        continue
            t = text[i]
            if c == t:
                i += 1
                r += 1
                if c == "\n":
                    bps.append((i, r))
                continue
            if c == "\r" and t == "\n":  # libxml2 reads CR LF and a lone CR as LF
                r += 2 if markup.startswith("\r\n", r) else 1
                i += 1
                bps.append((i, r))
                continue
            if t == "\ufffd":  # a character libxml2 replaced
                i += 1
                r += 1
                continue
            if c == "<":  # a tag libxml2 dropped (a stray end tag) between two parts of one text
                k = markup.find(">", r, hi)
                if k >= 0:
                    r = k + 1
                    bps.append((i, r))
                    continue
            break
        return bps

    def _counts(self, root: int) -> None:
        """Non-link Chinese characters under each element (and the link ones), as prefix sums over text nodes."""
        d = self.d
        ne, ne_text, links = d.ne, d.ne_text, d.links
        # the texts under the root (a slice: ``ne`` is sorted) joined by NULs, which no text of the tree holds (the
        # parser gets U+FFFD instead), and their Chinese characters deleted in one pass: each text's count is what
        # its piece lost
        k0, k1 = bisect_left(ne, root), bisect_right(ne, d.end[root])
        inside = ne_text[k0:k1]
        rest = _CJK_RUN.sub("", "\0".join(inside)).split("\0")
        if len(rest) != len(inside):  # a NUL after all (libxml2 writes U+FFFD for &#0;): one text at a time
            rest = [_CJK_RUN.sub("", t) for t in inside]
        counts = [0] * k0 + list(map(sub, map(len, inside), map(len, rest))) + [0] * (len(ne) - k1)
        self._plain = list(accumulate((0 if i in links else c for i, c in zip(d.ne, counts)), initial=0))
        self._link = list(accumulate((c if i in links else 0 for i, c in zip(d.ne, counts)), initial=0))

    def cnt(self, t: int) -> int:
        d = self.d
        if not (self.root <= t <= d.end[self.root]):
            return 0
        return self._plain[bisect_right(d.ne, d.end[t])] - self._plain[bisect_left(d.ne, t)]

    def links(self, t: int) -> int:
        d = self.d
        if not (self.root <= t <= d.end[self.root]):
            return 0
        return self._link[bisect_right(d.ne, d.end[t])] - self._link[bisect_left(d.ne, t)]

    def _choose(self, root: int) -> int:
        """The element holding the report: around its section headings if it has some, else by text mass."""
        d = self.d
        cnt = self.cnt
        heads = self._headings(root)
        if heads:
            h0, h1 = heads[0], heads[-1]
            cur = d.parent[h0]
            while cur > 0 and not (cur <= h1 <= d.end[cur]):
                cur = d.parent[cur]
            if cur < 0:
                cur = root
            # go out through wrappers that add nothing, and take in a preamble or title of the report sitting
            # just outside (a little text, no links, words of a report's opening); never page chrome
            while cur != root and d.parent[cur] >= 0 and d.names[d.parent[cur]] not in ("body", "html", "[document]"):
                budget.check()
                parent = d.parent[cur]
                added = cnt(parent) - cnt(cur)
                added_links = self.links(parent) - self.links(cur)
                if added_links > 0:
                    break
                if added:
                    if added > max(300, 0.3 * cnt(cur)):
                        break
                    # the parent's text without the current element's (what get_text().replace(inner, "", 1) gave)
                    extra = d.text(parent, lo=parent, hi=cur - 1) + d.text(parent, lo=d.end[cur] + 1, hi=d.end[parent])
                    if not _PREAMBLE.search(extra):
                        break
                cur = parent
            return cur

        total = cnt(root)
        # an element named as content (TRS_Editor, article, zoom ...) holding at least half of the text
        if total:
            hinted = [
                t
                for t in range(root + 1, d.end[root] + 1)
                if d.names[t] is not None and cnt(t) >= 0.5 * total and self._hint(t, _CONTENT_HINT)
            ]
            if hinted:
                best = max(hinted, key=cnt)
                tighter = [t for t in hinted if cnt(t) >= 0.9 * cnt(best)]
                return tighter[-1]  # nested ones come later in document order: the innermost

        cur = root
        while True:
            budget.check()
            kids = d.element_children(cur)
            if not kids:
                break
            best = max(kids, key=cnt)
            if cnt(best) < 0.85 * cnt(cur) or cnt(best) == 0 or d.names[best] in _NO_DESCEND:
                break
            if d.names[best] in ("table", "tbody", "thead", "tr", "td", "th") and not self._layout_table(best):
                break
            cur = best
        if total and cnt(cur) < 0.3 * total:
            cur = root
        return cur

    def _headings(self, root: int) -> list[int]:
        """Text nodes that open a report section heading (``一、…`` … ``六、…``), outside links and hidden parts."""
        d = self.d
        found = []
        numerals = set()
        texts, parent = d.texts, d.parent
        ne = d.ne
        for k in range(bisect_left(ne, root), bisect_right(ne, d.end[root])):
            i = ne[k]
            s = texts[i]
            m = _HEADING.match(s)  # type: ignore[arg-type]
            if m is None:
                continue
            block = d.near("block", parent[i])
            if block < 0 or d.strip_len(block) > 60:
                continue
            if d.link_or_hidden(parent[i]):
                continue
            found.append(i)
            numerals.add(m.group(1))
        return found if len(numerals) >= 2 else []

    def _hint(self, i: int, pattern) -> bool:
        d = self.d
        el = d.els[i]
        cls = " ".join((el.get("class") or "").split())
        ident = el.get("id") or ""
        return bool(pattern.search(f"{cls} {ident}")) or (
            pattern is _CONTENT_HINT and d.names[i] in ("article", "main", "ucapcontent")
        )

    def _title(self, content: int, c_lo: int) -> int | None:
        """The nearest title-like element before the content (h1, or class/id naming a title)."""
        d = self.d
        names = d.names
        best = None
        for el in range(1, min(c_lo, len(names))):
            name = names[el]
            if name is None or name in ("table", "tr", "td", "body", "html"):
                continue
            if not (
                name == "h1"
                or (name in ("h2", "h3", "div", "p", "span", "td", "strong") and self._hint(el, _TITLE_HINT))
            ):
                continue
            if not (4 <= d.strip_len(el) <= 150):
                continue
            text = d.text(el)
            if not _CJK.search(text):
                continue
            if content < el <= d.end[content]:
                continue
            if best is None or "报告" in text or "年报" in text or "报告" not in best[1]:
                best = (el, text)
        if best is None:
            return None
        el = best[0]
        want = len(best[1])
        # prefer the innermost element holding that same text
        while True:
            kids = [c for c in d.element_children(el) if d.strip_len(c) == want and d.text(c) == best[1]]
            if len(kids) != 1:
                break
            el = kids[0]
        return el

    def _metadata(self, content: int, c_lo: int) -> int | None:
        """The nearest line (or small table row) before the content that gives a publication date."""
        d = self.d
        texts = d.texts
        hit = None
        for i in range(min(c_lo, len(texts))):
            s = texts[i]
            if s is None or not _DATE_HINT.search(s):
                continue
            hit = i if _DATE_LINE.search(self._context(i)) else hit
        if hit is None:
            return None
        if re.search(r"采集|抓取|爬取", self._context(hit)):
            return None  # when a capture tool fetched the page, not when it was published
        tr = d.near("tr", d.parent[hit])
        if tr >= 0:
            table = d.near("table", d.parent[tr])
            if (
                table >= 0
                and len(d.within(d.trs, table)) <= 12
                and d.raw_len(table) < 1500
                and not d.has(d.tables, table)
            ):
                return tr
        block = d.near("block", d.parent[hit])
        if block < 0 or d.strip_len(block) > 200:
            return None
        return block

    def _context(self, s: int) -> str:
        """The text of a node plus its table row / block, enough to see a label and a date together."""
        d = self.d
        tr = d.near("tr", d.parent[s])
        if tr >= 0:
            parts: list[str] = []
            n = 0
            for c in d.within(d.cells, tr):
                t = d.text(c, limit=300)
                n += len(t) + (3 if parts else 0)  # the length of " | ".join(parts)
                parts.append(t)
                if n >= 300:
                    break
            return " | ".join(parts)[:300]
        p = d.near("block", d.parent[s])
        return (d.text(p, limit=300) if p >= 0 else d.texts[s])[:300]  # type: ignore[index]

    # -- emission ----------------------------------------------------------------------------------------------
    def _text_atoms(self, i: int, text: str, cell: bool, out: _Out):
        """Add the text node ``i`` to the current line, collapsing ASCII whitespace."""
        bps = self.pos.get(i)
        if bps is None:
            d = self.d
            base = d.off[d.parent[i]] or 0
            bps = [(0, base)]
        if len(bps) == 1:
            # no breakpoint after the first: offsets continue from where the node starts (its leading whitespace
            # maps to that start too)
            k0, base = bps[0]
            pos = 0
            for m in _ASCII_WS.finditer(text):
                a = m.start()
                if a > pos:
                    out.add(text[pos:a], base + pos - k0 if pos > k0 else base)
                out.ws(base + a - k0 if a > k0 else base, "" if (cell and "\n" in m.group()) else " ")
                pos = m.end()
            if pos < len(text):
                out.add(text[pos:] if pos else text, base + pos - k0 if pos > k0 else base)
            return
        keys = [b[0] for b in bps]

        def off(i):
            k = bisect_right(keys, i) - 1
            if k < 0:
                return bps[0][1]
            return bps[k][1] + (i - bps[k][0])

        pos = 0
        for m in _ASCII_WS.finditer(text):
            if m.start() > pos:
                self._token(text, pos, m.start(), keys, bps, off, out)
            out.ws(off(m.start()), "" if (cell and "\n" in m.group()) else " ")
            pos = m.end()
        if pos < len(text):
            self._token(text, pos, len(text), keys, bps, off, out)

    @staticmethod
    def _token(text, a, b, keys, bps, off, out: _Out):
        k = bisect_right(keys, a)
        cut = a
        while k < len(keys) and keys[k] < b:
            if keys[k] > cut:
                out.add(text[cut : keys[k]], off(cut))
                cut = keys[k]
            k += 1
        out.add(text[cut:b], off(cut))

    def _blocks(self, node: int, out: _Out, cell: bool = False):
        self._walk_blocks([(_SCAN, node, self.d.end[node], node, [])], out, cell)

    def _walk_blocks(self, tasks: list[tuple], out: _Out, cell: bool):
        """Walk subtrees in document order: text to the current line, blocks and <br> end lines, tables as rows.

        One scan per subtree over the flat node list (a child's subtree is skipped by jumping to its end); the
        flushes owed when a block element ends wait on ``closing``.  A layout table's cells are walked as tasks on
        the same stack, before the rest of the scan resumes: no recursion, whatever the nesting."""
        d = self.d
        names, texts, end, off = d.names, d.texts, d.end, d.off
        text_atoms = self._text_atoms
        steps = 0
        while tasks:
            task = tasks.pop()
            if task[0] == _FLUSH:
                out.flush()
                continue
            _, j, hi, top, closing = task
            while j <= hi:
                steps += 1
                if steps % _CHECK_EVERY == 0:
                    budget.check()
                while closing and j > closing[-1]:
                    closing.pop()
                    out.flush()
                name = names[j]
                if name is None:
                    text_atoms(j, texts[j] or "", cell, out)
                    j += 1
                    continue
                if j != top:
                    if name in _DROP or d.hidden(j):
                        j = end[j] + 1
                        continue
                    if cell and (name == "td" or name == "th"):
                        j = end[j] + 1  # a cell left unclosed: the nested cell is emitted as its own cell
                        continue
                    if name == "br":
                        if cell:
                            out.ws(off[j] or 0, "")
                        else:
                            out.flush()
                        j = end[j] + 1
                        continue
                    if name == "table":
                        if cell:
                            j += 1  # its text joins the cell's
                            continue
                        out.flush()
                        if self._layout_table(j):
                            tasks.append((_SCAN, end[j] + 1, hi, top, closing))  # the rest, after the cells
                            self._push_cells(j, tasks)
                            break
                        self._table(j, out)
                        j = end[j] + 1
                        continue
                    if (
                        not cell
                        and name not in ("tr", "td", "th", "tbody")
                        and self._hint(j, _CHROME_HINT)
                        and not d.has(d.table_or_p, j)
                    ):
                        j = end[j] + 1
                        continue
                if name in _BLOCK or name == "br":
                    if not cell:
                        out.flush()
                        closing.append(end[j])
                elif cell and (name == "p" or name == "div"):
                    out.ws(off[j] or 0, "")
                j += 1
            else:
                if not cell:
                    for _ in closing:
                        out.flush()
                    closing.clear()

    def _push_cells(self, table: int, tasks: list[tuple]) -> None:
        """A layout table: each cell a block of its own, in document order."""
        end = self.d.end
        tds = [td for tr in self._rows(table) for td in self._cells(tr)]
        for td in reversed(tds):
            tasks.append((_FLUSH,))
            tasks.append((_SCAN, td, end[td], td, []))
            tasks.append((_FLUSH,))

    # -- tables ------------------------------------------------------------------------------------------------
    def _rows(self, table: int) -> list[int]:
        return self.d.rows_of.get(table, [])

    def _cells(self, tr: int) -> list[int]:
        return self.d.cells_of.get(tr, [])[:_MAX_CELLS]

    def _layout_table(self, el: int) -> bool:
        d = self.d
        table = el if d.names[el] == "table" else d.near("table", d.parent[el])
        if table < 0:
            return True
        if d.has(d.tables, table):
            return True
        return all(len(self._cells(tr)) <= 1 for tr in self._rows(table))

    def _table(self, table: int, out: _Out):
        if table < 0:
            return
        d = self.d
        if self._layout_table(table):
            tasks: list[tuple] = []
            self._push_cells(table, tasks)
            self._walk_blocks(tasks, out, False)
            return
        grid = SpanGrid()
        hidden, els, off = d.hidden_idx, d.els, d.off
        for tr in self._rows(table):
            budget.check()
            if tr in hidden:
                continue
            cells = []
            for td in self._cells(tr):
                if td in hidden:
                    continue
                el = els[td]
                colspan, rowspan = el.get("colspan"), el.get("rowspan")
                cells.append(
                    (
                        self._cell_atoms(td),
                        off[td] or 0,
                        1 if colspan is None else _span_value(colspan, _MAX_COLSPAN),
                        1 if rowspan is None else _span_value(rowspan, _MAX_SPAN),
                    )
                )
            row = grid.add_row(cells)
            if not any(map(_FIRST, row)) and (
                d.attr(tr, "height").strip() == "0" or re.search(r"height\s*:\s*0", d.attr(tr, "style"))
            ):
                continue  # Word's invisible sizing row
            # the cells joined by " | ": the bar where the cell before it is, the space where the next one is
            atoms: list[tuple[str, int]] = []
            add, extend = atoms.append, atoms.extend
            for k, (cell_atoms, td_off) in enumerate(row):
                if k:
                    add((" |", row[k - 1][1] or 0))
                    add((" ", td_off or 0))
                extend(cell_atoms)
            if atoms:
                out.line(atoms, row=True)

    def _cell_atoms(self, td: int) -> list[tuple[str, int]]:
        """The text of a table cell as one line of atoms: what ``_walk_blocks`` does in a cell (its text nodes with
        whitespace collapsed, <br> and line breaks as nothing, dropped/hidden parts and nested cells skipped, a
        nested table's text joining the cell's), in one scan without the block machinery."""
        d = self.d
        names, texts, end, off = d.names, d.texts, d.end, d.off
        # most cells hold one text node besides ASCII whitespace (which only ever makes a pending space, dropped at
        # the ends of the cell): its atoms are the cell's unless an element between it and the cell drops it
        nodes = self.searchable
        k = bisect_right(nodes, td)
        if k == len(nodes) or nodes[k] > end[td]:
            return []  # whitespace and elements only
        if k + 1 == len(nodes) or nodes[k + 1] > end[td]:
            t = nodes[k]
            text = texts[t] or ""
            stripped = text.strip(_STRIP)
            if not stripped:
                # blanks only (a cell of &nbsp;, as word processors write empty cells): every atom the cell could
                # give is stripped away, whether the node is dropped or not
                return []
            a = d.parent[t]
            for _ in range(_NEAR_STEPS):  # a longer way up: the full scan below
                if a == td or names[a] in _DROP or a in d.hidden_idx or names[a] == "td" or names[a] == "th":
                    break
                a = d.parent[a]
            if a == td:
                bps = self.pos.get(t)
                if bps is not None and len(bps) == 1 and not _has_ascii_ws(text):
                    # one piece from where the node starts (what _text_atoms gives such a text), stripped
                    lead = len(text) - len(text.lstrip(_STRIP)) if text[0] in _STRIP else 0
                    return [(stripped, bps[0][1] + lead)]
                one = _Out()
                self._text_atoms(t, text, True, one)
                return _strip_atoms(one.cur)
        hidden, text_atoms, pos = d.hidden, self._text_atoms, self.pos
        out = _Out()
        cur = out.cur
        search = _ASCII_WS.search
        j, hi = td + 1, end[td]
        steps = 0
        while j <= hi:
            steps += 1
            if steps % _CHECK_EVERY == 0:
                budget.check()
            name = names[j]
            if name is None:
                text = texts[j] or ""
                bps = pos.get(j)
                if bps is not None and len(bps) == 1 and text and search(text) is None:
                    # one piece from where the node starts (what _Out.add does)
                    if out.space is not None:
                        if cur:
                            cur.append(out.space)
                        out.space = None
                    cur.append((text, bps[0][1]))
                else:
                    text_atoms(j, text, True, out)
                j += 1
            elif name in _DROP or hidden(j) or name == "td" or name == "th":
                j = end[j] + 1
            elif name == "br":
                out.ws(off[j] or 0, "")
                j = end[j] + 1
            else:
                j += 1
        return _strip_atoms(cur)

    # -- compose -----------------------------------------------------------------------------------------------
    def _compose(self, lines) -> tuple[str, list[Run]]:
        """The text (lines joined by "\n") and its runs: a run starts wherever an atom does not continue the
        markup where the previous one ended (every atom in a JS literal, whose offsets are not the file's)."""
        parts: list[str] = []
        # the runs as three columns (text offset, line, col), made into Run tuples at the end, in C
        r_at: list[int] = []
        r_line: list[int] = []
        r_col: list[int] = []
        n = 0
        every_atom = self.js
        starts, size, to_file = self.file_starts, self.file_len, self.to_file
        # the file line of the last run start and where it starts and ends: the next run starts on it more often
        # than not (a cell after a cell), which needs no search
        ln = 0
        line_lo = line_hi = -1
        add_part, add_at, add_line, add_col = parts.append, r_at.append, r_line.append, r_col.append
        for line, row in lines:
            # a table row's atoms all hold text already: the cells' own (_cell_atoms strips them) and the separators
            atoms = line if row else _strip_atoms(line)
            if not atoms:
                continue
            if parts:
                add_part("\n")
                n += 1
            prev_end = None
            for text, off in atoms:
                # every atom holds text: two runs never start at one place
                if prev_end != off or every_atom:
                    if starts is None:
                        a_line, col = to_file(off)
                        add_line(a_line)
                        add_col(col)
                    else:  # LineIndex.line_col, inline: the markup is the file
                        o = size if off > size else 0 if off < 0 else off
                        if not line_lo <= o < line_hi:
                            ln = bisect_right(starts, o)
                            line_lo = starts[ln - 1]
                            line_hi = starts[ln] if ln < len(starts) else size + 1
                        add_line(ln)
                        add_col(o - line_lo + 1)
                    add_at(n)
                add_part(text)
                k = len(text)
                n += k
                prev_end = off + k
        runs = list(map(_new_run, zip(r_at, r_line, r_col)))
        return "".join(parts), runs


_new_run = partial(tuple.__new__, Run)  # Run(start, line, col) from a tuple, without the Python-level __new__
_FIRST = itemgetter(0)


def _line_text(line) -> str:
    atoms, row = line
    return "".join(a[0] for a in (atoms if row else _strip_atoms(list(atoms))))


_SCAN, _FLUSH = 0, 1


_DIGITS = re.compile(r"\d+")


def _span_value(v: str, limit: int) -> int:
    """A colspan/rowspan attribute's value: its leading digits, 1 to ``limit``; 1 without digits."""
    if v.isdecimal():  # the usual "2": digits only (what ``\d`` matches), read without the regex
        n = int(v)
    else:
        m = _DIGITS.match(v.strip())
        if not m:
            return 1
        n = int(m.group())
    return 1 if n < 1 else limit if n > limit else n


def _is_text(atoms) -> bool:
    return any(ch.isalpha() for t, _ in atoms for ch in t)


class SpanGrid:
    """Resolves rowspan/colspan into rows of cells (the DOCX and PDF readers apply the same rule to their own
    merge information: ``w:vMerge``/``w:gridSpan``, cell rectangles).

    A cell spanning rows repeats its content in every row when it holds text (a label: ``is_text``), and stays
    empty in the following rows when it holds a number (so a total is not counted twice); a cell spanning columns
    is followed by (colspan - 1) empty cells.  ``add_row`` takes (content, anchor, colspan, rowspan) per cell and
    returns (content, anchor) per grid position; ``anchor`` says where the cell came from (an offset, a bbox ...).
    """

    def __init__(self, is_text=_is_text, empty=list, width: int = _MAX_COLS):
        self.is_text = is_text
        self.empty = empty
        self.width = width  # columns kept per row: a huge colspan cannot make every later row huge
        self.pending: dict[int, list] = {}  # column -> [rows left, content for the following rows, anchor]

    def add_row(self, cells):
        if not self.pending and len(cells) <= self.width and all(c[2] == 1 and c[3] == 1 for c in cells):
            return [(content, anchor) for content, anchor, _, _ in cells]  # no span: the cells as they are
        width, empty = self.width, self.empty
        row: list[tuple] = []
        add = row.append
        col = 0
        above = self.pending  # spans from earlier rows that cover this one
        fresh: dict[int, list] = {}
        for content, anchor, colspan, rowspan in cells:
            while col in above:  # the columns that spans from above fill before this cell
                entry = above[col]
                add((entry[1], entry[2]))
                col += 1
            if col >= width:
                break
            if colspan > width - col:
                colspan = width - col
            add((content, anchor))
            for _ in range(colspan - 1):
                add((empty(), anchor))
            if rowspan > 1:
                later = content if self.is_text(content) else empty()
                for k in range(colspan):
                    fresh[col + k] = [rowspan - 1, later if k == 0 else empty(), anchor]
            col += colspan
        # spans from above at the end of the row (after missing cells, too)
        last = max(above) if above else -1
        while col <= last:
            entry = above.get(col)
            if entry is not None:
                add((entry[1], entry[2]))
            else:
                add((empty(), row[-1][1] if row else None))
            col += 1
        self.pending = {}
        for c, entry in above.items():
            if entry[0] > 1:
                self.pending[c] = [entry[0] - 1, entry[1], entry[2]]
        self.pending.update(fresh)
        return row
