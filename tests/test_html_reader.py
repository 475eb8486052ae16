"""The HTML reader on lxml: linear on pathological pages (issue 11), the size limit before parsing, the time budget in
any thread, and source positions where lxml's tree differs from the markup (stray end tags, CR LF)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from nblint import budget
from nblint.readers import MAX_CHARS, read_bytes
from nblint.readers import html as H
from nblint.source import ReadError

HEADINGS = "".join(f"<p>{h}</p><p>本机关依法公开政府信息。</p>" for h in ("一、总体情况", "二、主动公开政府信息情况"))


def timed_read(data: bytes, name: str = "p.html"):
    """Read a page; returns (Source or ReadError, seconds)."""
    t = time.perf_counter()
    try:
        result = read_bytes(name, data)
    except ReadError as e:
        result = e
    return result, time.perf_counter() - t


def col_of(src, ch: str, nth: int = 0) -> tuple[int, int]:
    """line:col in the HTML of the nth occurrence of ``ch`` in the extracted text."""
    i = -1
    for _ in range(nth + 1):
        i = src.text.index(ch, i + 1)
    loc = src.location(i)
    return loc.line, loc.col


# ---------------------------------------------------------------------------------------------------------------
# the quadratic paths of the review (each took > 60 s at 20,000 with the BeautifulSoup reader)


@pytest.mark.parametrize("n", [20_000])
def test_nested_tables_are_linear(n):
    page = ("<html><body>" + "<table><tr><td>一、总体情况" * n + "</body></html>").encode()
    result, seconds = timed_read(page)
    assert seconds < 10, f"{n} nested tables took {seconds:.1f} s"
    assert isinstance(result, ReadError) or "一、总体情况" in result.text


def test_unclosed_paragraphs_are_linear():
    n = 20_000
    page = ("<html><body>" + "<p>一、总体情况" * n + "</body></html>").encode()
    result, seconds = timed_read(page)
    assert seconds < 10, f"{n} unclosed <p> took {seconds:.1f} s"
    assert not isinstance(result, ReadError)
    assert result.text.count("一、总体情况") == n


def test_huge_spans_are_bounded():
    # one row of 200 cells spanning 1000 rows and 200 columns each, then many rows (the page stays under the size limit)
    n = 10_000
    head = "<tr>" + '<td rowspan="1000" colspan="200">规章</td>' * 200 + "</tr>"
    rows = "<tr><td>规章</td><td>1</td></tr>" * n
    page = f"<html><body>{HEADINGS}<table>{head}{rows}</table></body></html>".encode()
    result, seconds = timed_read(page)
    assert seconds < 10, f"span grid took {seconds:.1f} s"
    assert not isinstance(result, ReadError)
    widths = {line.count(" | ") + 1 for line in result.text.split("\n") if " | " in line}
    assert max(widths) <= H._MAX_COLS


def test_span_grid_caps_the_width():
    grid = H.SpanGrid()
    row = grid.add_row([([("a", 0)], 0, 64, 5)] * 10)
    assert len(row) == H._MAX_COLS
    assert len(grid.add_row([([("b", 0)], 0, 1, 1)])) == H._MAX_COLS  # the spans from above, not more


def test_deep_divs_beyond_what_libxml2_reads_are_flattened():
    page = ("<div>" * 5000 + "<p>一、总体情况</p>" + "</div>" * 5000 + "<p>二、结尾</p>").encode()
    result, seconds = timed_read(page)
    assert seconds < 10
    assert not isinstance(result, ReadError)
    assert "一、总体情况" in result.text and "二、结尾" in result.text
    assert col_of(result, "二") == (1, 5000 * 5 + len("<p>一、总体情况</p>") + 5000 * 6 + 4)


def test_many_headings_in_deep_blocks_stay_linear():
    n = 3000
    page = (
        "<html><body>" + '<div class="title">一、总体情况 2023年 发布日期：2024-01-05' * n + "</body></html>"
    ).encode()
    _, seconds = timed_read(page)
    assert seconds < 10


# ---------------------------------------------------------------------------------------------------------------
# the size limit applies before parsing


def test_the_character_limit_applies_before_parsing(monkeypatch):
    def no_parse(markup):
        raise AssertionError("a page over the limit was parsed")

    monkeypatch.setattr(H, "_parse", no_parse)
    body = "<p>一、总体情况</p>"
    page = "<html><body>" + body + "<!--" + "x" * MAX_CHARS + "--></body></html>"
    result, seconds = timed_read(page.encode())
    assert isinstance(result, ReadError)
    assert "limit" in result.reason and "HTML page" in result.reason
    assert seconds < 2
    # by bytes, before decoding
    result, _ = timed_read(b"<p>" + b"x" * (4 * MAX_CHARS + 1))
    assert isinstance(result, ReadError) and "bytes" in result.reason


def test_a_page_just_under_the_limit_is_read():
    page = "<html><body>" + HEADINGS + "<!--" + "x" * (MAX_CHARS - 500) + "--></body></html>"
    assert len(page) <= MAX_CHARS
    result, _ = timed_read(page.encode())
    assert not isinstance(result, ReadError)
    assert result.text.startswith("一、总体情况")


# ---------------------------------------------------------------------------------------------------------------
# the time budget


def big_page(n: int = 30_000) -> bytes:
    return ("<html><body>" + "<p>一、总体情况<span>本机关</span></p>" * n + "</body></html>").encode()


def test_budget_stops_the_reader():
    page = big_page()
    t = time.perf_counter()
    with pytest.raises(budget.Timeout), budget.limit(0.0):
        read_bytes("p.html", page)
    assert time.perf_counter() - t < 2


def test_budget_stops_the_reader_in_a_thread_and_can_be_cancelled():
    page = big_page()
    outcome: list = []
    cancel = threading.Event()
    started = threading.Event()

    def work():
        try:
            with budget.limit(None, cancel=cancel):
                started.set()
                while True:  # until cancelled
                    read_bytes("p.html", page)
        except budget.Timeout as e:
            outcome.append(e)

    th = threading.Thread(target=work, daemon=True)
    th.start()
    started.wait(5)
    time.sleep(0.05)
    cancel.set()
    th.join(10)
    assert not th.is_alive()
    assert outcome and outcome[0].cancelled


def test_a_time_out_is_not_reported_as_a_corrupt_page():
    with pytest.raises(budget.Timeout), budget.limit(0.0):
        read_bytes("p.html", big_page(5000))


# ---------------------------------------------------------------------------------------------------------------
# positions where lxml's tree differs from the markup


def test_text_around_a_stray_end_tag_keeps_its_columns():
    page = "<html><body>\n<p>一、总体情况</p>\n<p>abc</span>def&nbsp;x</p>\n<p>二、主动公开</p></body></html>"
    src = read_bytes("p.html", page.encode())
    assert "abcdef\xa0x" in src.text
    line = page.split("\n")[2]
    assert col_of(src, "a") == (3, line.index("abc") + 1)
    assert col_of(src, "d") == (3, line.index("def") + 1)
    assert col_of(src, "x") == (3, line.index("x") + 1)


def test_crlf_pages_keep_lines_and_columns():
    page = "<html><body>\r\n<p>一、总体情况\r\n本机关依法公开。</p>\r\n<p>二、主动公开</p></body></html>"
    src = read_bytes("p.html", page.encode())
    assert col_of(src, "一") == (2, 4)
    assert col_of(src, "本") == (3, 1)
    assert col_of(src, "二") == (4, 4)


def test_multi_line_start_tags_and_implied_elements():
    page = '<div\n  class="content"\n  id=x>\n一、总体情况<br>本机关依法公开。\n<p>二、主动公开</p>\n<td>三、其他</td></div>'
    src = read_bytes("p.html", page.encode())
    assert src.text.split("\n")[:2] == ["一、总体情况", "本机关依法公开。"]
    assert col_of(src, "一") == (4, 1)
    assert col_of(src, "二") == (5, 4)
    assert col_of(src, "三") == (6, 5)


def test_ruby_annotations_and_comments():
    page = "<p>一、总体情况</p><p>公<!-- c -->开<ruby>报<rt>bao</rt></ruby>告</p><p>二、其他</p>"
    src = read_bytes("p.html", page.encode())
    assert "公开报告" in src.text and "bao" not in src.text


def test_lxml_is_imported_only_when_a_page_is_read():
    code = "import sys, nblint.readers.html; print('lxml' in sys.modules, 'bs4' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_publication_date_from_the_page_meta(tmp_path):
    """<meta name="PubDate"> is the portal's publication date (origin page); NB504 uses it before the report's own
    signature date, which is on time here."""
    from nblint.engine import Engine, Settings
    from nblint.readers import read_path

    p = tmp_path / "late.html"
    p.write_text(
        '<html><head><meta charset="utf-8"><META NAME="PubDate" CONTENT="2024-02-26 09:10"></head><body>'
        '<div class="content"><h1>某某县财政局2023年政府信息公开工作年度报告</h1><p>一、总体情况</p>'
        "<p>本局主动公开政府信息。</p><p>某某县财政局</p><p>2024年1月20日</p></div></body></html>",
        encoding="utf-8",
    )
    src = read_path(str(p))
    assert src.meta == {"published": "2024-02-26 09:10", "published-origin": "page"}
    res = Engine(Settings(select={"NB504"})).lint_path(str(p))
    assert res.meta["published"] == {"date": "2024-02-26", "origin": "page"}
    assert [d.message for d in res.diagnostics] == ["门户网站页面的发布日期2024年2月26日晚于法定期限2024年1月31日"]


def test_a_title_with_a_long_run_of_spaces_is_read_quickly():
    """Fuzz finding (hang in _head_title): a site-name split whose pattern began with \\s* was retried at every
    position of a 60,000-space run in <title>; the title before a separator is still taken."""
    body = "<p>一、总体情况</p><p>本机关认真贯彻落实条例。</p>"
    page = f"<html><head><title>某某区2023年政府信息公开工作年度报告{' ' * 60_000}x</title></head><body>{body}</body></html>"
    t = time.process_time()
    read_bytes("t.html", page.encode())
    assert time.process_time() - t < 1.0
    page = f"<html><head><title>某某区2023年政府信息公开工作年度报告 - 某某区人民政府</title></head><body>{body}</body></html>"
    assert read_bytes("t.html", page.encode()).text.startswith("某某区2023年政府信息公开工作年度报告\n")


def test_the_start_tag_scan_is_linear():
    """The one-pass start-tag scan (a raw-text element's content is part of its token) on adversarial markup:
    unclosed scripts, a script full of '<' and near-miss end tags, unclosed quotes and comments."""
    for markup in (
        "<script>" * 50_000,
        "<script>" + "<" * 200_000,
        "<script>" + "</scrip" * 30_000,
        "<style>" + "</STYLE" * 10 + "x" * 100_000,
        '<a title="' * 40_000,
        "<!--" * 50_000,
        "<p " + "'" * 100_000,
        "<textarea " + "a=b " * 40_000,
    ):
        t = time.perf_counter()
        tags = H._StartTags(markup)
        assert time.perf_counter() - t < 0.5, markup[:20]
        assert len(tags.names) == (0 if markup.startswith("<!--") else 1)  # one tag swallows the rest


def test_raw_text_elements_hide_their_tags_from_the_scan():
    tags = H._StartTags(
        '<p>a</p><SCRIPT type="x">if (a<b) {"<td>"}</script ><Style>td{}</sTyle><td>x</td><xmp><b></xmp>'
    )
    assert tags.names == ["p", "script", "style", "td", "xmp"]
    assert tags.offs[1] == 8 and tags.ends[1] == 25  # the start tag only, not the content


def test_hidden_styles_agree_with_the_case_insensitive_pattern():
    """The page's styles searched at once (lower-cased, joined) find exactly the styles ``_HIDDEN_STYLE`` finds,
    with the letters re.I folds differently from lower() (İ ı ſ) too."""
    import random

    rng = random.Random(16)
    parts = ["display", "DISPLAY", "Dısplay", "dİsplay", "diſplay", ":", " ", "\t", "\u3000", "none", "NONE", "nOne"]
    parts += ["visibility", "VISIBILITY", "hidden", "HİDDEN", "hıdden", "overflow", ";", "x", "İ", "ı", "\u212a"]
    for _ in range(5000):
        styles = ["".join(rng.choice(parts) for _ in range(rng.randrange(6))) for _ in range(rng.randrange(1, 5))]
        assert H._hidden_styles(styles) == [k for k, s in enumerate(styles) if H._HIDDEN_STYLE.search(s)], styles


def test_hidden_elements_are_dropped_from_text_and_tables():
    page = (
        "<html><body><p>一、总体情况</p><p style='DISPLAY : None'>隐藏段落</p><p hidden>也隐藏</p>"
        "<p style='overflow:hidden;border:none'>可见段落</p><p>二、主动公开政府信息情况</p>"
        "<table><tr><td>项目</td><td style='visibility:hidden'>隐藏格</td><td>数量</td></tr>"
        "<tr style='display:none'><td>隐藏行</td><td>9</td></tr><tr><td>规章</td><td>1</td></tr></table>"
        "</body></html>"
    ).encode()
    text = read_bytes("p.html", page).text
    assert "可见段落" in text and "项目 | 数量" in text and "规章 | 1" in text
    assert not any(w in text for w in ("隐藏", "也隐藏"))


def test_hidden_search_is_skipped_only_where_nothing_can_be_hidden():
    """The page is searched for hidden elements only when it can hold one (``_may_hide``): the answer is the same as
    searching every page, with the words written in any case, through character references (numeric, and the
    named ones for İ and ı) or with the letters re.I folds (İ ı ſ)."""
    import random

    rng = random.Random(1611)
    values = ["display:none", "DISPLAY : None", "visibility:hidden", "&#100;isplay:none", "d&#x69;splay:none"]
    values += ["d&Idot;splay:none", "d&imath;splay:none", "d&inodot;splay:none", "diſplay:none", "dİsplay:none"]
    values += ["vısıbılıty:hidden", "color:red", "overflow:hidden", "display&colon;none", "&nbsp;", "x"]
    attrs = ["", " hidden", " HIDDEN", " data-x='hidden'", " title='display:none'", " class='hidden'", "/hidden"]
    attrs += [" type='hidden'", " x=''hidden", ' x=""HIDDEN=1', " hidden;", " hidden.x", "\thidden\t", " hidden=''"]
    attrs += ["\x0bhidden", " x=hidden", " =hidden", "\rhidden", " hiddenx", " xhidden", "\fhidden/"]

    def full(root, els):  # every question asked, with the absolute paths of the first version
        found = set(root.xpath("//*[@hidden]"))
        styled = root.xpath("//*[@style]")
        found.update(styled[k] for k in H._hidden_styles(root.xpath("//@style", smart_strings=False)))
        return {i for i, el in enumerate(els) if el is not None and el in found}

    for _ in range(400):
        parts = []
        for _ in range(rng.randrange(1, 6)):
            style = f" style='{rng.choice(values)}'" if rng.random() < 0.6 else ""
            parts.append(f"<p{rng.choice(attrs)}{style}>段落</p>")
        markup = "<html><body>" + "".join(parts) + "</body></html>"
        doc = H._Doc(markup)
        assert doc.hidden_idx == full(doc.root, doc.els), markup
    # the guard itself: nothing to find on a page without the words, a reference or a folding letter
    page = "<p style='color:red'>&nbsp;一、</p>"
    assert H._may_hide(page.encode(), page) == (False, False)
    assert H._may_hide(b"<p style='color:red'>&#100;</p>", "") == (False, True)
    assert H._may_hide(b"<input type='hidden'><style>p{overflow: hidden;}</style>", "")[0] is False
    assert H._may_hide(b"<p x=''HIDDEN>", "")[0] is True
    # the neighbours of each "hidden" are looked at: what the HTML5 tokenizer reads as the attribute name
    for page, named in ((b"hidden", False), (b" hidden", True), (b"/hidden=1", True), (b"'hidden'", False)):
        assert H._attr_hidden(page) is named, page
    # linear: a page of "hidden"s is looked through once (a look-behind regex tried every byte)
    page = b"xhidden" * 200_000
    t = time.perf_counter()
    assert not H._attr_hidden(page)
    assert time.perf_counter() - t < 2


def test_cells_nested_deep_around_one_text_stay_linear():
    """A cell's one-text-node shortcut climbs a bounded number of parents: 5,000 nested cells around 5,000 nested
    <div>s and one text are read in linear time."""
    n = 5_000
    page = ("<html><body>" + "<table><tr><td>x</td><td>" * n + "<div>" * n + "一、总体情况" + "</body></html>").encode()
    result, seconds = timed_read(page)
    assert seconds < 10, f"took {seconds:.1f} s"
    assert isinstance(result, ReadError) or "一、总体情况" in result.text


def test_cell_text_with_inline_markup_and_spaces():
    page = (
        f"<html><body>{HEADINGS}<table>"
        "<tr><td>\n  <p><span>收到</span></p>\n</td><td> <b>申请</b> <i>数量</i> </td><td><br><span>\xa0 1 </span></td></tr>"
        "<tr><td><p>规章</p><p style='display:none'>隐藏</p></td><td>a\n b</td><td>&nbsp;</td></tr>"
        "</table></body></html>"
    ).encode()
    src = read_bytes("p.html", page)
    assert "收到 | 申请 数量 | 1" in src.text and "规章 | ab | " in src.text
    for word in ("收到", "申请", "数量", "1 ", "规章"):
        at = src.original.index(word)
        line = src.original.count("\n", 0, at) + 1
        assert col_of(src, word[0]) == (line, at - src.original.rfind("\n", 0, at)), word


def test_the_collector_is_paused_only_while_a_page_is_read():
    """The reader pauses the cyclic garbage collector and starts it again only when it ran before."""
    import gc

    page = "<html><body><p>一、总体情况</p><p>二、主动公开政府信息情况</p></body></html>".encode()
    assert gc.isenabled()
    read_bytes("p.html", page)
    assert gc.isenabled()
    gc.disable()
    try:
        read_bytes("p.html", page)
        assert not gc.isenabled()
    finally:
        gc.enable()
    seen = []
    real = H._Extractor.run

    def spy(src):
        seen.append(gc.isenabled())
        return real(src)

    H._Extractor.run = spy  # type: ignore[method-assign]
    try:
        read_bytes("p.html", page)
    finally:
        H._Extractor.run = real  # type: ignore[method-assign]
    assert seen == [False] and gc.isenabled()


def test_chinese_counts_in_one_pass_are_the_counts_of_each_text():
    """``_counts`` deletes the Chinese characters of all texts under the root joined by NULs in one regex pass; its
    prefix sums are those of counting each text on its own (links apart), with a text outside the root counting
    nothing, and a NUL inside a text (no parser gives one: U+FFFD stands for it) makes it count one text at a time."""
    page = (
        "<html><head><title>某某区2023年报</title></head><body><div id='nav'><a href='/'>首页导航</a></div>"
        "<div class='content'><p>一、总体情况</p><p>本机关 2023 年𠀀共公开信息 12 条。</p><p><a>相关链接</a>！</p>"
        "<table><tr><td>（一）予以公开</td><td>5</td></tr></table></div></body></html>"
    )
    doc = H._Doc(page)
    for nul in (False, True):
        if nul:
            doc.ne_text = [t + "\0中" if k % 2 else t for k, t in enumerate(doc.ne_text)]
        for root in (0, doc.body, doc.tables[0]):
            ex = H._Extractor(page, None, doc)
            ex._counts(root)
            inside = [root <= i <= doc.end[root] for i in doc.ne]
            each = [H._cjk_count(t) if ok else 0 for t, ok in zip(doc.ne_text, inside)]
            plain = [0 if i in doc.links else c for i, c in zip(doc.ne, each)]
            link = [c if i in doc.links else 0 for i, c in zip(doc.ne, each)]
            assert ex._plain == [sum(plain[:k]) for k in range(len(plain) + 1)], (nul, root)
            assert ex._link == [sum(link[:k]) for k in range(len(link) + 1)], (nul, root)
            assert ex._link[-1] > 0 or root == doc.tables[0]
