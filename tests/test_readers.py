"""The HTML, DOCX and PDF readers: what they extract from real reports, and that bad input only ever gives ReadError."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from nblint.readers import read_bytes, read_path
from nblint.source import ReadError

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures" / "readers"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
BINARIES = SHARED / "binaries"

HEADINGS_2021 = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]


def shared_file(*parts: str) -> Path:
    p = SHARED.joinpath(*parts)
    if not p.is_file():
        pytest.skip(f"{p} not available")
    return p


def lines_of(src) -> list[str]:
    return src.text.split("\n")


def pipe_rows(src) -> list[str]:
    return [ln for ln in lines_of(src) if " | " in ln]


def cells(row: str) -> list[str]:
    return row.split(" | ")


def widths(src) -> Counter:
    return Counter(len(cells(r)) for r in pipe_rows(src))


def line_no(src, text: str, start: int = 1) -> int:
    """1-based number of the first line equal to ``text`` (or starting with it for pipe rows)."""
    for i, ln in enumerate(lines_of(src), 1):
        if i >= start and (ln == text or ln.startswith(text + " | ")):
            return i
    raise AssertionError(f"no line {text!r} in:\n{src.text}")


def offset_of_line(src, n: int) -> int:
    return src.lines.offset(n, 1)


def read_bad(name: str, data: bytes):
    """Read bad input: a ReadError (or a normal result) is fine, anything else fails; never slow."""
    t = time.perf_counter()
    try:
        read_bytes(name, data)
    except ReadError as e:
        assert e.reason and isinstance(e.reason, str)
    assert time.perf_counter() - t < 5, f"{name} took too long"


# ---------------------------------------------------------------------------------------------------------------
# HTML: fixtures


def test_html_fixture_merged_cells_and_positions():
    path = FIXTURES / "merged_table.html"
    raw = path.read_text(encoding="utf-8").split("\n")
    src = read_path(path)
    assert src.kind == "html"
    ls = lines_of(src)
    assert ls[0] == "某某局2023年政府信息公开工作年度报告"  # from <title>, cut before the site name
    assert "一、总体情况" in ls and "二、主动公开政府信息情况" in ls
    # colspan: the cell, then empty cells; &nbsp; cell is empty; cell text stripped
    assert "第二十条第（一）项 |  |  | " in ls
    assert "规章 | 0 |  | 3" in ls
    # rowspan: the label repeats (its <br> joins to nothing), the number stays in its first row
    assert "三、本年度办理结果 | 5 | （一）予以公开 | 1" in ls
    assert "三、本年度办理结果 |  | （二）部分公开 | 2" in ls
    # entities decoded, source newlines in prose collapse to one space
    assert "本年度主动公开 规范性文件<3>件。" in ls
    # no navigation, footer or script text
    for chrome in ("首页", "互动交流", "版权所有", "ICP备", "不应出现的脚本文字"):
        assert chrome not in src.text
    # inline suppression comments are read from the HTML itself (Source.original), on the file's own lines
    assert "nblint" not in src.text
    assert src.original.split("\n")[12] == "<!-- nblint: disable=NB207 -->"
    # positions: 规章 is on line 7 of the file, at its own column
    n = line_no(src, "规章")
    loc = src.location(offset_of_line(src, n))
    assert (loc.line, loc.col) == (7, raw[6].index("规章") + 1)
    # the cell "3" (with spaces around it in the source) maps to the 3
    off = offset_of_line(src, n) + len("规章 | 0 |  | ")
    loc = src.location(off)
    assert raw[loc.line - 1][loc.col - 1] == "3"
    # the empty cell between "0" and "3" maps to its <td>
    loc = src.location(offset_of_line(src, n) + len("规章 | 0 | "))
    assert loc.line == 7 and raw[6][loc.col - 1 : loc.col + 3] == "<td>"
    # a character after an entity still maps exactly
    n2 = next(i for i, ln in enumerate(lines_of(src), 1) if ln.startswith("本机关\xa0认真"))  # &nbsp; kept as NBSP
    loc = src.location(offset_of_line(src, n2) + len("本机关\xa0"))
    assert raw[loc.line - 1][loc.col - 1] == "认"
    # prose split over source lines maps each part to its own line
    n3 = line_no(src, "本年度主动公开 规范性文件<3>件。")
    loc = src.location(offset_of_line(src, n3) + len("本年度主动公开 "))
    assert (loc.line, raw[loc.line - 1][loc.col - 1]) == (17, "规")


def test_html_every_character_maps_to_itself():
    path = FIXTURES / "merged_table.html"
    raw = path.read_text(encoding="utf-8").split("\n")
    src = read_path(path)
    starts = [r.start for r in src.runs]
    assert starts == sorted(starts)
    for off, ch in enumerate(src.text):
        if ch in "\n |\xa0<>" or off < len(src.text.split("\n")[0]):
            continue
        loc = src.location(off)
        assert raw[loc.line - 1][loc.col - 1] == ch, (off, ch, loc)


def test_html_report_inside_a_javascript_string():
    path = FIXTURES / "js_content.html"
    raw = path.read_text(encoding="utf-8").split("\n")
    src = read_path(path)
    ls = lines_of(src)
    assert ls[0] == "2019年某某市人民政府办公厅政府信息公开工作年度报告"
    assert ls[1] == "一、总体情况"
    assert "规章 | 13" in ls and "规范性文件 | " in ls
    assert "六、其他需要报告的事项" in ls and "首页" not in src.text
    # positions point into the JS line, at the characters themselves
    for text in ("一、总体情况", "规章 | 13", "六、其他需要报告的事项"):
        loc = src.location(offset_of_line(src, line_no(src, text)))
        assert loc.line == 5
        assert raw[4][loc.col - 1 : loc.col + 1] == text[:2]


def test_html_bare_javascript_file_and_script_copy():
    raw = (FIXTURES / "js_content.html").read_text(encoding="utf-8")
    literal = raw[raw.index("let content") : raw.index("document.")]
    bare = read_bytes("data.html", ("// data\nvar menu = [];\n" + literal + "\n").encode())
    assert lines_of(bare)[1] == "一、总体情况" and "规章 | 13" in lines_of(bare)
    assert bare.location(0).line == 3
    # a page that shows the report and keeps a copy in a script: the page wins
    page = (
        "<html><body><div class=content><p>一、总体情况</p><p>"
        + "本机关认真落实条例。" * 20
        + "</p></div><script>"
        + literal
        + "</script></body></html>"
    )
    src = read_bytes("page.html", page.encode())
    assert lines_of(src)[0] == "一、总体情况" and "规章 | 13" not in src.text


def test_html_portal_page_keeps_report_drops_chrome():
    path = FIXTURES / "portal_page.html"
    src = read_path(path)
    assert lines_of(src) == [
        "某某县人民政府2023年政府信息公开工作年度报告",
        "来源：县政府办 发布日期：2024-01-20 浏览次数：",
        "本报告根据《中华人民共和国政府信息公开条例》编制，统计期限为2023年1月1日至12月31日。",
        "一、总体情况",
        "本机关认真贯彻落实条例要求，依法主动公开政府信息，规范办理依申请公开。",
        "二、主动公开政府信息情况",
        "规章 | 0 | 0 | 0",
        "六、其他需要报告的事项",
        "无。",
    ]
    assert [src.location(offset_of_line(src, n)).line for n in (1, 2, 3, 4, 7, 9)] == [13, 14, 17, 19, 22, 24]
    # without numbered headings the content is found by its class name and its share of the text
    text = path.read_text(encoding="utf-8")
    for numeral in ("一、", "二、", "六、"):
        text = text.replace(numeral, "")
    src = read_bytes("plain.html", text.encode())
    assert lines_of(src)[0] == "某某县人民政府2023年政府信息公开工作年度报告" and "规章 | 0 | 0 | 0" in lines_of(src)
    for chrome in ("首页", "热点新闻", "常务会议", "分享到微信", "打印本页", "主办单位", "欢迎访问"):
        assert chrome not in src.text


def test_html_encodings_and_layout_tables():
    body = (
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head><body>"
        "<table><tr><td><div class='nav'><a href='/'>首页</a></div></td></tr>"
        "<tr><td><table><tr><td>规章</td><td>1</td></tr></table><p>一、总体情况</p>"
        "<p>" + "本机关依法公开政府信息。" * 10 + "</p></td></tr></table></body></html>"
    )
    src = read_bytes("gb.htm", body.encode("gb18030"))
    assert "规章 | 1" in lines_of(src) and "一、总体情况" in lines_of(src)
    assert "首页" not in src.text
    # no declaration, not UTF-8: GB18030
    src = read_bytes("x.html", "<p>一、总体情况</p><p>本机关依法公开。</p>".encode("gb18030"))
    assert lines_of(src)[0] == "一、总体情况"
    # a few broken bytes do not lose the page (replaced, as a browser does)
    data = ("<p>一、总体情况</p><p>" + "本机关依法公开政府信息。" * 50 + "</p>").encode()
    src = read_bytes("x.html", data[:40] + b"\xff\xfe" + data[40:])
    assert lines_of(src)[0] == "一、总体情况" and "\ufffd" in src.text


# ---------------------------------------------------------------------------------------------------------------
# HTML: real pages


def test_html_pingtan_trs_page():
    src = read_path(shared_file("binaries", "pingtan_2023.html"))
    ls = lines_of(src)
    assert ls[0] == "平潭综合实验区2023年度政府信息公开工作年度报告"
    assert ls[1].startswith("来源：平潭综合实验区管委会办公室") and "2024-03-08" in ls[1]
    for h in HEADINGS_2021:
        assert h in ls
    assert len(pipe_rows(src)) == 46
    assert widths(src) == Counter({4: 14, 10: 28, 15: 4})
    assert "规章 | 0 | 0 | 0" in ls
    assert "三、本年度办理结果 | （七）总计 |  | 80 | 1 | 0 | 0 | 0 | 0 | 81" in ls
    assert "1 | 1 | 0 | 0 | 2 | 4 | 0 | 0 | 1 | 5 | 1 | 0 | 1 | 0 | 2" in ls
    for chrome in (
        "闽ICP备",
        "网站支持IPV6",
        "版权所有",
        "微博",
        "QQ空间",
        "首页",
        "当前位置",
        "相关链接",
        "附件下载",
        "闽政通APP",
    ):
        assert chrome not in src.text
    loc = src.location(offset_of_line(src, line_no(src, "规章")))
    assert loc.line == 349
    raw = shared_file("binaries", "pingtan_2023.html").read_text(encoding="utf-8").split("\n")
    assert raw[348][loc.col - 1 : loc.col + 1] == "规章"


def test_html_shuyang_word_pasted_page():
    src = read_path(shared_file("binaries", "shuyang_fgj_2023.html"))
    ls = lines_of(src)
    # the page's metadata table (with the publication date), the title, then the report
    assert ls[2] == "发布机构 | 沭阳县发展和改革局 | 公开日期 | 2024-01-17"
    assert "沭阳县发展和改革局2023年政府信息公开年度报告" in ls
    for h in HEADINGS_2021[:4] + ["五、存在的主要问题及整改措施", "六、其他需要报告的事项"]:
        assert h in ls
    assert widths(src) == Counter({4: 20, 10: 28, 15: 4})  # 6 metadata rows + 14 + 28 + 4
    assert "0 | 0 | 0 | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0" in ls
    assert ls[-1] == "2024年1月17日"
    for chrome in ("繁體版", "智能问答", "采集时间", "无障碍", "走进沭阳"):
        assert chrome not in src.text
    loc = src.location(offset_of_line(src, line_no(src, "一、总体情况")))
    assert loc.line == 231


def test_html_shanghai_2019_fragment():
    src = read_path(shared_file("corpus", "015.html"))
    ls = lines_of(src)
    assert ls[0] == "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    for h in (
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "五、政府信息公开工作存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ):
        assert h in ls
    assert widths(src)[10] == 26 and widths(src)[15] == 4
    # blank cells stay blank
    assert "三、本年度办理结果 | （三）不予公开 | 2.其他法律行政法规禁止公开 |  |  |  |  |  |  | " in ls
    assert all(loc_line == 1 for loc_line in (r.line for r in src.runs))


# ---------------------------------------------------------------------------------------------------------------
# DOCX


def test_docx_blank_template():
    src = read_path(shared_file("binaries", "govnianbao_template_2021_blank.docx"))
    assert src.kind == "docx" and src.runs is None
    ls = lines_of(src)
    assert ls[0] == "政府信息公开工作年度报告格式模板"
    for h in HEADINGS_2021:
        assert h in ls
    rows = pipe_rows(src)
    assert widths(src) == Counter({4: 14, 10: 28, 15: 4})
    # three tables 14x4, 28x10, 4x15, in place between the headings
    blocks = Counter(src.line_info[i]["block"].rsplit(" row ", 1)[0] for i, ln in enumerate(ls, 1) if " | " in ln)
    assert blocks == Counter({"table 1": 14, "table 2": 28, "table 3": 4})
    assert (
        line_no(src, "二、主动公开政府信息情况")
        < line_no(src, "规章")
        < line_no(src, "三、收到和处理政府信息公开申请情况")
    )
    # every number cell is empty (U+3000 placeholders count as empty)
    assert "规章 |  |  | " in ls
    assert "三、本年度办理结果 | （七）总计 |  |  |  |  |  |  |  | " in ls
    assert rows[-1] == " | ".join([""] * 15)
    # vertical merges: the label repeats; wrapped labels join
    assert sum(1 for r in rows if r.startswith("三、本年度办理结果 | ")) == 22
    assert (
        " | 商业企业 | 科研机构 | "
        in ls[line_no(src, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）") + 1]
    )
    assert src.line_info[line_no(src, "三、收到和处理政府信息公开申请情况")] == {"block": "paragraph 19"}
    assert src.line_info[line_no(src, "规章")] == {"block": "table 1 row 3"}
    loc = src.location(offset_of_line(src, line_no(src, "规章")))
    assert loc.block == "table 1 row 3" and loc.line == line_no(src, "规章")


def _numbered_docx() -> bytes:
    """A DOCX made with python-docx: Chinese auto-numbered headings, merged cells, a content control, a line break."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    d = docx.Document()
    numbering = d.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>'
            '<w:suff w:val="nothing"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/>'
            '<w:suff w:val="nothing"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def numbered(text, level):
        p = d.add_paragraph(text)
        p._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        )
        return p

    d.add_paragraph("某某局2023年政府信息公开工作年度报告")
    numbered("总体情况", 0)
    numbered("主动公开", 1)
    p = d.add_paragraph("第一行")
    p.add_run().add_break()
    p.add_run("第二行")
    numbered("主动公开政府信息情况", 0)
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).merge(t.cell(0, 3)).text = "第二十条第（一）项"
    t.cell(1, 0).merge(t.cell(2, 0)).text = "三、本年度办理结果"
    t.cell(1, 1).merge(t.cell(2, 1)).text = "5"
    t.cell(1, 2).text = "（一）予以公开"
    t.cell(2, 2).text = "（二）部分公开"
    t.cell(3, 0).text = "规章"
    t.cell(3, 3).text = "\u3000"
    sdt = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtContent><w:p><w:r><w:t>控件里的段落</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    d.element.body.insert(len(d.element.body) - 1, sdt)
    numbered("收到和处理政府信息公开申请情况", 0)
    assert d.element.body.find(qn("w:sdt")) is not None
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_docx_numbering_merges_and_blocks():
    src = read_bytes("made.docx", _numbered_docx())
    ls = lines_of(src)
    assert ls[:6] == [
        "某某局2023年政府信息公开工作年度报告",
        "一、总体情况",
        "（一）主动公开",
        "第一行",
        "第二行",
        "二、主动公开政府信息情况",
    ]
    assert ls[6:10] == [
        "第二十条第（一）项 |  |  | ",
        "三、本年度办理结果 | 5 | （一）予以公开 | ",
        "三、本年度办理结果 |  | （二）部分公开 | ",
        "规章 |  |  | ",
    ]
    assert ls[10:] == ["控件里的段落", "三、收到和处理政府信息公开申请情况"]
    assert src.line_info[4] == src.line_info[5] == {"block": "paragraph 4"}
    assert src.line_info[8] == {"block": "table 1 row 2"}
    assert src.line_info[11] == {"block": "paragraph 6"}


def test_docx_html_alt_chunk():
    import docx
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = docx.Document()
    d.add_paragraph("某某局2023年政府信息公开工作年度报告")
    html = "<html><body><p>一、总体情况</p><table><tr><td>规章</td><td>1</td></tr></table></body></html>"
    part = Part(PackURI("/word/afchunk1.html"), "text/html", html.encode(), d.part.package)
    rid = d.part.relate_to(part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk")
    d.element.body.insert(len(d.element.body) - 1, parse_xml(f'<w:altChunk {nsdecls("w", "r")} r:id="{rid}"/>'))
    out = io.BytesIO()
    d.save(out)
    src = read_bytes("chunk.docx", out.getvalue())
    assert lines_of(src) == ["某某局2023年政府信息公开工作年度报告", "一、总体情况", "规章 | 1"]
    assert src.line_info[3] == {"block": "chunk 1"}


# ---------------------------------------------------------------------------------------------------------------
# PDF


def _pages_of(src, text: str) -> int:
    return src.line_info[line_no(src, text)]["page"]


def test_pdf_szfgs2024():
    t = time.perf_counter()
    src = read_path(shared_file("binaries", "govnianbao_szfgs2024.pdf"))
    elapsed = time.perf_counter() - t
    assert src.kind == "pdf"
    ls = lines_of(src)
    assert ls[:2] == ["淮安市人民政府", "2024 年政府信息公开工作年度报告"]
    for h in HEADINGS_2021:
        assert h in ls
    assert [_pages_of(src, h) for h in HEADINGS_2021] == [1, 3, 4, 5, 5, 6]
    assert src.line_info[line_no(src, "- 1 -")] == {"page": 1}
    assert all("page" in src.line_info[i] for i in range(1, len(ls) + 1))
    assert len(pipe_rows(src)) == 46
    assert widths(src) == Counter({4: 8, 2: 6, 10: 28, 15: 4})
    assert "规章 | 1 | 0 | 11" in ls
    assert "三、本年度办理结果 | （一）予以公开 |  | 1288 | 21 | 0 | 0 | 50 | 3 | 1362" in ls
    assert "72 | 64 | 178 | 37 | 351 | 13 | 4 | 8 | 1 | 26 | 12 | 1 | 1 | 6 | 20" in ls
    # the one-column "tables" (prose on a white background) stay prose
    assert "本报告由淮安市人民政府办公室根据《中华人民共和国政府" in ls
    assert elapsed < 5


@pytest.mark.parametrize(
    "name, total_row",
    [
        ("kirogovcompare_hzq2023_working.pdf", "10 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 5 | 0 | 0 | 0 | 0"),
        ("kirogovcompare_hzq2024_working.pdf", "1 | 1 | 0 | 0 | 2 | 1 | 0 | 0 | 0 | 1 | 2 | 0 | 1 | 0 | 3"),
    ],
)
def test_pdf_hongze(name, total_row):
    src = read_path(shared_file("binaries", name))
    ls = lines_of(src)
    for h in HEADINGS_2021:
        assert h in ls
    assert widths(src)[10] == 26 and widths(src)[15] == 4
    assert total_row in ls
    # prose on page 2 (white background boxes) is not swallowed into the table
    assert not any(r.startswith(("（四）政府信息公开平台建设情况", "（三）政府信息管理情况")) for r in pipe_rows(src))
    # a merged label cut by the page break (no bottom border) is still read, and the open last row is a row
    assert sum(1 for r in pipe_rows(src) if r.startswith("三、本年度办理结果 | （三）不予公开 | ")) == 8
    assert any(
        r.startswith("三、本年度办理结果 | （四）无法提供 | 1.本机关不掌握相关政府信息 | ") for r in pipe_rows(src)
    )
    assert any("2.没有现成信息需要另行制作 | " in r for r in pipe_rows(src))
    assert _pages_of(src, "四、政府信息公开行政复议、行政诉讼情况") == 4


def _cjk_pdf(content: bytes) -> bytes:
    """A one-page PDF whose text uses the predefined STSong-Light / UniGB-UCS2-H font (no embedding needed)."""
    return _minimal_pdf(
        content,
        extra=[
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>",
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
            b"/Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 >>",
            b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] /ItalicAngle 0 "
            b"/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        ],
        resources=b"/Resources << /Font << /F1 5 0 R >> >>",
    )


def _text(x: float, y: float, s: str) -> bytes:
    return b"BT /F1 12 Tf %g %g Td <%s> Tj ET\n" % (x, y, s.encode("utf-16-be").hex().encode())


def _rule(x0, y0, x1, y1) -> bytes:
    return b"%g %g m %g %g l S\n" % (x0, y0, x1, y1)


def test_pdf_made_table_merges_and_fake_bold():
    c = _text(40, 270, "一、总体情况") + _text(40.3, 270, "一、总体情况")  # "fake bold": printed twice
    c += _text(40, 250, "本机关依法主动公开政府信息。")
    c += b"0 0 0 RG 1 w\n"
    for y in (150, 175, 200, 225):  # four rules; the one at 175 leaves out the first column
        c += _rule(140 if y == 175 else 40, y, 340, y)
    for x in (40, 140, 240, 340):
        c += _rule(x, 150, x, 225)
    c += _text(45, 207, "信息内容") + _text(145, 207, "本年") + _text(245, 207, "累计")
    c += _text(45, 170, "行政许可") + _text(145, 182, "3") + _text(245, 182, "12") + _text(245, 157, "5")
    c += _text(40, 120, "二、主动公开政府信息情况")
    src = read_bytes("made.pdf", _cjk_pdf(c))
    assert lines_of(src) == [
        "一、总体情况",
        "本机关依法主动公开政府信息。",
        "信息内容 | 本年 | 累计",
        "行政许可 | 3 | 12",
        "行政许可 |  | 5",
        "二、主动公开政府信息情况",
    ]
    assert all(src.line_info[i] == {"page": 1} for i in range(1, 7))


def test_pdf_broken_font_is_a_read_error():
    path = shared_file("binaries", "kirogovcompare_sample_report_2023_beijing_SYNTHETIC.pdf")
    with pytest.raises(ReadError) as e:
        read_path(path)
    assert "not readable" in e.value.reason or "no text layer" in e.value.reason


def test_pdf_without_text_layer():
    pdf = _minimal_pdf(b"0 0 m 100 100 l S")  # a drawing, no text
    with pytest.raises(ReadError, match="no text layer"):
        read_bytes("scan.pdf", pdf)


def _minimal_pdf(content: bytes, extra: list[bytes] = (), resources: bytes = b"") -> bytes:
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 300] /Contents 4 0 R " + resources + b" >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        *extra,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


# ---------------------------------------------------------------------------------------------------------------
# robustness: bad input gives ReadError, never another exception, never a hang


@pytest.mark.parametrize("name", ["empty.pdf", "empty.docx", "empty.html", "empty.htm"])
def test_empty_files(name):
    with pytest.raises(ReadError):
        read_bytes(name, b"")


@pytest.mark.parametrize("name", ["x.pdf", "x.docx", "x.html"])
def test_random_bytes(name):
    rnd = random.Random(7)
    for n in (10, 3000):
        read_bad(name, bytes(rnd.randrange(256) for _ in range(n)))
    with pytest.raises(ReadError):
        read_bytes(name, bytes(rnd.randrange(256) for _ in range(3000)) + b"\x00" * 100)


def test_text_named_pdf_or_docx():
    text = "一、总体情况\n本机关依法公开政府信息。\n".encode()
    with pytest.raises(ReadError, match="not a PDF"):
        read_bytes("report.pdf", text)
    with pytest.raises(ReadError, match="not a DOCX"):
        read_bytes("report.docx", text)
    with pytest.raises(ReadError, match="old binary Word"):
        read_bytes("report.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ReadError, match="corrupt"):
        read_bytes("report.pdf", b"%PDF-1.4\n" + os.urandom(2000))


def test_zip_that_is_not_a_docx():
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ReadError, match="not a DOCX"):
        read_bytes("x.docx", buf.getvalue())


def test_truncated_pdf():
    data = shared_file("binaries", "kirogovcompare_hzq2024_working.pdf").read_bytes()
    with pytest.raises(ReadError):
        read_bytes("t.pdf", data[:1000])
    for cut in (len(data) // 3, len(data) - 500):
        read_bad("t.pdf", data[:cut])


def test_truncated_and_damaged_docx():
    data = shared_file("binaries", "govnianbao_template_2021_blank.docx").read_bytes()
    with pytest.raises(ReadError):
        read_bytes("t.docx", data[:1000])
    rnd = random.Random(3)
    for _ in range(12):
        cut = rnd.randrange(1, len(data))
        read_bad("t.docx", data[:cut])
        damaged = bytearray(data)
        for _ in range(20):
            damaged[rnd.randrange(len(damaged))] = rnd.randrange(256)
        read_bad("d.docx", bytes(damaged))


def test_damaged_html_never_crashes():
    data = shared_file("binaries", "shuyang_fgj_2023.html").read_bytes()
    rnd = random.Random(5)
    for _ in range(8):
        a = rnd.randrange(len(data))
        read_bad("t.html", data[:a])
        read_bad("m.html", data[a:])
    for junk in (
        b"<",
        b"<html",
        b"<table><tr><td rowspan=999999 colspan=-3>x",
        b"<p>" * 5000,
        b"<div>" * 3000 + "一、总体情况".encode(),
        b"<!--",
        b'<script>let content = "\\',
        b"&#99999999;&nbsp",
        "<td rowspan='2'>规章<td>".encode() * 50,
    ):
        read_bad("j.html", junk)


def test_deep_nesting_html():
    src = read_bytes("deep.html", ("<div>" * 5000 + "<p>一、总体情况</p>" + "</div>" * 5000).encode())
    assert "一、总体情况" in src.text


def test_readers_import_lazily():
    code = (
        "import sys, nblint.readers.html, nblint.readers.docx, nblint.readers.pdf; "
        "print(sorted(m for m in ('bs4', 'docx', 'pdfplumber', 'pdfminer') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_file_is_read_whole_whatever_size_it_claims(monkeypatch):
    """The reader asks for the size the file claims and reads on while more comes (a growing file, a file that
    claims 0 bytes); never more than MAX_BYTES + 1, so that a file over the limit is NB001."""
    import nblint.readers as readers

    for n in (0, 1, 100, 70_000, 300_000):
        data = bytes(random.Random(n).randrange(256) for _ in range(n))
        for claim in (0, n // 2, n, n + 7):
            assert readers._read_bounded(io.BytesIO(data), claim) == data, (n, claim)
    monkeypatch.setattr(readers, "MAX_BYTES", 1000)
    assert len(readers._read_bounded(io.BytesIO(b"x" * 5000), 10)) == 1001
    assert len(readers._read_bounded(io.BytesIO(b"x" * 5000), 10**9)) == 1001
