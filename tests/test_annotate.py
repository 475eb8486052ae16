"""Positions a person can use (``Diagnostic.where``) and ``nblint annotate``: the annotated copies are read back the
way a person's tools would see them — python-docx for the Word comments, PDFium for the text under each PDF
highlight, the page for the HTML marks."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from nblint.app.annotate import annotate_bytes, output_name
from nblint.app.cli import main
from nblint.engine import Engine
from nblint.readers import read_bytes

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
BINARIES = SHARED / "binaries"


def shared(*parts: str) -> Path:
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} not present")
    return p


_ENGINE = Engine()


def lint(name: str, data: bytes):
    src = read_bytes(name, data)
    return src, _ENGINE.lint_source(src).diagnostics


# ---------------------------------------------------------------------------------------------------------------
# a DOCX written from a report's text: Markdown/text paragraphs become Word paragraphs, pipe rows Word tables


def docx_from_text(text: str) -> bytes:
    import docx

    doc = docx.Document()
    rows: list[list[str]] = []

    def flush():
        if rows:
            width = max(len(r) for r in rows)
            table = doc.add_table(rows=len(rows), cols=width)
            for i, r in enumerate(rows):
                for j, v in enumerate(r):
                    if v:
                        table.cell(i, j).paragraphs[0].add_run(v)
            rows.clear()

    for line in text.split("\n"):
        s = line.strip()
        if s.startswith("|"):
            if re.fullmatch(r"\|(?:\s*:?-+:?\s*\|)+", s):
                continue
            rows.append([c.strip() for c in s.strip("|").split("|")])
            continue
        flush()
        if s:
            doc.add_paragraph(s.lstrip("#").strip())
    flush()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def comment_anchors(data: bytes) -> dict[int, tuple[str, object]]:
    """Comment id -> (its text, the element its range starts in: the w:tc when in a table, else the w:p)."""
    import docx
    from docx.oxml.ns import qn

    doc = docx.Document(io.BytesIO(data))
    texts = {c.comment_id: c.text for c in doc.comments}
    out = {}
    for start in doc.element.body.iter(qn("w:commentRangeStart")):
        cid = int(start.get(qn("w:id")))
        up = start.getparent()
        while up is not None and up.tag not in (qn("w:tc"),) and up.getparent() is not None:
            if up.tag == qn("w:p") and up.getparent().tag == qn("w:body"):
                break
            up = up.getparent()
        out[cid] = (texts[cid], up)
    return out


def element_text(el) -> str:
    from docx.oxml.ns import qn

    return "".join(t.text or "" for t in el.iter(qn("w:t")))


def check_docx_comments(data: bytes, diags) -> None:
    """One comment per diagnostic, each saying its code and message, each anchored in the paragraph or table cell
    that holds the text its ``where`` quotes."""
    from docx.oxml.ns import qn

    blob, name = annotate_bytes(data, "报告.docx", diags)
    assert name == "报告.nblint.docx"
    anchors = comment_anchors(blob)
    assert len(anchors) == len(diags)
    by_text = {}
    for text, el in anchors.values():
        by_text.setdefault(text.split("\n")[0], []).append(el)
    for d in diags:
        els = by_text[next(k for k in by_text if k.startswith(d.code) and d.message in k)]
        quote = d.where.get("quote", "").split(" … ")[-1].rstrip("…").split(" ")[0]
        assert any(quote in element_text(el) for el in els), (d.code, d.where)
        if "cell" in d.where:
            assert all(el.tag == qn("w:tc") for el in els), d.code


def test_docx_where_and_comments_on_cells_and_paragraphs():
    data = docx_from_text((EXAMPLES / "defects-tables.md").read_text(encoding="utf-8"))
    src, diags = lint("defects.docx", data)
    codes = {d.code for d in diags}
    assert {"NB204", "NB207", "NB208"} <= codes
    label = next(d for d in diags if d.code == "NB204")
    assert label.where["table"] == 1 and label.where["cell"] == 1 and label.where["quote"] == "规范性文件"
    assert label.extra["suggestion"] == "改为「行政规范性文件」"
    number = next(d for d in diags if d.code == "NB208")
    assert number.where["cell"] == 2 and number.where["quote"] == "32.6"
    check_docx_comments(data, diags)
    blob, _ = annotate_bytes(data, "x.docx", [label])
    (text, cell), *_ = comment_anchors(blob).values()
    assert text == "NB204 [警告] " + label.message + "\n修改：改为「行政规范性文件」"
    assert element_text(cell) == "规范性文件"


def comment_ranges(data: bytes) -> dict[str, str]:
    """Comment text -> the document text its range covers (the characters Word highlights for it)."""
    import docx
    from docx.oxml.ns import qn

    doc = docx.Document(io.BytesIO(data))
    texts = {str(c.comment_id): c.text for c in doc.comments}
    inside: dict[str, str] = {}
    open_: set[str] = set()
    for el in doc.element.body.iter():
        if el.tag == qn("w:commentRangeStart"):
            open_.add(el.get(qn("w:id")))
            inside.setdefault(el.get(qn("w:id")), "")
        elif el.tag == qn("w:commentRangeEnd"):
            open_.discard(el.get(qn("w:id")))
        elif el.tag == qn("w:t"):
            for i in open_:
                inside[i] += el.text or ""
    return {texts[i]: t for i, t in inside.items()}


def test_docx_comment_in_a_paragraph_covers_just_its_characters():
    """Inside a paragraph the runs are split so that a comment covers the diagnostic's own characters (Word
    highlights 「2023」, not the whole sentence), and the paragraph's text and formatting stay as they were."""
    import docx

    text = (EXAMPLES / "defects-consistency.md").read_text(encoding="utf-8")
    data = docx_from_text(text)
    src, diags = lint("c.docx", data)
    blob, _ = annotate_bytes(data, "c.docx", diags, source=src)
    ranges = comment_ranges(blob)
    assert len(ranges) == len(diags)
    got = {k.split(" ", 1)[0]: v for k, v in ranges.items()}
    assert got["NB502"] == "2023"
    assert got["NB501"] == "27"
    assert got["NB504"] == "2025年4月20日"
    for d in diags:
        quote = d.where["quote"]
        assert ranges[comment_text_of(d, ranges)] == quote or quote.endswith("…"), (d.code, quote)
    before = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert [p.text for p in docx.Document(io.BytesIO(blob)).paragraphs] == before
    # read again from the bytes when no source is given: the same ranges
    assert comment_ranges(annotate_bytes(data, "c.docx", diags)[0]) == ranges


def comment_text_of(d, ranges) -> str:
    return next(k for k in ranges if k.startswith(d.code + " ") and d.message in k)


def test_docx_paragraph_comment():
    data = docx_from_text((EXAMPLES / "defects-structure.md").read_text(encoding="utf-8"))
    src, diags = lint("s.docx", data)
    title = next(d for d in diags if d.code == "NB103")
    assert "paragraph" in title.where and "page" not in title.where
    check_docx_comments(data, diags)


def test_docx_from_corpus_report():
    text = shared("corpus", "002.txt").read_text(encoding="utf-8")
    data = docx_from_text(text)
    _, diags = lint("002.docx", data)
    assert diags
    check_docx_comments(data, diags)


def test_docx_real_template():
    data = shared("binaries", "govnianbao_template_2021_blank.docx").read_bytes()
    _, diags = lint("t.docx", data)
    assert all("paragraph" in d.where or "table" in d.where for d in diags)
    check_docx_comments(data, diags)


# ---------------------------------------------------------------------------------------------------------------
# PDF: one highlight per diagnostic, on the right page, over the right characters


def highlights(blob: bytes) -> list[tuple[int, str, str]]:
    """(page, note, text under the highlight's quads as PDFium reads it) for every nblint annotation."""
    import pypdfium2 as pdfium
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(blob))
    doc = pdfium.PdfDocument(blob)
    out = []
    for i, page in enumerate(reader.pages, 1):
        tp = doc[i - 1].get_textpage()
        for ref in page.get("/Annots", []) or []:
            a = ref.get_object()
            if a.get("/T") != "nblint":
                continue
            under = ""
            if a["/Subtype"] == "/Highlight":
                q = [float(v) for v in a["/QuadPoints"]]
                for k in range(0, len(q), 8):
                    xs, ys = q[k : k + 8 : 2], q[k + 1 : k + 8 : 2]
                    under += tp.get_text_bounded(min(xs) + 0.5, min(ys) + 0.5, max(xs) - 0.5, max(ys) - 0.5)
            out.append((i, str(a["/Contents"]), "".join(under.split())))
    return out


@pytest.mark.parametrize(
    "name", ["kirogovcompare_hzq2023_working.pdf", "kirogovcompare_hzq2024_working.pdf", "govnianbao_szfgs2024.pdf"]
)
def test_pdf_real_reports_highlights(name):
    data = shared("binaries", name).read_bytes()
    src, diags = lint(name, data)
    assert diags and all("page" in d.where for d in diags)
    blob, out = annotate_bytes(data, name, diags, source=src)
    assert out == name[:-4] + ".nblint.pdf"
    marks = highlights(blob)
    assert len(marks) == len(diags)
    for d in diags:
        page, note, under = next(m for m in marks if m[1].startswith(f"{d.code} ") and d.message in m[1])
        assert page == d.where["page"]
        quote = "".join(d.where["quote"].split(" … ")[-1].rstrip("…").split())
        assert quote[:6] in under, (d.code, quote, under)


def test_pdf_hzq2023_page_and_quote():
    data = shared("binaries", "kirogovcompare_hzq2023_working.pdf").read_bytes()
    _, diags = lint("hzq.pdf", data)
    label = next(d for d in diags if d.code == "NB204")
    assert label.where == {"page": 3, "quote": "2.其他法律行政止公开", "form": "三"}
    assert label.where_text() == "（第3页，表三，原文：“2.其他法律行政止公开”）"
    assert label.where_text("en") == ' (page 3, report table 三, text: "2.其他法律行政止公开")'
    totals = [d for d in diags if d.code == "NB304"]
    assert [(d.where["page"], d.where["form"]) for d in totals] == [(4, "四"), (4, "四")]


def _cjk_pdf(pages: list[bytes], rotate: int = 0) -> bytes:
    """A PDF of several pages whose text uses the predefined STSong-Light font (nothing embedded)."""
    n = len(pages)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    font = 3
    objs += [
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (GB1) /Supplement 2 >> /FontDescriptor 5 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] /ItalicAngle 0 "
        b"/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    kids = []
    for content in pages:
        page_no = len(objs) + 1
        kids.append(page_no)
        rot = b" /Rotate %d" % rotate if rotate else b""
        objs.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]%s /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> >> >>"
            % (rot, page_no + 1, font)
        )
        objs.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    objs[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), n)
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, o)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def _lines(lines: list[str], rotate: int = 0) -> bytes:
    """Text lines from the top of the page down; on a page shown turned by 90° (/Rotate 90) the text is drawn
    turned the other way, so that it reads upright in a viewer."""
    if rotate:
        return b"".join(
            b"BT /F1 12 Tf 0 1 -1 0 %g 60 Tm <%s> Tj ET\n" % (54 + 20 * i, s.encode("utf-16-be").hex().encode())
            for i, s in enumerate(lines)
        )
    return b"".join(
        b"BT /F1 12 Tf 60 %g Td <%s> Tj ET\n" % (800 - 20 * i, s.encode("utf-16-be").hex().encode())
        for i, s in enumerate(lines)
    )


def _made_pdf(rotate: int = 0) -> bytes:
    text = (EXAMPLES / "compliant-2024.md").read_text(encoding="utf-8")
    paras = [p.lstrip("#").strip() for p in text.split("\n") if p.strip() and not p.lstrip().startswith("|")]
    paras = [p[:40] for p in paras][:14]
    # the second page starts with a section title in a wording the format does not use (NB103)
    wrong = "二、主动公开政府信息的情况"
    i = next(k for k, p in enumerate(paras) if p.startswith("二、"))
    paras[i] = wrong
    return _cjk_pdf([_lines(paras[:i], rotate), _lines(paras[i:], rotate)], rotate)


@pytest.mark.parametrize("rotate", [0, 90])
def test_pdf_made_report_highlight_over_the_title(rotate, tmp_path):
    data = _made_pdf(rotate)
    src, diags = lint("made.pdf", data)
    title = next(d for d in diags if d.code == "NB103")
    assert title.where == {"page": 2, "quote": "二、主动公开政府信息的情况"}
    blob, _ = annotate_bytes(data, "made.pdf", diags)  # read again from the bytes
    marks = highlights(blob)
    assert len(marks) == len(diags)
    page, note, under = next(m for m in marks if m[1].startswith("NB103"))
    assert page == 2 and under == "二、主动公开政府信息的情况"
    assert "修改：改为「二、主动公开政府信息情况」" in note


def test_pdf_rendered_highlight_is_where_the_title_is(tmp_path):
    """Render the annotated page as a viewer would (pdftoppm) and look for the highlight colour at the title."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm not installed")
    data = _made_pdf()
    _, diags = lint("made.pdf", data)
    title = [d for d in diags if d.code == "NB103"]
    blob, _ = annotate_bytes(data, "made.pdf", title)
    (tmp_path / "a.pdf").write_bytes(blob)
    subprocess.run(
        ["pdftoppm", "-r", "72", "-f", "2", "-l", "2", "-png", str(tmp_path / "a.pdf"), str(tmp_path / "p")], check=True
    )
    from PIL import Image

    img = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")

    # the title's first line: y = 842 - 800 = 42 pt from the top, x from 60 pt; 13 characters of 12 pt
    def coloured(x, y):
        r, g, b = img.getpixel((x, y))
        return r > 200 and g > 150 and b < 140  # warning yellow, not white, not black

    assert any(coloured(x, y) for x in range(62, 210, 4) for y in range(32, 46))
    assert not any(coloured(x, y) for x in range(62, 210, 4) for y in range(90, 110))  # the next line is not


# ---------------------------------------------------------------------------------------------------------------
# HTML / Markdown / text


def test_html_page_marks_every_problem():
    data = (EXAMPLES / "defects-tables.md").read_bytes()
    src, diags = lint("defects-tables.md", data)
    blob, name = annotate_bytes(data, "defects-tables.md", diags, source=src)
    assert name == "defects-tables.nblint.html"
    page = blob.decode("utf-8")
    assert "http" not in page.split("<body>")[1]  # nothing fetched
    for k in range(1, len(diags) + 1):
        assert f'id="m{k}"' in page and f'href="#m{k}"' in page
    label = next(k for k, d in enumerate(diags, 1) if d.code == "NB204")
    assert re.search(rf'<mark class="warning" id="m{label}" title="{label}">规范性文件</mark>', page)
    assert "修改：改为「行政规范性文件」" in page


def test_html_real_page():
    data = shared("binaries", "shuyang_fgj_2023.html").read_bytes()
    src, diags = lint("shuyang.html", data)
    page = annotate_bytes(data, "shuyang.html", diags)[0].decode("utf-8")
    assert page.count('<li class="') == len(diags)


# ---------------------------------------------------------------------------------------------------------------
# the command


def test_output_names():
    assert output_name("a/报告.docx") == "报告.nblint.docx"
    assert output_name("r.PDF") == "r.nblint.pdf"
    assert output_name("r.md") == "r.nblint.html"
    assert output_name("r.htm") == "r.nblint.html"


def test_cli_writes_copies_and_never_touches_the_original(tmp_path, capsys):
    docx_file = tmp_path / "报告.docx"
    docx_file.write_bytes(docx_from_text((EXAMPLES / "defects-tables.md").read_text(encoding="utf-8")))
    md = tmp_path / "r.md"
    shutil.copy(EXAMPLES / "defects-structure.md", md)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (docx_file, md)}
    out = tmp_path / "out"
    assert main(["annotate", str(docx_file), str(md), "--out-dir", str(out)]) == 1
    assert {p.name for p in out.iterdir()} == {"报告.nblint.docx", "r.nblint.html"}
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (docx_file, md)} == before
    printed = capsys.readouterr().out
    assert "报告.nblint.docx：已标注" in printed
    # next to the input by default; a second run skips the copies it wrote
    assert main(["annotate", str(tmp_path), "-q"]) == 1
    assert (tmp_path / "报告.nblint.docx").exists() and not (tmp_path / "报告.nblint.nblint.docx").exists()


def test_cli_unreadable_file_is_reported_not_annotated(tmp_path, capsys):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    assert main(["annotate", str(bad), "--out-dir", str(tmp_path / "o")]) == 1
    assert "无法读取，未生成标注副本" in capsys.readouterr().err
    assert not any((tmp_path / "o").iterdir())


@pytest.mark.parametrize("example", ["defects-tables.md", "defects-consistency.md"])
def test_libreoffice_opens_the_annotated_docx(tmp_path, example):
    """The annotated copy opens in LibreOffice (converted to PDF headless: the comments are kept as annotations);
    comments on table cells and on characters inside paragraphs (split runs)."""
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice not installed")
    data = docx_from_text((EXAMPLES / example).read_text(encoding="utf-8"))
    _, diags = lint("d.docx", data)
    blob, _ = annotate_bytes(data, "d.docx", diags)
    (tmp_path / "d.docx").write_bytes(blob)
    try:
        subprocess.run(
            [
                soffice,
                "--headless",
                f"-env:UserInstallation=file://{tmp_path}/lo",
                "--convert-to",
                'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}',
                "--outdir",
                str(tmp_path),
                str(tmp_path / "d.docx"),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    except subprocess.TimeoutExpired:
        pytest.skip("LibreOffice took too long")
    from pypdf import PdfReader

    reader = PdfReader(tmp_path / "d.pdf")
    notes = [a.get_object() for p in reader.pages for a in (p.get("/Annots") or [])]
    texts = [str(a.get("/Contents", "")) for a in notes if a.get("/Subtype") == "/Text"]
    assert len(texts) == len(diags)
    assert sorted(t.split(" ", 1)[0] for t in texts) == sorted(d.code for d in diags)


# ---------------------------------------------------------------------------------------------------------------
# the position in every output: text, full, github, JSON, SARIF, audit JSON Lines


def _docx_file(tmp_path) -> Path:
    p = tmp_path / "表格.docx"
    p.write_bytes(docx_from_text((EXAMPLES / "defects-tables.md").read_text(encoding="utf-8")))
    return p


def test_text_and_full_output_append_the_place(tmp_path, capsys):
    p = _docx_file(tmp_path)
    main(["check", str(p), "--output-format", "full"])
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if " NB204 " in ln)
    assert re.fullmatch(
        r".*表格\.docx:\d+:\d+: NB204 警告 表二行标签「规范性文件」与格式不一致，应为「行政规范性文件」"
        r"（文档第1个表格第\d+行第1格，表二，原文：“规范性文件”）",
        line,
    )
    main(["check", str(p), "--lang", "en", "--output-format", "text"])
    line = next(ln for ln in capsys.readouterr().out.splitlines() if " NB204 " in ln)
    assert re.search(r' \(table 1, row \d+, cell 1, report table 二, text: "规范性文件"\)$', line)
    # a Markdown file's line:col is its own position: nothing appended
    main(["check", str(EXAMPLES / "defects-tables.md")])
    line = next(ln for ln in capsys.readouterr().out.splitlines() if " NB204 " in ln)
    assert line.endswith("应为「行政规范性文件」")


def test_github_json_sarif_carry_the_place(tmp_path, capsys):
    import json

    p = _docx_file(tmp_path)
    main(["check", str(p), "--output-format", "github"])
    gh = next(ln for ln in capsys.readouterr().out.splitlines() if "NB204" in ln)
    assert re.search(r"NB204 表二行标签.*（文档第1个表格第\d+行第1格，表二，原文：“规范性文件”）$", gh)
    main(["check", str(p), "--output-format", "json"])
    doc = json.loads(capsys.readouterr().out)
    d = next(d for d in doc["files"][0]["diagnostics"] if d["code"] == "NB204")
    assert d["where"]["table"] == 1 and d["where"]["cell"] == 1 and d["where"]["quote"] == "规范性文件"
    main(["check", str(p), "--output-format", "sarif"])
    sarif = json.loads(capsys.readouterr().out)
    r = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "NB204")
    (logical,) = r["locations"][0]["logicalLocations"]
    assert logical["kind"] == "tableCell" and re.fullmatch(
        r"table 1, row \d+, cell 1, report table 二", logical["name"]
    )
    assert r["properties"]["where"] == d["where"]
    schema = SHARED / "schemas" / "sarif-schema-2.1.0.json"
    if schema.is_file():
        jsonschema = pytest.importorskip("jsonschema")
        s = json.loads(schema.read_text(encoding="utf-8"))
        cls = jsonschema.validators.validator_for(s)
        assert not list(cls(s).iter_errors(sarif))


def test_audit_jsonl_rows_have_where_and_quote(tmp_path, capsys):
    import json

    p = _docx_file(tmp_path)
    shutil.copy(EXAMPLES / "defects-tables.md", tmp_path / "t.md")
    main(["audit", str(tmp_path), "--jobs", "1", "--jsonl", str(tmp_path / "a.jsonl")])
    recs = [json.loads(ln) for ln in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    docx_rec = next(r for r in recs if r["file"].endswith(p.name) and r["code"] == "NB204")
    assert docx_rec["where"]["table"] == 1 and docx_rec["quote"] == "规范性文件"
    md_rec = next(r for r in recs if r["file"].endswith("t.md") and r["code"] == "NB204")
    assert md_rec["where"] == {"form": "二"} and md_rec["quote"] == "规范性文件"


def test_audit_page_shows_the_place(tmp_path, capsys):
    p = _docx_file(tmp_path)
    main(["audit", str(p), "--jobs", "1", "--html", str(tmp_path / "a.html")])
    page = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert "（文档第1个表格第" in page and "表二，原文：“规范性文件”）" in page


@pytest.mark.parametrize("name", ["x.docx", "x.pdf"])
def test_bad_bytes_are_a_read_error_not_a_crash(name):
    from nblint.diagnostics import Diagnostic
    from nblint.source import ReadError

    d = Diagnostic(name, "NB001", "unreadable", "error", "无法读取文件")
    for data in (b"", b"PK\x03\x04 broken zip", b"%PDF-1.7\n1 0 obj <<>> endobj\n", bytes(range(256)) * 4):
        with pytest.raises(ReadError):
            annotate_bytes(data, name, [d], read=False)


def test_no_source_and_no_reading_pdf_notes_by_page():
    data = _made_pdf()
    src, diags = lint("made.pdf", data)
    blob, _ = annotate_bytes(data, "made.pdf", diags, read=False)
    marks = highlights(blob)
    assert len(marks) == len(diags)
    assert sorted(p for p, _, _ in marks) == sorted(d.where["page"] for d in diags)


def test_docx_comment_on_a_vertically_merged_cell_sits_on_the_cell_with_the_text():
    import docx

    from nblint.app.annotate import _docx_target
    from nblint.readers.docx import anchors

    doc = docx.Document()
    doc.add_paragraph("表格前的段落")
    t = doc.add_table(rows=3, cols=2)
    merged = t.cell(0, 0).merge(t.cell(2, 0))
    merged.paragraphs[0].add_run("（三）不予公开")
    for r in range(3):
        t.cell(r, 1).paragraphs[0].add_run(str(r))
    buf = io.BytesIO()
    doc.save(buf)
    src = read_bytes("m.docx", buf.getvalue())
    third = src.text.split("\n").index("（三）不予公开 | 2") + 1
    assert src.line_info[third] == {"block": "table 1 row 3"}
    where = src.where(src.lines.line_span(third)[0], src.lines.line_span(third)[0] + 3)
    assert where["table"] == 1 and where["row"] == 3 and where["cell"] == 1
    reopened = docx.Document(io.BytesIO(buf.getvalue()))
    (p,) = _docx_target(anchors(reopened), where)
    assert element_text(p) == "（三）不予公开"


def test_cli_unreadable_pdf_gets_its_nb001_as_a_note(tmp_path, capsys):
    """A PDF nblint cannot read (no text layer: a scan) still gets a copy, with the NB001 reason as a note on its
    first page, so that the clerk learns why in the viewer."""
    files = [tmp_path / "扫描件.pdf"]
    files[0].write_bytes(_cjk_pdf([b"0 0 1 rg 10 10 100 100 re f\n", b""]))
    real = BINARIES / "kirogovcompare_sample_report_2023_beijing_SYNTHETIC.pdf"
    if real.exists():
        files.append(tmp_path / real.name)
        shutil.copy(real, files[-1])
    assert main(["annotate", *map(str, files), "--out-dir", str(tmp_path / "o")]) == 1
    captured = capsys.readouterr()
    assert captured.err == ""
    for f in files:
        marks = highlights((tmp_path / "o" / (f.stem + ".nblint.pdf")).read_bytes())
        assert len(marks) == 1
        page, note, _ = marks[0]
        assert page == 1 and note.startswith("NB001 ")


def test_comment_text_in_english():
    data = docx_from_text((EXAMPLES / "defects-tables.md").read_text(encoding="utf-8"))
    src = read_bytes("e.docx", data)
    from nblint.engine import Settings

    diags = Engine(Settings(lang="en")).lint_source(src).diagnostics
    label = next(d for d in diags if d.code == "NB204")
    blob, _ = annotate_bytes(data, "e.docx", [label], source=src, lang="en")
    (text,) = comment_ranges(blob)
    assert text == f"NB204 [warning] {label.message}\nFix: change to 「行政规范性文件」"


def test_api_annotates_an_unreadable_pdf_with_its_nb001():
    """What the web page does with a scan: the NB001 diagnostic, no source, read=True (the default)."""
    data = _cjk_pdf([b"0 0 1 rg 10 10 100 100 re f\n"])
    src_err = None
    try:
        read_bytes("s.pdf", data)
    except Exception as e:  # the linter cannot read it
        src_err = e
    assert src_err is not None
    from nblint.source import ReadError

    assert isinstance(src_err, ReadError)
    (d,) = _ENGINE.unreadable("s.pdf", src_err).diagnostics
    blob, name = annotate_bytes(data, "s.pdf", [d])
    assert name == "s.nblint.pdf"
    assert [(p, n.split(" ")[0]) for p, n, _ in highlights(blob)] == [(1, "NB001")]
