"""`nblint new`: the skeleton of each era's format lints clean and holds every official table cell."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nblint.app.new import render
from nblint.formats import load_formats
from nblint.normalize import normalize_label

ROOT = Path(__file__).resolve().parents[1]

# year -> (era, official cells per table)
ERAS = {
    2025: ("2021", {"二": 10, "三": 175, "四": 15}),
    2021: ("2021", {"二": 10, "三": 175, "四": 15}),
    2020: ("2019", {"二": 22, "三": 161, "四": 15}),
    2019: ("2019", {"二": 22, "三": 161, "四": 15}),
    2018: ("2008", {}),
    2010: ("2008", {}),
}


def nblint(*args, cwd, stdin=None):
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    return subprocess.run(
        [sys.executable, "-m", "nblint", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        input=stdin,
    )


def filled(text: str) -> str:
    """The skeleton as its author fills it in: every 【…】 note replaced by a sentence, the date written."""
    text = re.sub(r"【[^】]*】", "本年度有关工作已按要求开展。", text)
    return re.sub(r"年\u3000月\u3000日", "年1月20日", text)


def official_cells(era: str) -> dict[str, int]:
    return {
        t["id"]: sum(len(p["columns"]) for p in t["parts"] for r in p["rows"] if not r.get("group"))
        for t in load_formats()[era].get("tables") or []
    }


@pytest.mark.parametrize("year", sorted(ERAS))
def test_skeleton_lints_clean_and_has_every_cell(tmp_path, year):
    era, cells = ERAS[year]
    out = tmp_path / "report.md"
    p = nblint(
        "new",
        "--year",
        str(year),
        "--agency",
        "某某镇人民政府",
        "--kind",
        "township",
        "--output",
        str(out),
        cwd=tmp_path,
    )
    assert p.returncode == 0, p.stderr
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# 某某镇人民政府{year}年政府信息公开工作年度报告"
    assert f"统计期限为{year}年1月1日至{year}年12月31日" in text

    # unfilled, it fails NB411 (one finding per fill-in note and the blank date) and nothing else
    p = nblint("check", "--output-format", "json", str(out), cwd=tmp_path)
    assert p.returncode == 1, p.stdout
    (result,) = json.loads(p.stdout)["files"]
    notes = re.findall(r"【[^】]*】", text)
    assert notes and [d["code"] for d in result["diagnostics"]] == ["NB411"] * (len(notes) + 1)
    out.write_text(filled(text), encoding="utf-8")
    p = nblint("check", "--output-format", "json", str(out), cwd=tmp_path)
    assert p.returncode == 0, p.stdout
    (result,) = json.loads(p.stdout)["files"]
    assert result["diagnostics"] == []
    assert result["meta"]["era"] == era and result["meta"]["year"] == year
    assert result["meta"]["agency"] == "某某镇人民政府" and result["meta"]["agency_kind"] == "township"

    p = nblint("parse", "--json", str(out), cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    fmt = load_formats()[era]
    assert [s["official"] for s in doc["sections"]] == [s["id"] for s in fmt["sections"]]
    assert cells == official_cells(era)
    assert sorted(doc["tables"]) == sorted(cells)
    for tid, table in doc["tables"].items():
        assert table["format"] == era and table["missing"] == []
        rows = [r for r in table["rows"] if r["id"] is not None]
        assert all(r["status"] == "ok" for r in rows)
        assert sum(len(r["cells"]) for r in rows) == cells[tid]
        assert all(c["kind"] == "number" and c["value"] == 0 for r in rows for c in r["cells"])
        # every official label, verbatim and in order
        spec = next(t for t in fmt["tables"] if t["id"] == tid)
        official = [
            normalize_label(r["label"])
            for part in spec["parts"]
            for r in part["rows"]
            if not r.get("group") and r.get("key")
        ]
        assert [r["label"] for r in rows if r["label"]] == official


@pytest.mark.parametrize(
    "agency,kind",
    [
        ("某某县人民政府", "government"),
        ("某某市教育局", "department"),
        ("某某街道", "subdistrict"),
        ("某某乡", "township"),
    ],
)
@pytest.mark.parametrize("year", [2024, 2020, 2012])
def test_kinds_of_agency(tmp_path, agency, kind, year):
    """The kind comes from the name as the linter reads it; governments get the accountability sentence (NB404)."""
    text = filled(render(year, agency))
    f = tmp_path / "r.md"
    f.write_text(text, encoding="utf-8")
    p = nblint("check", "--output-format", "json", str(f), cwd=tmp_path)
    (result,) = json.loads(p.stdout)["files"]
    assert result["diagnostics"] == [] and p.returncode == 0
    assert result["meta"]["agency_kind"] == kind
    if year >= 2019:
        assert ("责任追究" in text) == (kind in ("government", "township"))


def test_stdout_and_refusals(tmp_path):
    p = nblint("new", "--year", "2024", "--agency", "某某区人民政府", cwd=tmp_path)
    assert p.returncode == 0 and p.stdout == render(2024, "某某区人民政府")
    target = tmp_path / "r.md"
    target.write_text("keep", encoding="utf-8")
    p = nblint("new", "--year", "2024", "--agency", "某某区人民政府", "--output", str(target), cwd=tmp_path)
    assert p.returncode == 2 and "已存在" in p.stderr and target.read_text(encoding="utf-8") == "keep"
    p = nblint("new", "--year", "2024", "--agency", "某某区人民政府", "--output", str(target), "--force", cwd=tmp_path)
    assert p.returncode == 0 and target.read_text(encoding="utf-8").startswith("# 某某区人民政府2024年")
    assert nblint("new", "--year", "2005", "--agency", "x", cwd=tmp_path).returncode == 2
    assert nblint("new", "--agency", "x", cwd=tmp_path).returncode == 2


def test_tables_follow_the_format_data(monkeypatch):
    """Labels come from grammar/formats, not from Python: a changed label in the data shows up in the skeleton."""
    import copy

    from nblint import formats as registry

    formats = copy.deepcopy(load_formats())
    formats["2021"]["tables"][0]["parts"][0]["rows"][0]["label"] = "规章（测试标签）"
    monkeypatch.setattr(registry, "load_formats", lambda: formats)
    assert "| 规章（测试标签） | 0 | 0 | 0 |" in render(2024, "某某区人民政府")
