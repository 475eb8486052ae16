"""``nblint audit``: parallel lint of many reports, automatic pairing of consecutive years, JSONL/CSV/HTML.

Fixtures (tests/fixtures/audit/): ``shifan-2021/2023/2024.md`` are three years of one agency (示例市示范区人民政府),
each clean on its own.  2023's table 三 carries 3 applications over (四) while 2024's says 2 came over (二), so
NB305 fires on 2024 only when the audit pairs it with 2023 by itself; 2022 is missing.  ``escaping.md`` puts HTML
and script markup on the lines its diagnostics point to.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nblint.app import audit as auditmod
from nblint.app.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "audit"
CORPUS = ROOT.parent / "shared" / "corpus"
AGENCY = "示例市示范区人民政府"


@pytest.fixture
def reports(tmp_path) -> Path:
    """Three years of one agency (names say nothing of the year) and an empty PDF."""
    d = tmp_path / "reports"
    (d / "sub").mkdir(parents=True)
    shutil.copy(FIXTURES / "shifan-2024.md", d / "a.md")
    shutil.copy(FIXTURES / "shifan-2023.md", d / "sub" / "b.md")
    shutil.copy(FIXTURES / "shifan-2021.md", d / "c.md")
    (d / "empty.pdf").write_bytes(b"")
    return d


def run_audit(capsys, *args) -> tuple[int, str, str]:
    rc = main(["audit", *map(str, args)])
    out = capsys.readouterr()
    return rc, out.out, out.err


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_csv(path: Path) -> dict[str, dict]:
    """The CSV's rows by file name, with the column keys of CsvWriter.HEADER (the header is in Chinese)."""
    from nblint.app.audit import CsvWriter
    from nblint.i18n import t

    keys = {t(f"csv.{k}", "zh"): k for k in CsvWriter.HEADER}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = [{keys[k]: v for k, v in r.items()} for r in csv.DictReader(fh)]
    return {Path(r["file"]).name: r for r in rows}


def test_pairs_consecutive_years_and_writes_every_output(reports, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    rc, stdout, stderr = run_audit(
        capsys, reports, "--jobs", 2, "--jsonl", out / "a.jsonl", "--csv", out / "a.csv", "--html", out / "a.html"
    )
    assert rc == 0, stderr
    assert stderr == ""  # not a TTY: no progress bar

    recs = read_jsonl(out / "a.jsonl")
    for r in recs:
        assert set(r) >= {"file", "agency", "year", "era", "code", "severity", "line", "col", "message"}
    by_file: dict[str, list[dict]] = {}
    for r in recs:
        by_file.setdefault(Path(r["file"]).name, []).append(r)
    nb305 = [r for r in recs if r["code"] == "NB305"]
    assert nb305 and {Path(r["file"]).name for r in nb305} == {"a.md"}
    assert all(r["agency"] == AGENCY and r["year"] == 2024 and r["era"] == "2021" for r in nb305)
    assert all(r["severity"] == "warning" and r["line"] > 1 and r["col"] >= 1 for r in nb305)
    assert "上年报告「四、结转下年度继续办理」" in nb305[0]["message"]
    assert [r["code"] for r in by_file["empty.pdf"]] == ["NB001"]
    assert "b.md" not in by_file and "c.md" not in by_file  # clean on their own, and 2023 has no 2022 to compare

    rows = read_csv(out / "a.csv")
    assert set(rows) == {"a.md", "b.md", "c.md", "empty.pdf"}
    assert Path(rows["a.md"]["previous"]).name == "b.md"  # in another directory, found by agency and year
    assert rows["b.md"]["previous"] == "" and rows["c.md"]["previous"] == ""
    a = rows["a.md"]
    assert (a["agency"], a["year"], a["era"]) == (AGENCY, "2024", "2021")
    assert int(a["warnings"]) == sum(1 for r in by_file["a.md"] if r["severity"] == "warning")
    assert int(a["total"]) == len(by_file["a.md"])
    assert "NB305" in a["top_codes"] and a["worst_severity"] == "warning"
    pdf = rows["empty.pdf"]
    assert (pdf["errors"], pdf["worst_codes"], pdf["readable"], pdf["internal_error"]) == ("1", "NB001", "false", "")
    assert rows["c.md"]["total"] == "0" and rows["c.md"]["worst_severity"] == ""

    assert f"{AGENCY}: 2021–2024, missing 2022" in stdout
    assert "Audited 4 reports" in stdout and "1 paired with the year before" in stdout
    page = (out / "a.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "NB305" in page and "2022" in page


def test_cross_year_rules_fire_only_thanks_to_pairing(reports, tmp_path, capsys):
    rc, _, _ = run_audit(capsys, reports, "--jobs", 1, "--no-pairing", "--jsonl", tmp_path / "n.jsonl")
    assert rc == 0
    codes = {r["code"] for r in read_jsonl(tmp_path / "n.jsonl")}
    assert codes == {"NB001"}


def test_python_api(reports):
    reps = {Path(r["file"]).name: r for r in auditmod.audit_paths([reports], jobs=2)}
    assert set(reps) == {"a.md", "b.md", "c.md", "empty.pdf"}
    a = reps["a.md"]
    assert a["agency"] == AGENCY and a["year"] == 2024 and Path(a["previous"]).name == "b.md"
    assert a["counts"]["warning"] == sum(d["severity"] == "warning" for d in a["diagnostics"])
    d = next(d for d in a["diagnostics"] if d["code"] == "NB305")
    src = d["source"]  # the line the diagnostic points to, read from the file's text
    line = (reports / "a.md").read_text(encoding="utf-8").split("\n")[d["line"] - 1]
    assert src["text"] == line and src["text"][src["start"] : src["end"]]
    assert reps["empty.pdf"]["readable"] is False and reps["empty.pdf"]["diagnostics"][0]["code"] == "NB001"

    run = auditmod.Audit([reports], jobs=1)
    assert len(list(run)) == 4
    assert run.missing_years() == [
        {"agency": AGENCY, "first": 2021, "last": 2024, "years": [2021, 2023, 2024], "missing": [2022]}
    ]


def test_exclude_in_the_configuration_is_honoured_as_in_check(reports, tmp_path, capsys):
    """A supervisor's folder keeps drafts it must not score: ``exclude`` leaves them out of the audit as it does
    out of ``nblint check``; a file named on the command line is audited all the same."""
    (reports / ".nblint.yaml").write_text('exclude: ["sub/*", "*.pdf"]\n', encoding="utf-8")
    reps = {Path(r["file"]).name for r in auditmod.audit_paths([reports], jobs=1)}
    assert reps == {"a.md", "c.md"}
    rc, out, _ = run_audit(capsys, reports, "--jobs", 1, "--csv", tmp_path / "x.csv")
    assert rc in (0, 1) and set(read_csv(tmp_path / "x.csv")) == {"a.md", "c.md"}
    main(["check", str(reports), "--output-format", "json"])
    checked = {Path(r["path"]).name for r in json.loads(capsys.readouterr().out)["files"]}
    assert checked == {"a.md", "c.md"}
    named = {Path(r["file"]).name for r in auditmod.audit_paths([reports / "sub" / "b.md", reports], jobs=1)}
    assert named == {"a.md", "b.md", "c.md"}


def test_internal_error_becomes_a_row(reports, tmp_path, capsys, monkeypatch):
    from nblint.engine import Engine

    real = Engine.lint_path

    def flaky(self, path, previous=None, settings=None, **kw):
        if path.endswith("c.md"):
            raise RuntimeError("boom")
        return real(self, path, previous, settings, **kw)

    monkeypatch.setattr(Engine, "lint_path", flaky)  # --jobs 1 lints in this process
    rc, stdout, stderr = run_audit(
        capsys,
        reports,
        "--jobs",
        1,
        "--jsonl",
        tmp_path / "e.jsonl",
        "--csv",
        tmp_path / "e.csv",
        "--html",
        tmp_path / "e.html",
    )
    assert rc == 2  # like `nblint check`: an internal error is reported in the exit code, after the whole run
    assert "internal error while auditing" in stderr and "RuntimeError: boom" in stderr
    rows = read_csv(tmp_path / "e.csv")
    assert len(rows) == 4 and rows["c.md"]["internal_error"] == "RuntimeError: boom"
    assert rows["c.md"]["readable"] == "" and rows["c.md"]["worst_severity"] == "error"
    recs = [r for r in read_jsonl(tmp_path / "e.jsonl") if Path(r["file"]).name == "c.md"]
    assert [(r["code"], r["severity"], r["message"]) for r in recs] == [
        ("internal-error", "error", "RuntimeError: boom")
    ]
    assert "1 internal errors" in stdout
    assert (tmp_path / "e.html").exists()


def test_a_file_that_hangs_times_out(reports, tmp_path, monkeypatch):
    import signal
    import time

    from nblint import pipeline

    real = pipeline.parse_source

    def slow(source, *args):  # a step that never checks the budget: only the backstop alarm can stop it
        if source.path.endswith("c.md"):
            time.sleep(5)
        return real(source, *args)

    monkeypatch.setattr(pipeline, "parse_source", slow)
    handler = signal.getsignal(signal.SIGALRM)
    t0 = time.monotonic()
    reps = {Path(r["file"]).name: r for r in auditmod.Audit([reports], jobs=1, timeout=0.5)}
    assert time.monotonic() - t0 < 4
    c = reps["c.md"]  # a time-out row: NB001 that says so, not an internal error
    assert c["error"] is None and c["timed_out"] and c["readable"] is False
    assert [(d["code"], d["line"], d["col"], d["message"]) for d in c["diagnostics"]] == [
        ("NB001", 1, 1, "无法读取文件：处理超时（超过 0.5 秒）")
    ]
    assert reps["a.md"]["error"] is None and reps["a.md"]["counts"]["warning"] > 0
    assert signal.getsignal(signal.SIGALRM) == handler  # the caller's handler is back


def test_html_escapes_report_text(tmp_path, capsys):
    d = tmp_path / "r"
    d.mkdir()
    shutil.copy(FIXTURES / "escaping.md", d / "x.md")
    rc, _, _ = run_audit(capsys, d, "--jobs", 1, "--html", tmp_path / "x.html", "-q")
    assert rc == 0
    page = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert "onerror=alert" in page  # the text is there (it is the source line of NB101) ...
    assert "<img" not in page and "alert(2)</script>" not in page  # ... but never as markup
    assert page.count("</script>") == 2  # the data block and the page's own script
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in page


def test_agency_names_and_years():
    key = auditmod.agency_key
    assert key(" 淮安市 人民政府\u3000") == "淮安市人民政府"
    assert key("（测试）局") == "(测试)局" and key("") is None and key(None) is None
    canon = auditmod.canonical_agencies(
        [
            "洪泽区人民政府",
            "淮安市洪泽区人民政府",
            "江苏省淮安市洪泽区人民政府",
            "淮安市人民政府",
            "淮安市人民政府办公室",
            "鼓楼区人民政府",
            "南京市鼓楼区人民政府",
            "福州市鼓楼区人民政府",
            "人民政府",
        ]
    )
    assert canon["洪泽区人民政府"] == canon["淮安市洪泽区人民政府"] == "江苏省淮安市洪泽区人民政府"
    assert canon["淮安市人民政府办公室"] == "淮安市人民政府办公室"  # 办公室 is another agency
    assert canon["淮安市人民政府"] == "淮安市人民政府"
    assert canon["鼓楼区人民政府"] == "鼓楼区人民政府"  # two cities have one: ambiguous, left alone
    assert canon["人民政府"] == "人民政府"

    pairs = auditmod.pair_years(
        [
            ("x/2023.pdf", "A", 2023),
            ("y/2023.md", "A", 2023),
            ("y/2024.md", "A", 2024),
            ("y/2022.md", "A", 2022),
            ("z.md", "B", 2024),
            ("u.md", None, 2024),
            ("v.md", "A", None),
        ]
    )
    assert pairs == {"y/2024.md": "y/2023.md", "x/2023.pdf": "y/2022.md", "y/2023.md": "y/2022.md"}
    gaps = auditmod.missing_years([("A", 2019), ("A", 2023), ("A", 2021), ("B", 2020), ("B", 2021), (None, 2020)])
    assert gaps == [{"agency": "A", "first": 2019, "last": 2023, "years": [2019, 2021, 2023], "missing": [2020, 2022]}]


def test_progress_bar_only_on_a_tty():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    bar = auditmod.Progress("lint", 3, stream=tty)
    for _ in range(3):
        bar.update()
    bar.close()
    assert "3/3" in tty.getvalue() and "/s" in tty.getvalue() and "ETA" in tty.getvalue()
    plain = io.StringIO()
    bar = auditmod.Progress("lint", 3, stream=plain)
    bar.update(3)
    bar.close()
    assert plain.getvalue() == ""


def test_cli_start_imports_nothing_heavy():
    code = (
        "import sys, nblint.app.cli; nblint.app.cli.build_parser(); "
        "print(sorted(m for m in ('nblint.engine', 'nblint.app.audit_html', 'multiprocessing', 'lark') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_usage_errors(tmp_path, capsys):
    rc, _, err = run_audit(capsys, tmp_path / "nope")
    assert rc == 2 and "no such file" in err
    rc, _, err = run_audit(capsys, tmp_path, "--jobs", 0)
    assert rc == 2
    rc, out, _ = run_audit(capsys, tmp_path)  # a directory without reports
    assert rc == 0 and "Audited 0 reports" in out


def test_shared_corpus(tmp_path, capsys):
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} not available")
    rc, stdout, stderr = run_audit(
        capsys,
        CORPUS,
        "--jobs",
        2,
        "--jsonl",
        tmp_path / "c.jsonl",
        "--csv",
        tmp_path / "c.csv",
        "--html",
        tmp_path / "c.html",
    )
    assert rc == 0, stderr
    from nblint.app.cli import discover

    files = discover([str(CORPUS)])
    rows = read_csv(tmp_path / "c.csv")
    assert len(rows) == len(files) and all(r["internal_error"] == "" for r in rows.values())
    recs = read_jsonl(tmp_path / "c.jsonl")
    assert len(recs) == sum(int(r["total"]) for r in rows.values())
    assert any(r["previous"] for r in rows.values())  # the corpus holds consecutive years of some agencies
    paired = [r for r in rows.values() if r["previous"]]
    for r in paired:
        prev = rows[Path(r["previous"]).name]
        assert prev["agency"] == r["agency"] and int(prev["year"]) == int(r["year"]) - 1
    assert f"Audited {len(files)} reports" in stdout
    assert (tmp_path / "c.html").stat().st_size > 10_000


def test_an_error_in_the_paired_lint_keeps_the_first_result(reports, monkeypatch):
    from nblint.engine import Engine

    real = Engine.lint_source

    def cross_year_crash(self, source, previous=None, settings=None, **kw):
        if previous is not None:
            raise ValueError("cross-year")
        return real(self, source, previous, settings, **kw)

    monkeypatch.setattr(Engine, "lint_source", cross_year_crash)
    reps = {Path(r["file"]).name: r for r in auditmod.Audit([reports], jobs=1)}
    a = reps["a.md"]
    assert a["error"] == "ValueError: cross-year" and Path(a["previous"]).name == "b.md"
    assert a["agency"] == AGENCY and a["year"] == 2024 and a["readable"] is True  # from the first pass
    assert reps["b.md"]["error"] is None


def test_select_and_lang_reach_the_workers(reports, tmp_path, capsys):
    rc, _, _ = run_audit(
        capsys, reports, "--jobs", 2, "--select", "NB305,NB001", "--lang", "en", "--jsonl", tmp_path / "s.jsonl"
    )
    assert rc == 0
    recs = read_jsonl(tmp_path / "s.jsonl")
    assert {r["code"] for r in recs} == {"NB305", "NB001"}
    assert all("applicants" in r["message"] for r in recs if r["code"] == "NB305")
    rc, _, err = run_audit(capsys, reports, "--select", "NB999x")
    assert rc == 2 and err
    rc, _, err = run_audit(capsys, reports, "--html", tmp_path / "no" / "such" / "dir.html")
    assert rc == 2 and "does not exist" in err


def test_each_file_is_read_once(reports, monkeypatch):
    """The pair pass lints with the texts the first pass extracted: no report file is read a second time, and the
    results are those of a run that reads them again."""
    import nblint.readers

    expected = {Path(r["file"]).name: r for r in auditmod.Audit([reports], jobs=1)}
    real = nblint.readers.read_path
    reads: list[str] = []

    def counting(path, *a, **kw):
        reads.append(Path(path).name)
        return real(path, *a, **kw)

    monkeypatch.setattr(nblint.readers, "read_path", counting)
    reps = {Path(r["file"]).name: r for r in auditmod.Audit([reports], jobs=1)}
    assert sorted(reads) == ["a.md", "b.md", "c.md", "empty.pdf"]
    assert reps == expected
    assert any(d["code"] == "NB305" for d in reps["a.md"]["diagnostics"])
