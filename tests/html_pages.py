"""Pages for the HTML reader's guard (tests/test_html_guard.py): the real portal pages of ../shared (binaries and
corpus), the project's own reader fixtures, and seeded variants of each that stress what the reader must keep
(stray and missing tags, entities, CR LF, hidden elements, merged cells, <br>, comments, whitespace runs, the
report inside a JavaScript string, truncation).  ``fingerprint`` is what the guard compares: the text, where every
character of it is in the file (line:col through the runs), the page's publication date, or the reader's error."""

from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path

from conftest import ROOT, SHARED

from nblint.readers import read_bytes
from nblint.source import ReadError

FIXTURES = ROOT / "tests" / "fixtures" / "readers"
MUTANTS = 24  # variants per page kept in the golden file
SAMPLES = 20  # offsets whose line:col are written out in the golden file (all of them are hashed)


def real_pages() -> list[tuple[str, str, bytes]]:
    """(group, name, bytes): group "shared" (skipped without ../shared) or "fixtures"."""
    out: list[tuple[str, str, bytes]] = []
    for sub in ("binaries", "corpus"):
        d = SHARED / sub
        if d.is_dir():
            out += [
                ("shared", p.name, p.read_bytes()) for p in sorted(d.iterdir()) if p.suffix.lower() in (".html", ".htm")
            ]
    out += [("fixtures", p.name, p.read_bytes()) for p in sorted(FIXTURES.glob("*.htm*"))]
    return out


def _decode(data: bytes) -> str:
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


_TAG = re.compile(r"<[^<>]{0,400}>")
_TD = re.compile(r"<t[dh]\b", re.I)
_JS_SAFE = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _text_pos(rng: random.Random, s: str) -> int:
    """A position between a '>' and the next '<' (inside text), or anywhere when the page has no such place."""
    for _ in range(20):
        i = rng.randrange(len(s) + 1)
        lt, gt = s.rfind("<", 0, i), s.rfind(">", 0, i)
        if gt >= lt:
            return i
    return rng.randrange(len(s) + 1)


def _mutate(rng: random.Random, s: str) -> str:
    op = rng.randrange(16)
    tags = list(_TAG.finditer(s))
    if op == 0:
        return s.replace("\r\n", "\n").replace("\n", "\r\n")
    if op == 1 and tags:
        m = rng.choice(tags)
        return s[: m.start()] + s[m.end() :]
    if op == 2:
        i = _text_pos(rng, s)
        return s[:i] + rng.choice(["</span>", "</p>", "</td>", "</div>", "</b>", "</tr>", "</table>"]) + s[i:]
    if op == 3:
        i = _text_pos(rng, s)
        ent = rng.choice(
            ["&nbsp;", "&amp;", "&#20013;", "&lt;", "&#x4e00;", "&nbsp;&nbsp;", "&emsp;", "&copy", "&#12288;"]
        )
        return s[:i] + ent + s[i:]
    if op == 4 and tags:
        starts = [m for m in tags if re.match(r"<[A-Za-z]", m.group())]
        if starts:
            m = rng.choice(starts)
            attr = rng.choice([' style="display:none"', " hidden", ' style="visibility: hidden"', ' style="color:red"'])
            k = m.start() + 1 + len(re.match(r"<[A-Za-z0-9]*", m.group()).group()) - 1
            return s[:k] + attr + s[k:]
    if op == 5:
        tds = list(_TD.finditer(s))
        if tds:
            m = rng.choice(tds)
            attr = rng.choice(
                [' rowspan="2"', ' colspan="3"', ' rowspan="3" colspan="2"', ' colspan="0"', " rowspan=x"]
            )
            return s[: m.end()] + attr + s[m.end() :]
    if op == 6:
        ends = [m for m in tags if re.match(r"</(?:tr|td|p|div|table|li)\b", m.group(), re.I)]
        if ends:
            m = rng.choice(ends)
            return s[: m.start()] + s[m.end() :]
    if op == 7:
        i = _text_pos(rng, s)
        return s[:i] + rng.choice(["<br>", "<br/>", "<p>", "<div>", "</p><p>", "<span>", "<td>"]) + s[i:]
    if op == 8 and s:
        a = rng.randrange(len(s))
        b = min(len(s), a + rng.randrange(1, 4000))
        return s[:b] + s[a:b] + s[b:]
    if op == 9 and len(s) > 10:
        return s[: rng.randrange(len(s) // 2, len(s))]
    if op == 10:
        i = _text_pos(rng, s)
        return s[:i] + rng.choice(["<!-- x -->", "<!-- 注释<p>一、</p> -->", "<?php ?>", "<!DOCTYPE x>"]) + s[i:]
    if op == 11:
        i = _text_pos(rng, s)
        return s[:i] + rng.choice(["   ", "\t\n  \n", "\n\n\n", " \u3000 ", "\xa0\xa0", "\r\n \r\n"]) + s[i:]
    if op == 12:
        i = _text_pos(rng, s)
        return (
            s[:i]
            + rng.choice(["一、总体情况", "二、主动公开", "发布日期：2024-01-15", "本报告", "（单位：件）"])
            + s[i:]
        )
    if op == 13:
        lo = s.lower()
        a, b = lo.find("<body"), lo.rfind("</body>")
        if 0 <= a < b:
            a = s.find(">", a) + 1
            inner = s[a:b].translate(_JS_SAFE)
            return f'<html><head><script>var content = "{inner}";</script></head><body><div id="c"></div></body></html>'
    if op == 14 and tags:
        m = rng.choice(tags)
        return s[: m.start()] + m.group().upper() + s[m.end() :]
    if op == 15:
        i = _text_pos(rng, s)
        return (
            s[:i] + rng.choice(['<a href="x">', "</a>", "<nav>", "<header>", "<footer>", "<script>", "<style>"]) + s[i:]
        )
    return s + "\n"


def mutants(name: str, data: bytes, n: int = MUTANTS, seed: int = 0) -> list[tuple[str, bytes]]:
    """``n`` variants of a page, each with 1-3 edits, the same for a given name and seed on every machine."""
    base = _decode(data)
    out = []
    for k in range(n):
        rng = random.Random(f"{seed}:{name}:{k}")
        s = base
        for _ in range(rng.randrange(1, 4)):
            s = _mutate(rng, s)
        out.append((f"{name}#{k}", s.encode("utf-8", "surrogatepass")))
    return out


def fingerprint(name: str, data: bytes) -> dict:
    """What the reader makes of a page: text, the line:col of every character (hashed; a sample written out),
    the <meta> publication date, or the error."""
    try:
        src = read_bytes("page.html", data)
    except ReadError as e:
        return {"error": e.reason}
    text = src.text
    locs = [src.location(i) for i in range(len(text) + 1)]
    flat = [(loc.line, loc.col) for loc in locs]
    step = max(1, len(text) // SAMPLES)
    return {
        "chars": len(text),
        "text": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20],
        "positions": hashlib.sha256(json.dumps(flat).encode()).hexdigest()[:20],
        "sample": [[i, *flat[i]] for i in range(0, len(text) + 1, step)][: SAMPLES + 1],
        "meta": dict(sorted(src.meta.items())),
    }


def all_cases() -> list[tuple[str, str, bytes]]:
    out = []
    for group, name, data in real_pages():
        out.append((group, name, data))
        out += [(group, n, d) for n, d in mutants(name, data)]
    return out


def golden_path() -> Path:
    return ROOT / "tests" / "expectations" / "html_reader.json"
