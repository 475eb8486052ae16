"""HTML pages: find the report inside the page, emit its paragraphs as lines and its tables as pipe rows.

The page is parsed with BeautifulSoup and the standard library parser (no lxml needed).  Steps:

1. decode the bytes (BOM, ``<meta charset>``, UTF-8, GB18030, then detection);
2. if the report is really an HTML string inside JavaScript (``let content = "<p>…</p>"`` in a ``<script>`` or a
   bare JS file), unescape that literal and read it instead, keeping a map back to the JS line;
3. drop scripts, styles, forms controls, ``<nav>``/``<aside>`` and page-level ``<header>``/``<footer>``;
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
text nodes are located by searching their first characters in the source between the neighbouring tags, and
entities / source newlines inside a node get their own run so columns stay exact.

``Source.original`` is set to the decoded HTML: inline suppression comments (``<!-- nblint: disable=… -->``) are
found there, on the same file lines as the diagnostics (which map through the runs), so the extracted text does not
carry them.
"""

from __future__ import annotations

import html as _html
import re
from bisect import bisect_right

from ..source import ReadError, Run, Source, line_starts
from . import bad_input

# ---------------------------------------------------------------------------------------------------------------
# vocabulary

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
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
_PROBE_STOP = set("&<>\"'\xa0\u3000 \t\n\r\f")
_MAX_CELLS = 200
_MAX_SPAN = 1000


def read(path: str, data: bytes) -> Source:
    with bad_input("HTML"):
        src = _decode(data)
        if not src.strip():
            raise ReadError("the file holds no text")
        text, runs = _Extractor.run(src)
    if not text.strip():
        raise ReadError("no text found in the HTML page")
    source = Source(path=path, text=text, kind="html", runs=runs)
    source.original = src  # the engine reads inline suppressions here (file lines, like the diagnostics)
    return source


# ---------------------------------------------------------------------------------------------------------------
# decoding

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _decode(data: bytes) -> str:
    if not data:
        raise ReadError("empty file")
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
        if "\x00" in sample or sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f\v") > len(sample) * 0.05:
            raise ReadError("the file holds binary data, not HTML")
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


def _find_js_report(src: str, soup) -> tuple[str, list[int]] | None:
    """The unescaped HTML of a JS string literal that holds the report, if the page is built that way."""
    if "\\" not in src and "`" not in src:
        return None
    regions: list[tuple[int, int]] = []
    if not src.lstrip().startswith("<"):
        regions.append((0, len(src)))  # a bare JS (or JSON) file named .html
    starts = _LineIndex(src)
    for script in soup.find_all("script"):
        if script.sourceline is None or not script.string or len(script.string) < 200:
            continue
        tag_at = starts.offset(script.sourceline, script.sourcepos)
        m = _START_TAG.match(src, tag_at)
        body_at = m.end() if m else tag_at
        end = src.find("</script", body_at)
        regions.append((body_at, end if end >= 0 else len(src)))
    best = None
    for lo, hi in regions:
        for m in _JS_LITERAL.finditer(src, lo, hi):
            g = 1 if m.group(1) is not None else 2 if m.group(2) is not None else 3
            raw = m.group(g)
            if len(raw) < 200 or not _JS_HTML.search(raw):
                continue
            text, where = _js_unescape(raw, m.start(g))
            cjk = len(_CJK.findall(text))
            if cjk >= 100 and (best is None or cjk > best[0]):
                best = (cjk, text, where, lo == 0 and hi == len(src))
    if best is None:
        return None
    cjk, text, where, bare = best
    if not bare:
        body = soup.body or soup
        visible = sum(
            len(_CJK.findall(s))
            for s in body.find_all(string=True)
            if s.parent is not None and s.parent.name not in ("script", "style")
        )
        if visible >= cjk * 0.5:
            return None  # the page shows the report itself; the script only carries a copy
    return text, where


# ---------------------------------------------------------------------------------------------------------------
# positions


class _LineIndex:
    def __init__(self, text: str):
        self.starts = line_starts(text)

    def offset(self, line: int, col0: int) -> int:
        line = max(1, min(line, len(self.starts)))
        return self.starts[line - 1] + col0

    def line_col(self, offset: int) -> tuple[int, int]:
        k = bisect_right(self.starts, offset) - 1
        return k + 1, offset - self.starts[k] + 1


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
    while atoms:
        t, o = atoms[0]
        s = t.lstrip(_STRIP)
        if s:
            atoms[0] = (s, o + (len(t) - len(s)))
            break
        atoms.pop(0)
    while atoms:
        t, o = atoms[-1]
        s = t.rstrip(_STRIP)
        if s:
            atoms[-1] = (s, o)
            break
        atoms.pop()
    return atoms


# ---------------------------------------------------------------------------------------------------------------
# the extractor


class _Extractor:
    def __init__(self, markup: str, to_file, soup, js: bool = False):
        self.js = js  # reading an unescaped JS literal: markup offsets are not file offsets
        self.markup = markup
        self.to_file = to_file  # offset in markup -> (line, col) in the file
        self.soup = soup
        self.index = _LineIndex(markup)
        self.pos: dict[int, list[tuple[int, int]]] = {}  # id(text node) -> breakpoints (index in node, offset)
        self.tag_off: dict[int, int] = {}

    # -- entry -------------------------------------------------------------------------------------------------
    @classmethod
    def run(cls, src: str) -> tuple[str, list[Run]]:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(src, "html.parser")
        file_index = _LineIndex(src)
        js = _find_js_report(src, soup)
        if js is not None:
            markup, where = js
            soup = BeautifulSoup(markup, "html.parser")

            def to_file(off: int, _w=where) -> tuple[int, int]:
                if not _w:
                    return 1, 1
                return file_index.line_col(_w[min(max(off, 0), len(_w) - 1)])
        else:
            markup = src
            to_file = file_index.line_col
        ex = cls(markup, to_file, soup, js=js is not None)
        return ex.extract()

    def extract(self) -> tuple[str, list[Run]]:
        soup = self.soup
        head_title = self._head_title()
        self._clean()
        self._locate_text()
        root = soup.body or soup
        counts, links = self._count(root)
        content = self._choose(root, counts, links)
        out = _Out()
        order = {id(e): i for i, e in enumerate(soup.descendants)}
        c_lo = order.get(id(content), 0)
        prefix: list[tuple[int, str, object]] = []
        meta = self._metadata(content, order, c_lo)
        if meta is not None:
            prefix.append((order[id(meta)], "meta", meta))
        title = self._title(content, order, c_lo, counts)
        if title is not None:
            prefix.append((order[id(title)], "title", title))
        prefix.sort(key=lambda p: p[0])
        for _, kind, node in prefix:
            if kind == "meta" and node.name == "tr":
                self._table(node.find_parent("table"), out)
            else:
                self._blocks(node, out)
            out.flush()
        first_body_line = len(out.lines)
        if content.name in ("table", "tbody", "thead", "tfoot", "tr"):
            self._table(content if content.name == "table" else content.find_parent("table"), out)
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
        soup = self.soup
        meta = soup.find("meta", attrs={"name": re.compile(r"^articletitle$", re.I)})
        candidates = []
        if meta is not None and meta.get("content"):
            candidates.append((str(meta["content"]), meta))
        t = soup.find("title")
        if t is not None and t.string:
            first = re.split(r"\s*(?:_|\||｜|－|—+|\s-\s|(?<=\D)-(?=\D))\s*", str(t.string).strip())[0]
            candidates.append((first, t))
        for text, tag in candidates:
            text = _ASCII_WS.sub(" ", text).strip(_STRIP)
            if 4 <= len(text) <= 150 and _CJK.search(text):
                off = 0
                if tag.sourceline is not None:
                    off = self.index.offset(tag.sourceline, tag.sourcepos or 0)
                    if tag.name == "title":
                        m = _START_TAG.match(self.markup, off)
                        at = self.markup.find(text, m.end() if m else off)
                        off = at if at >= 0 else off
                return text, off
        return None

    # -- preparation -------------------------------------------------------------------------------------------
    def _clean(self):
        soup = self.soup
        for tag in soup.find_all(list(_DROP)):
            if tag.decomposed:
                continue
            if tag.name == "title" and tag.find_parent("head") is None and tag.find_parent("svg") is None:
                continue  # a <title> in the body is text (capture tools do that)
            tag.decompose()
        for tag in soup.find_all(["header", "footer"]):
            if tag.decomposed:
                continue
            if tag.find_parent(["article", "main"]) is None:
                tag.decompose()

    def _locate_text(self):
        """Find where each text node starts in the markup (see module doc)."""
        from bs4 import NavigableString, Tag

        markup = self.markup
        elements = list(self.soup.descendants)
        tag_at = [None] * len(elements)
        for i, el in enumerate(elements):
            if isinstance(el, Tag) and el.sourceline is not None:
                off = self.index.offset(el.sourceline, el.sourcepos or 0)
                self.tag_off[id(el)] = off
                tag_at[i] = off
        nxt = [len(markup)] * (len(elements) + 1)
        for i in range(len(elements) - 1, -1, -1):
            nxt[i] = tag_at[i] if tag_at[i] is not None else nxt[i + 1]
        cursor = 0
        last_tag_end = 0
        for i, el in enumerate(elements):
            if tag_at[i] is not None:
                m = _START_TAG.match(markup, tag_at[i])
                last_tag_end = m.end() if m else tag_at[i]
                continue
            if type(el) is not NavigableString:
                continue
            text = str(el)
            lead = len(text) - len(text.lstrip(" \t\n\r\f"))
            if lead == len(text):
                continue
            lo = max(cursor, last_tag_end)
            hi = nxt[i + 1]
            if hi < lo:
                hi = len(markup)
            ps = lead  # first character that can be searched for literally
            while ps < len(text) and text[ps] in _PROBE_STOP:
                ps += 1
            probe = []
            for ch in text[ps : ps + 6]:
                if ch in _PROBE_STOP:
                    break
                probe.append(ch)
            found = markup.find("".join(probe), lo, hi) if probe else -1
            if found < 0 and probe:
                self.pos[id(el)] = [(0, lo)]
                continue
            if ps > lead or not probe:
                # leading entities (&nbsp;): walk from where the node's raw text begins, after the last '>'
                stop = found if found >= 0 else hi
                r0 = max(lo, markup.rfind(">", lo, stop) + 1)
                bps = self._walk(text, 0, r0, hi)
                if probe and bps[-1][0] < ps:
                    bps.append((ps, found))
                    bps += self._walk(text, ps, found, hi)[1:]
                cursor = bps[-1][1]
                self.pos[id(el)] = bps
                continue
            bps = [(lead, found)]
            end_guess = found + (len(text) - lead) * 2 + 16
            if "\n" in text or "&" in markup[found : min(end_guess, hi)]:
                bps = self._walk(text, lead, found, hi)
                cursor = bps[-1][1]
            else:
                cursor = found + len(probe)
            self.pos[id(el)] = bps

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
            if c == text[i]:
                i += 1
                r += 1
                if c == "\n":
                    bps.append((i, r))
                continue
            break
        return bps

    def _count(self, root):
        """Non-link Chinese characters under each element (and the link ones)."""
        from bs4 import NavigableString

        counts: dict[int, int] = {}
        links: dict[int, int] = {}
        for s in root.find_all(string=True):
            if type(s) is not NavigableString:
                continue
            n = len(_CJK.findall(s))
            if not n:
                continue
            in_link = False
            chain = []
            p = s.parent
            while p is not None:
                if p.name == "a":
                    in_link = True
                chain.append(p)
                if p is root:
                    break
                p = p.parent
            target = links if in_link else counts
            for p in chain:
                target[id(p)] = target.get(id(p), 0) + n
        return counts, links

    def _choose(self, root, counts, links):
        """The element holding the report: around its section headings if it has some, else by text mass."""
        from bs4 import Tag

        def cnt(t):
            return counts.get(id(t), 0)

        heads = self._headings(root)
        if heads:
            first = [heads[0]] + list(heads[0].parents)
            last = {id(p) for p in heads[-1].parents}
            cur = next((p for p in first[1:] if id(p) in last), root)
            # go out through wrappers that add nothing, and take in a preamble or title of the report sitting
            # just outside (a little text, no links, words of a report's opening); never page chrome
            while cur is not root and cur.parent is not None and cur.parent.name not in ("body", "html", "[document]"):
                parent = cur.parent
                added = cnt(parent) - cnt(cur)
                added_links = links.get(id(parent), 0) - links.get(id(cur), 0)
                if added_links > 0:
                    break
                if added:
                    if added > max(300, 0.3 * cnt(cur)):
                        break
                    extra = parent.get_text("", strip=True).replace(cur.get_text("", strip=True), "", 1)
                    if not _PREAMBLE.search(extra):
                        break
                cur = parent
            return cur

        total = cnt(root)
        # an element named as content (TRS_Editor, article, zoom ...) holding at least half of the text
        hinted = [t for t in root.find_all(True) if cnt(t) >= 0.5 * total and self._hint(t, _CONTENT_HINT)]
        if total and hinted:
            best = max(hinted, key=cnt)
            tighter = [t for t in hinted if cnt(t) >= 0.9 * cnt(best)]
            return tighter[-1]  # nested ones come later in document order: the innermost

        cur = root
        while True:
            kids = [c for c in cur.children if isinstance(c, Tag)]
            if not kids:
                break
            best = max(kids, key=cnt)
            if cnt(best) < 0.85 * cnt(cur) or cnt(best) == 0 or best.name in _NO_DESCEND:
                break
            if best.name in ("table", "tbody", "thead", "tr", "td", "th") and not self._layout_table(best):
                break
            cur = best
        if total and cnt(cur) < 0.3 * total:
            cur = root
        return cur

    def _headings(self, root) -> list:
        """Text nodes that open a report section heading (``一、…`` … ``六、…``), outside links and hidden parts."""
        from bs4 import NavigableString

        found = []
        numerals = set()
        for s in root.find_all(string=_HEADING):
            if type(s) is not NavigableString:
                continue
            block = s.parent
            while block is not None and block.name not in _BLOCK:
                block = block.parent
            if block is None or len(block.get_text("", strip=True)) > 60:
                continue
            if any(p.name == "a" or self._hidden(p) for p in s.parents if p is not None and p.name):
                continue
            found.append(s)
            numerals.add(_HEADING.match(s).group(1))
        return found if len(numerals) >= 2 else []

    @staticmethod
    def _hint(tag, pattern) -> bool:
        attrs = getattr(tag, "attrs", None) or {}
        cls = attrs.get("class", "")
        if isinstance(cls, list):
            cls = " ".join(cls)
        ident = attrs.get("id", "")
        return bool(pattern.search(f"{cls} {ident}")) or (
            pattern is _CONTENT_HINT and tag.name in ("article", "main", "ucapcontent")
        )

    def _title(self, content, order, c_lo, counts):
        """The nearest title-like element before the content (h1, or class/id naming a title)."""
        from bs4 import Tag

        best = None
        for el in self.soup.find_all(True):
            i = order.get(id(el), 0)
            if i >= c_lo:
                break
            if not isinstance(el, Tag) or el.name in ("table", "tr", "td", "body", "html"):
                continue
            if not (
                el.name == "h1"
                or (el.name in ("h2", "h3", "div", "p", "span", "td", "strong") and self._hint(el, _TITLE_HINT))
            ):
                continue
            text = el.get_text("", strip=True)
            if not (4 <= len(text) <= 150) or not _CJK.search(text):
                continue
            if el.find_parent(lambda t: t is content) is not None:
                continue
            if best is None or "报告" in text or "年报" in text or "报告" not in best[1]:
                best = (el, text)
        if best is None:
            return None
        el = best[0]
        # prefer the innermost element holding that same text
        while True:
            kids = [c for c in el.children if isinstance(c, Tag) and c.get_text("", strip=True) == best[1]]
            if len(kids) != 1:
                break
            el = kids[0]
        return el

    def _metadata(self, content, order, c_lo):
        """The nearest line (or small table row) before the content that gives a publication date."""
        from bs4 import NavigableString

        hit = None
        for s in self.soup.find_all(string=True):
            if order.get(id(s), 0) >= c_lo:
                break
            if type(s) is not NavigableString or not _DATE_HINT.search(s):
                continue
            hit = s if _DATE_LINE.search(self._context(s)) else hit
        if hit is None:
            return None
        if re.search(r"采集|抓取|爬取", self._context(hit)):
            return None  # when a capture tool fetched the page, not when it was published
        tr = hit.find_parent("tr")
        if tr is not None:
            table = tr.find_parent("table")
            if (
                table is not None
                and len(table.find_all("tr")) <= 12
                and len(table.get_text()) < 1500
                and table.find("table") is None
            ):
                return tr
        block = hit.parent
        while block is not None and block.name not in _BLOCK:
            block = block.parent
        if block is None or len(block.get_text("", strip=True)) > 200:
            return None
        return block

    @staticmethod
    def _context(s) -> str:
        """The text of a node plus its table row / block, enough to see a label and a date together."""
        tr = s.find_parent("tr")
        if tr is not None:
            return " | ".join(c.get_text("", strip=True) for c in tr.find_all(["td", "th"]))[:300]
        p = s.parent
        while p is not None and p.name not in _BLOCK:
            p = p.parent
        return (p.get_text("", strip=True) if p is not None else str(s))[:300]

    # -- emission ----------------------------------------------------------------------------------------------
    def _text_atoms(self, s, cell: bool, out: _Out):
        """Add the text node ``s`` to the current line, collapsing ASCII whitespace."""
        text = str(s)
        bps = self.pos.get(id(s))
        if bps is None:
            p = s.parent
            base = self.tag_off.get(id(p), 0) if p is not None else 0
            bps = [(0, base)]
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

    def _hidden(self, tag) -> bool:
        attrs = tag.attrs or {}
        if "hidden" in attrs:
            return True
        style = attrs.get("style", "")
        return (
            isinstance(style, str) and re.search(r"display\s*:\s*none|visibility\s*:\s*hidden", style, re.I) is not None
        )

    def _blocks(self, node, out: _Out, cell: bool = False):
        """Walk ``node`` iteratively: text to the current line, blocks and <br> end lines, tables as rows."""
        from bs4 import NavigableString, Tag

        stack = [(node, False)]
        top = node
        while stack:
            el, leaving = stack.pop()
            if leaving:
                if not cell:
                    out.flush()
                continue
            if isinstance(el, NavigableString):
                if type(el) is NavigableString:
                    self._text_atoms(el, cell, out)
                continue
            if not isinstance(el, Tag):
                continue
            name = el.name
            if el is not top:
                if name in _DROP or self._hidden(el):
                    continue
                if cell and name in ("td", "th"):
                    continue  # a cell left unclosed: the nested cell is emitted as its own cell
                if name == "br":
                    if cell:
                        out.ws(self.tag_off.get(id(el), 0), "")
                    else:
                        out.flush()
                    continue
                if name == "table":
                    if cell:
                        self._blocks_children(el, stack)
                        continue
                    out.flush()
                    self._table(el, out)
                    continue
                if (
                    not cell
                    and el.name not in ("tr", "td", "th", "tbody")
                    and self._hint(el, _CHROME_HINT)
                    and el.find(["table", "p"]) is None
                ):
                    continue
            if name in _BLOCK or name == "br":
                if not cell:
                    out.flush()
                stack.append((el, True))
            elif cell and name in ("p", "div"):
                out.ws(self.tag_off.get(id(el), 0), "")
            self._blocks_children(el, stack)

    @staticmethod
    def _blocks_children(el, stack):
        kids = list(el.children)
        for k in reversed(kids):
            stack.append((k, False))

    # -- tables ------------------------------------------------------------------------------------------------
    @staticmethod
    def _rows(table):
        return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]

    @staticmethod
    def _cells(tr):
        return [c for c in tr.find_all(["td", "th"]) if c.find_parent("tr") is tr][:_MAX_CELLS]

    def _layout_table(self, el) -> bool:
        table = el if el.name == "table" else el.find_parent("table")
        if table is None:
            return True
        if table.find("table") is not None:
            return True
        rows = self._rows(table)
        return all(len(self._cells(tr)) <= 1 for tr in rows)

    def _table(self, table, out: _Out):
        if table is None:
            return
        if self._layout_table(table):
            for tr in self._rows(table):
                for td in self._cells(tr):
                    out.flush()
                    self._blocks(td, out)
                    out.flush()
            return
        grid = SpanGrid()
        for tr in self._rows(table):
            if self._hidden(tr):
                continue
            cells = []
            for td in self._cells(tr):
                if self._hidden(td):
                    continue
                cell_out = _Out()
                self._blocks(td, cell_out, cell=True)
                cell_out.flush()
                atoms = _strip_atoms([a for line, _ in cell_out.lines for a in line])
                cells.append(
                    (
                        atoms,
                        self.tag_off.get(id(td), 0),
                        _span(td, "colspan", 1, _MAX_CELLS),
                        _span(td, "rowspan", 1, _MAX_SPAN),
                    )
                )
            row = grid.add_row(cells)
            if not any(c[0] for c in row) and (
                str(tr.get("height", "")).strip() == "0" or re.search(r"height\s*:\s*0", str(tr.get("style", "")))
            ):
                continue  # Word's invisible sizing row
            atoms: list[tuple[str, int]] = []
            for k, (cell_atoms, td_off) in enumerate(row):
                td_off = td_off or 0
                if k:
                    atoms.append((" |", row[k - 1][1] or 0))
                    atoms.append((" ", td_off))
                atoms.extend(cell_atoms)
            if atoms:
                out.line(atoms, row=True)

    # -- compose -----------------------------------------------------------------------------------------------
    def _compose(self, lines) -> tuple[str, list[Run]]:
        parts: list[str] = []
        runs: list[Run] = []
        n = 0
        every_atom = self.js
        for line, row in lines:
            atoms = [a for a in line if a[0]] if row else _strip_atoms(list(line))
            if not atoms:
                continue
            if parts:
                parts.append("\n")
                n += 1
            prev_end = None
            for text, off in atoms:
                if not text:
                    continue
                if prev_end != off or every_atom:
                    line_no, col = self.to_file(off)
                    if not runs or runs[-1].start != n:
                        runs.append(Run(n, line_no, col))
                    else:
                        runs[-1] = Run(n, line_no, col)
                parts.append(text)
                n += len(text)
                prev_end = off + len(text)
        return "".join(parts), runs


def _line_text(line) -> str:
    atoms, row = line
    return "".join(a[0] for a in (atoms if row else _strip_atoms(list(atoms))))


def _span(td, attr: str, default: int, limit: int) -> int:
    v = str(td.get(attr, "")).strip()
    m = re.match(r"\d+", v)
    if not m:
        return default
    return max(1, min(int(m.group()), limit))


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

    def __init__(self, is_text=_is_text, empty=list):
        self.is_text = is_text
        self.empty = empty
        self.pending: dict[int, list] = {}  # column -> [rows left, content for the following rows, anchor]

    def add_row(self, cells):
        row: list[tuple] = []
        col = 0
        above = self.pending  # spans from earlier rows that cover this one
        fresh: dict[int, list] = {}

        def fill():
            nonlocal col
            while col in above:
                row.append((above[col][1], above[col][2]))
                col += 1

        for content, anchor, colspan, rowspan in cells:
            fill()
            row.append((content, anchor))
            for _ in range(colspan - 1):
                row.append((self.empty(), anchor))
            if rowspan > 1:
                later = content if self.is_text(content) else self.empty()
                for k in range(colspan):
                    fresh[col + k] = [rowspan - 1, later if k == 0 else self.empty(), anchor]
            col += colspan
        # spans from above at the end of the row (after missing cells, too)
        while above and max(above) >= col:
            if col in above:
                fill()
            else:
                row.append((self.empty(), row[-1][1] if row else None))
                col += 1
        self.pending = {}
        for c, entry in above.items():
            if entry[0] > 1:
                self.pending[c] = [entry[0] - 1, entry[1], entry[2]]
        self.pending.update(fresh)
        return row
