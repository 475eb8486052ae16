"""Report facts on the model (nblint.meta) and the format registry (nblint.formats): what the pipeline finds once at
parse time, and the eras, years and tables read from grammar/."""

from __future__ import annotations

from conftest import EXAMPLES

from nblint import formats
from nblint.pipeline import parse_source, parse_text


def _compliant() -> str:
    return (EXAMPLES / "compliant-2024.md").read_text(encoding="utf-8")


def test_facts_are_on_the_model():
    r = parse_text(_compliant())
    assert r.year == 2024 and r.year_source == "title" and r.era == formats.era_of(2024)
    assert r.agency and r.agency_kind in formats.agency_kinds()
    assert r.recognisable
    assert r.truncated is None
    p = r.period
    assert p is not None and p.dated and p.start == (2024, 1, 1) and p.end == (2024, 12, 31)
    assert r.text[p.span[0] : p.span[1]] == p.text
    assert r.published and all(r.text[p.span[0] : p.span[1]] for p in r.published)
    pub = r.publication()
    assert pub is not None and pub.date == (2025, 1, 20) and pub.origin == "report"
    assert r.meta()["published"] == {"date": "2025-01-20", "origin": "report"}


def test_publication_date_origins_most_trusted_first():
    """A manifest's date beats the portal page's, which beats the report's own; a date inside the report year is
    when it was written, not when it was published."""
    from nblint.source import Source

    text = "发布时间: 2025-02-03 10:00\n某某县财政局2024年政府信息公开工作年度报告\n\n一、总体情况\n\n2024年12月30日\n\n2025年1月10日\n"
    r = parse_text(text)
    assert [p.origin for p in r.published] == ["page", "report", "report"]
    assert r.publication().date == (2025, 2, 3)
    r = parse_source(Source(path="x.txt", text=text, meta={"published": "2025/1/28", "published-origin": "manifest"}))
    assert r.publication().origin == "manifest" and r.publication().date == (2025, 1, 28)
    r = parse_text("某某县财政局2024年政府信息公开工作年度报告\n\n一、总体情况\n\n2024年12月30日\n")
    assert r.published and r.publication() is None


def test_agency_from_title_header_statement_or_signature():
    cases = {
        "2024 年上海市科委政府信息公开工作\n年度报告\n\n一、总体情况\n": ("上海市科委", "title"),
        "浑南区国资局\n根据《条例》，现公布区政府国资局2022年政府信息公开工作年度报告。\n一、总体情况\n": (
            "浑南区国资局",
            "header",
        ),
        "发布机构:中原区审计局\n本年度报告是根据条例编制的。\n一、概述\n": ("中原区审计局", "header"),
        "根据条例要求,现将2023年陇县城关镇人民政府信息公开工作年度报告予以公布。\n一、总体情况\n": (
            "陇县城关镇人民政府",
            "statement",
        ),
        "本报告是根据条例要求,由北京市信访办编制的2014年度政府信息公开年度报告。\n一、概述\n": (
            "北京市信访办",
            "statement",
        ),
        "根据条例,结合我单位政府信息公开工作实际,编制2014年度政府信息公开工作年度报告。\n一、概述\n": (None, None),
        "根据条例要求,现公布《贵阳市人民政府(市人民政府办公厅)2021年政府信息公开工作年度报告》。\n一、总体情况\n": (
            "贵阳市人民政府",
            "statement",
        ),
        "根据条例要求,现公布《贵阳市2021年政府信息公开工作年度报告》。\n一、总体情况\n": ("贵阳市", "statement"),
        "2023年政府信息公开工作年度报告\n  • 发布机构: 湖南省生态环境厅\n一、总体情况\n": (
            "湖南省生态环境厅",
            "header",
        ),
    }
    for text, (agency, source) in cases.items():
        r = parse_text(text)
        assert (r.agency, r.agency_source) == (agency, source), text


def test_period_without_dates_and_year_from_period():
    r = parse_text("一、总体情况\n本报告所列数据的统计期限自至。\n")
    assert r.period is None and r.empty_period is not None
    assert r.text[r.empty_period[0] : r.empty_period[1]].startswith("统计期限")
    r = parse_text("一、总体情况\n本报告统计期限为2023年1月1日至2023年12月31日。\n")
    assert r.year == 2023 and r.year_source == "statistics-period"
    assert r.text[r.year_span[0] : r.year_span[1]] == "2023"


def test_not_recognisable():
    assert not parse_text("会议纪要\n今天开会。\n").recognisable


def test_cut_off_is_one_judgement():
    """A text that stops inside a table is cut off: the sections after it are missing as one block (NB101) and
    the table's remaining rows too (NB202), both from the one fact on the model."""
    text = _compliant()
    cut = text.index("（三）不予公开")
    r = parse_text(text[:cut])
    assert r.truncated is not None and r.truncated[1] == len(r.text.rstrip())
    assert r.ends_after(r.truncated[1] - 1)
    from nblint.engine import Engine, Settings

    res = Engine(Settings(select={"NB101", "NB202"})).lint_source(r.source)
    cut_off = {d.code for d in res.diagnostics if "截断" in d.message or "文本到此结束" in d.message}
    assert cut_off == {"NB101", "NB202"}
    assert sum(d.code == "NB101" for d in res.diagnostics) == 1
    # a complete text ending in a sentence is not cut off
    assert parse_text(text).truncated is None


def test_registry_reads_eras_from_grammar():
    ids = formats.era_ids()
    assert len(ids) == 3 and formats.default_era() == ids[0]
    firsts = [int(formats.get(e)["years"]["from"]) for e in ids]
    assert firsts == sorted(firsts, reverse=True)
    # each era governs its years; years before the earliest format are judged by it
    for e, first in zip(ids, firsts):
        assert formats.era_of(first) == e
    assert formats.era_of(formats.earliest_year() - 5) == ids[-1]
    assert formats.era_of(None) is None
    with_tables = [e for e in ids if formats.has_tables(e)]
    without = [e for e in ids if not formats.has_tables(e)]
    assert with_tables and without
    assert formats.table_eras(without[0])[0] == formats.default_era()
    assert set(formats.table_eras(with_tables[-1])) == set(with_tables)
    assert set(formats.agency_kinds()) == {"government", "township", "subdistrict", "department"}


def test_a_new_format_is_data(monkeypatch):
    """A format added in grammar/ governs its years without a Python change."""
    import copy

    reg = copy.deepcopy(formats.load_formats())
    new = copy.deepcopy(reg[formats.default_era()])
    new.update(id="2099", name="test format", years={"from": 2099})
    monkeypatch.setattr(formats, "load_formats", lambda: {"2099": new, **reg})
    assert formats.default_era() == "2099" and formats.era_of(2100) == "2099"
    assert formats.table_eras(None)[0] == "2099"


def _check_json(lang: str) -> list[dict]:
    import json
    import subprocess
    import sys

    p = subprocess.run(
        [sys.executable, "-m", "nblint", "check", "--lang", lang, "--output-format", "json", str(EXAMPLES)],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    return [d for f in json.loads(p.stdout)["files"] for d in f["diagnostics"]]


def test_fix_titles_and_related_labels_come_from_the_rule_in_its_language():
    """--lang en has no Chinese scaffolding and --lang zh no English: fix titles and related-position labels are
    rule YAML (fix-title, related, words); only quoted report text (「…」) may be in the other script."""
    import re

    cjk = re.compile(r"[\u3400-\u9fff]")
    latin = re.compile(r"[A-Za-z]")
    quoted = re.compile(r"「[^」]*」")
    for lang, foreign in (("en", cjk), ("zh", latin)):
        diags = _check_json(lang)
        labels = [r["message"] for d in diags for r in (d.get("extra") or {}).get("related", [])]
        fixes = [d["fix"]["description"] for d in diags if d.get("fix")]
        assert labels and fixes
        for text in labels + fixes:
            assert text and not foreign.search(quoted.sub("", text)), (lang, text)
        if lang == "en":
            late = [d["message"] for d in diags if d["code"] == "NB504"]
            assert late and not cjk.search(late[0])
