"""Audits as evaluators score (issue 14): publication dates from a manifest, expected agencies without a report
(NB508), the same agency/year twice (NB509), agency variants merged, scores by a profile, and the same results on
a Dask cluster (skipped without Dask)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from nblint import profiles
from nblint.app.audit import Audit
from nblint.app.cli import main
from nblint.app.evaluate import Evaluation, duplicates, merge_variants
from nblint.app.manifest import ManifestError, read_expect, read_manifest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "audit"


def _set(tmp_path: Path) -> Path:
    d = tmp_path / "reports"
    d.mkdir()
    shutil.copy(FIXTURES / "shifan-2024.md", d / "shifan-2024.md")
    shutil.copy(FIXTURES / "shifan-2023.md", d / "shifan-2023.md")
    shutil.copy(FIXTURES / "shifan-2024.md", d / "shifan-2024-copy.md")  # the same report twice
    return d


def _rows(p: Path) -> list[dict]:
    """The CSV's rows keyed by the column names of the English header (the header is in the interface language)."""
    from nblint.app.audit import CsvWriter
    from nblint.i18n import t

    key = {t(f"csv.{k}", "zh"): k for k in CsvWriter.HEADER}
    return [{key.get(k, k): v for k, v in row.items()} for row in csv.DictReader(p.open(encoding="utf-8-sig"))]


def test_manifest_expect_duplicates_and_scores(tmp_path):
    d = _set(tmp_path)
    (d / "manifest.csv").write_text(
        "path,agency,level,region,url,published\n"
        "shifan-2023.md,示例市示范区人民政府,county,示例省,https://example.gov.cn/a,2024-04-15\n",
        encoding="utf-8",
    )
    (tmp_path / "expect.csv").write_text(
        "agency,level,year\n示例市示范区人民政府,county,2023\n示例市示范区人民政府,county,2022\n某某镇人民政府,township,2024\n",
        encoding="utf-8",
    )
    out = tmp_path / "a.csv"
    jsonl = tmp_path / "a.jsonl"
    args = ["audit", str(d), "--jobs", "1", "--csv", str(out), "--jsonl", str(jsonl), "-q"]
    args += [
        "--manifest",
        str(d / "manifest.csv"),
        "--expect",
        str(tmp_path / "expect.csv"),
        "--profile",
        "yuhuan-2018",
    ]
    assert main(args) == 0
    rows = {(Path(r["file"]).name if r["file"] else r["agency"] + r["year"]): r for r in _rows(out)}
    # NB504 from the manifest's date (2024-04-15, after yuhuan's 03-31), said to be the manifest's
    r23 = rows["shifan-2023.md"]
    assert (r23["published"], r23["published_origin"], r23["level"]) == ("2024-04-15", "manifest", "county")
    assert "NB504" in r23["top_codes"] and r23["score"] == "2" and r23["deductions"] == "未及时公开:-2"
    msgs = [json.loads(x) for x in jsonl.read_text(encoding="utf-8").splitlines()]
    late = [m["message"] for m in msgs if m["code"] == "NB504"]
    assert late == ["采集清单所列发布日期2024年4月15日晚于本地规定期限2024年3月31日"]
    # the two copies of 2024 name each other
    a, b = rows["shifan-2024.md"], rows["shifan-2024-copy.md"]
    assert Path(a["duplicates"]).name == "shifan-2024-copy.md" and Path(b["duplicates"]).name == "shifan-2024.md"
    assert "NB509" in a["top_codes"] and a["score"] == "4"
    # expected agencies without a report: one row each, with NB508 and the missing score
    assert rows["示例市示范区人民政府2022"]["missing"] == "true" and rows["示例市示范区人民政府2022"]["score"] == "0"
    assert rows["某某镇人民政府2024"]["top_codes"] == "NB508:1"
    assert "示例市示范区人民政府2023" not in rows  # expected and present
    assert sum(1 for r in rows.values() if r["missing"]) == 2


def test_ranking_and_trend_count_reports():
    prof = profiles.get("suqian-dept")
    ev = Evaluation(prof)
    for agency, year, errors, codes in (
        ("甲局", 2023, 0, []),
        ("甲局", 2024, 1, ["NB504"]),
        ("乙局", 2024, 0, ["NB503", "NB504"]),
    ):
        rep = {
            "agency": agency,
            "year": year,
            "counts": {"error": errors},
            "error": None,
            "diagnostics": [{"code": c} for c in codes],
        }
        rep["score"] = prof.score(codes)
        ev.add(rep)
    rank = ev.ranking()
    assert [(r["agency"], r["score"], r["compliance"]) for r in rank] == [("甲局", 0.75, 0.5), ("乙局", 0.0, 1.0)]
    assert [(t["year"], t["reports"], t["compliance"]) for t in ev.trend()] == [(2023, 1, 1.0), (2024, 2, 0.5)]


def test_agency_variants_merge_and_duplicates():
    m = merge_variants(
        {
            "平潭综合实验区": "平潭综合实验区",
            "平潭综合实验区管委会": "平潭综合实验区管委会",
            "上海市": "上海市",
            "上海市人民政府": "上海市人民政府",
            "平潭县人民政府": "平潭县人民政府",
        }
    )
    assert m["平潭综合实验区"] == m["平潭综合实验区管委会"] == "平潭综合实验区管委会"
    assert m["上海市"] == "上海市人民政府" and m["平潭县人民政府"] == "平潭县人民政府"
    assert duplicates([("a.pdf", "甲", 2023), ("a.txt", "甲", 2023), ("b.txt", "甲", 2024)]) == {
        "a.pdf": ["a.txt"],
        "a.txt": ["a.pdf"],
    }


def test_profiles_are_sourced_data(monkeypatch):
    monkeypatch.setenv("NBLINT_LANG", "en")  # the needles are the English texts
    shipped = profiles.builtin()
    assert {"liucheng-2020", "suqian-dept", "yuhuan-2018"} <= set(shipped)
    for p in shipped.values():
        assert p.source and p.url.startswith("http") and p.example
    lc = shipped["liucheng-2020"]
    assert lc.points == 10 and lc.score(["NB504", "NB101", "NB503"]) == 0 and lc.score(["NB207"]) == 10
    with pytest.raises(profiles.ProfileError, match="unknown profile"):
        profiles.get("nowhere")


def test_bad_manifest_and_expect_are_usage_errors(tmp_path, capsys):
    bad = tmp_path / "m.csv"
    bad.write_text("file,published\nx.md,2024-01-01\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="path"):
        read_manifest(str(bad))
    bad.write_text("path,published\nx.md,soon\n", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"m.csv:2: published 'soon'"):
        read_manifest(str(bad))
    names = tmp_path / "names.txt"
    names.write_text("甲局\n乙镇人民政府\n", encoding="utf-8")
    assert [e.agency for e in read_expect(str(names))] == ["甲局", "乙镇人民政府"]
    assert main(["audit", str(tmp_path), "--manifest", str(bad), "-q"]) == 2
    assert "soon" in capsys.readouterr().err


def test_dask_local_cluster_gives_the_same_csv(tmp_path):
    pytest.importorskip("distributed")
    d = _set(tmp_path)
    local, dist = tmp_path / "local.csv", tmp_path / "dask.csv"
    assert main(["audit", str(d), "--jobs", "2", "--csv", str(local), "-q"]) == 0
    assert main(["audit", str(d), "--jobs", "2", "--scheduler", "dask", "--csv", str(dist), "-q"]) == 0
    key = lambda r: r["file"]  # noqa: E731
    assert sorted(_rows(local), key=key) == sorted(_rows(dist), key=key)
    assert len(_rows(dist)) == 3


def test_audit_object_keeps_duplicates_without_pairing(tmp_path):
    d = _set(tmp_path)
    reps = list(Audit([str(d)], jobs=1, previous_pairing=False))
    assert sum(1 for r in reps if r.get("duplicates")) == 2 and not any(r["previous"] for r in reps)


def test_dask_scheduler_and_two_workers_give_the_same_csv(tmp_path):
    """A real ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1, started here: the audit through
    them gives the same CSV as the local run."""
    pytest.importorskip("distributed")
    import os
    import socket
    import subprocess
    import sys
    import time

    dask_cli = Path(sys.executable).with_name("dask")
    if not dask_cli.exists():
        pytest.skip("the dask command is not installed next to this Python")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    addr = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs = [
        subprocess.Popen(
            [str(dask_cli), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
    ]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(2):
            procs.append(
                subprocess.Popen(
                    [str(dask_cli), "worker", addr, "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    env=env,
                )
            )
        from distributed import Client

        with Client(addr, timeout=60) as c:
            c.wait_for_workers(2, timeout=60)
        d = _set(tmp_path)
        local, dist = tmp_path / "local.csv", tmp_path / "tcp.csv"
        assert main(["audit", str(d), "--jobs", "1", "--csv", str(local), "-q"]) == 0
        assert main(["audit", str(d), "--scheduler", addr, "--csv", str(dist), "-q"]) == 0
        key = lambda r: r["file"]  # noqa: E731
        assert sorted(_rows(local), key=key) == sorted(_rows(dist), key=key) and len(_rows(dist)) == 3
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def test_profile_deadlines_by_kind_and_level():
    """huaihua-2022: county departments and townships by 2月20日, city departments by 1月28日; the regulation itself
    sets none for townships.  The level comes from a manifest (Source.meta)."""
    from nblint.engine import Engine, Settings
    from nblint.source import Source

    def late(kind: str, level: str | None, date: str, deadlines=()) -> list[str]:
        text = f"某某{'局' if kind == 'department' else '镇人民政府'}2021年政府信息公开工作年度报告\n\n一、总体情况\n\n本机关主动公开政府信息。\n"
        meta = {"published": date, "published-origin": "manifest", **({"level": level} if level else {})}
        eng = Engine(Settings(select={"NB504"}, agency_kind=kind, deadlines=deadlines))
        return [d.message for d in eng.lint_source(Source(path="x.txt", text=text, meta=meta)).diagnostics]

    hh = profiles.get("huaihua-2022").deadlines
    assert late("township", None, "2022-03-01") == []  # no statutory deadline for a township
    assert late("township", None, "2022-03-01", hh) == ["采集清单所列发布日期2022年3月1日晚于本地规定期限2022年2月20日"]
    assert late("department", "county", "2022-02-10", hh) == []
    assert late("department", "city", "2022-02-10", hh) == [
        "采集清单所列发布日期2022年2月10日晚于本地规定期限2022年1月28日"
    ]
    assert late("department", "city", "2022-02-10") == ["采集清单所列发布日期2022年2月10日晚于法定期限2022年1月31日"]


def test_nb509_names_the_first_five_duplicates_and_how_many(tmp_path):
    """Thirty copies of one report name each other: the message names five (relative to the report's folder, as
    os.path.relpath gives them) and says how many there are; the CSV's duplicates column keeps them all."""
    import os

    from nblint.app.evaluate import mark_duplicate

    here = tmp_path / "a"
    others = [str(tmp_path / "a" / "x.md"), str(tmp_path / "b" / "y.md"), "c/z.md"] + [
        str(tmp_path / "d" / f"{i}.md") for i in range(4)
    ]
    rep = {"file": str(here / "r.md"), "error": None, "counts": {"error": 0, "warning": 0, "info": 0}}
    rep["diagnostics"] = []
    mark_duplicate(rep, others, "zh", "info")
    (d,) = rep["diagnostics"]
    named = "、".join(os.path.relpath(os.path.abspath(o), here) for o in others[:5])
    assert d["message"] == f"同一机关同一年度有8份报告：另见{named}等7份"
    assert named.startswith("x.md、../b/y.md、") and rep["duplicates"] == others and rep["counts"]["info"] == 1
    rep = {**rep, "diagnostics": [], "counts": {"error": 0, "warning": 0, "info": 0}}
    mark_duplicate(rep, others[:2], "en", "warning")
    assert rep["diagnostics"][0]["message"] == "3 reports of the same agency and year: see also x.md、../b/y.md"
    rep = {**rep, "diagnostics": [], "counts": {"error": 0, "warning": 0, "info": 0}}
    mark_duplicate(rep, others, "en", "info")
    assert rep["diagnostics"][0]["message"].endswith(" and 2 more")


def test_a_malformed_profile_names_each_problem_at_its_line_and_column(tmp_path, monkeypatch):
    monkeypatch.setenv("NBLINT_LANG", "en")  # the needles are the English texts
    """A scoring profile is checked as rule files are (one shape checker, positions from the YAML): every problem
    at its file:line:col, not the first one without a place."""
    p = tmp_path / "local.yaml"
    p.write_text(
        "id: local\nname: 本地方案\nsource: 某市考核细则\npoints: 10\n"
        "deductions:\n  - label: 未按时发布\n    codes: [nb504]\n    points: 2\n"
        "deadlines:\n  - date: 02-30x\n",
        encoding="utf-8",
    )
    with pytest.raises(profiles.ProfileError) as e:
        profiles.load_file(p)
    assert str(e.value).splitlines() == [
        f"{p}:7:5: deductions[0].codes: not rule codes: ['nb504']",
        f"{p}:10:11: deadlines[0].date: date '02-30x' must be MM-DD",
    ]
    p.write_text("id: local\nname: x\nsource: y\npoints: 10\ndeductions: []\nbonus: 3\n", encoding="utf-8")
    with pytest.raises(profiles.ProfileError, match=r"local.yaml:6:8: bonus: unknown key 'bonus'"):
        profiles.load_file(p)
    p.write_text("&a id: x\n", encoding="utf-8")
    with pytest.raises(profiles.ProfileError, match=r"local.yaml:1:1: .*(anchor|alias)"):
        profiles.load_file(p)
