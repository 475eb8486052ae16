"""The command line as a linter user expects it: exit codes, selection, formats, configuration, rule-file
validation with positions, suppression, unreadable files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT

COMPLIANT = EXAMPLES / "compliant-2024.md"


def run(*args, cwd=None, env=None):
    e = dict(os.environ, NO_COLOR="1")
    e.pop("GITHUB_ACTIONS", None)
    if env:
        e.update(env)
    p = subprocess.run(
        [sys.executable, "-m", "nblint", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=e,
        timeout=120,
    )
    return p.returncode, p.stdout, p.stderr


@pytest.fixture
def defective(tmp_path):
    text = COMPLIANT.read_text(encoding="utf-8").replace("| 规章 | 0 | 0 | 0 |", "| 规章 | 0 | / | 0 |")
    p = tmp_path / "report.md"
    p.write_text(text, encoding="utf-8")
    return p


def test_clean_file_exits_0():
    rc, out, err = run("check", COMPLIANT)
    assert rc == 0, out + err
    assert "全部通过（1 个文件）" in out


def test_diagnostics_exit_1_and_format(defective):
    rc, out, _ = run("check", defective)
    assert rc == 1
    first = out.splitlines()[0]
    assert first.startswith(f"{defective}:24:12: NB207 ")


def test_fail_on_error_ignores_warnings(defective):
    rc, _, _ = run("check", "--fail-on", "error", defective)
    assert rc == 0


def test_usage_errors_exit_2(tmp_path):
    assert run("check", tmp_path / "nope.md")[0] == 2
    assert run("check", "--select", "NB999", COMPLIANT)[0] == 2
    assert run("frobnicate")[0] == 2
    assert run("explain", "NB999")[0] == 2


def test_select_ignore_by_prefix_and_name(defective):
    rc, out, _ = run("check", "--select", "NB3", defective)
    assert rc == 0 and "NB207" not in out
    rc, out, _ = run("check", "--ignore", "blank-cell", defective)
    assert rc == 0


def test_statistics(defective):
    _, out, _ = run("check", "--statistics", defective)
    assert "     1  NB207  blank-cell" in out


def test_json_output_carries_year_and_era(defective):
    rc, out, _ = run("check", "--output-format", "json", defective)
    doc = json.loads(out)
    meta = doc["files"][0]["meta"]
    assert meta["year"] == 2024 and meta["year_source"] == "title" and meta["era"] == "2021"
    d = doc["files"][0]["diagnostics"][0]
    assert (d["code"], d["line"], d["col"], d["severity"]) == ("NB207", 24, 12, "warning")


def test_english_messages(defective):
    _, out, _ = run("check", "--lang", "en", defective)
    assert 'holds "/" instead of a number' in out


def test_unreadable_file_is_nb001_and_others_still_linted(tmp_path, defective):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 50)
    rc, out, err = run("check", tmp_path)
    assert rc == 1, err
    assert "empty.txt:1:1: NB001" in out
    assert "binary.txt:1:1: NB001" in out
    assert "report.md:24:12: NB207" in out
    assert "Traceback" not in err


def test_directory_recursion_and_sorting(tmp_path):
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    shutil.copy(COMPLIANT, sub / "x.md")
    (tmp_path / "a" / "notes.csv").write_text("x", encoding="utf-8")
    rc, out, _ = run("check", tmp_path)
    assert rc == 0 and "（1 个文件）" in out


def test_config_walks_up_and_unknown_option_is_error(tmp_path, defective):
    (tmp_path / ".nblint.yaml").write_text("ignore: [NB207]\n", encoding="utf-8")
    assert run("check", defective)[0] == 0
    (tmp_path / ".nblint.yaml").write_text("ignore: [NB207]\nsevertiy: {}\n", encoding="utf-8")
    rc, _, err = run("check", defective)
    assert rc == 2 and "未知选项 'severtiy'" in err


def test_pyproject_config_and_cli_flags_win(tmp_path, defective):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.nblint]\nseverity = {NB207 = "error"}\nfail-on = "error"\n', encoding="utf-8"
    )
    rc, out, _ = run("check", "--output-format", "json", defective)
    assert rc == 1
    assert json.loads(out)["files"][0]["diagnostics"][0]["severity"] == "error"
    assert run("check", "--fail-on", "info", "--ignore", "NB207", defective)[0] == 0


def test_per_file_ignores(tmp_path, defective):
    (tmp_path / ".nblint.yaml").write_text('per-file-ignores: {"report.md": [NB2]}\n', encoding="utf-8")
    assert run("check", defective)[0] == 0


def test_extend_rules_adds_a_provincial_rule(tmp_path, defective):
    rules = tmp_path / "province"
    rules.mkdir()
    (rules / "ZJ001.yaml").write_text(
        'code: ZJ001\nname: zhejiang-contact\nseverity: warning\neras: ["2021"]\nkind: pattern\nmode: required\n'
        "scope: document\npatterns: ['浙江政务服务网']\nmessage: 未提及浙江政务服务网\nmessage-en: no mention of 浙江政务服务网\n"
        "description: provincial example\nbasis: 浙江省要求（示例）\nexamples: {fail: [x], pass: [浙江政务服务网]}\n",
        encoding="utf-8",
    )
    (tmp_path / ".nblint.yaml").write_text("extend-rules: [province]\n", encoding="utf-8")
    rc, out, err = run("check", defective)
    assert "ZJ001 警告 未提及浙江政务服务网" in out, err


@pytest.mark.parametrize(
    "body,needle",
    [
        ("unknown-key: 1\n", "unknown key 'unknown-key'"),
        ("severity: fatal\n", "severity must be one of"),
        ("eras: 2021\n", "'eras' must be a list"),
    ],
)
def test_invalid_rule_file_reported_with_position(tmp_path, defective, body, needle, monkeypatch):
    monkeypatch.setenv("NBLINT_LANG", "en")  # the needles are the English texts
    rules = tmp_path / "extra"
    rules.mkdir()
    good = (
        'code: XX001\nname: extra-rule\nseverity: warning\neras: ["2021"]\nkind: pattern\nmode: required\n'
        "patterns: ['x']\nmessage: m\nmessage-en: m\ndescription: d\nbasis: b\nexamples: {fail: [x], pass: [y]}\n"
    )
    lines = [ln for ln in good.splitlines(keepends=True) if not ln.startswith(body.split(":")[0] + ":")]
    (rules / "XX001.yaml").write_text("".join(lines) + body, encoding="utf-8")
    (tmp_path / ".nblint.yaml").write_text("extend-rules: [extra]\n", encoding="utf-8")
    rc, _, err = run("check", defective)
    assert rc == 2
    line = next(ln for ln in err.splitlines() if needle in ln)
    n = len(lines) + 1
    assert f"XX001.yaml:{n}:1: " in line, err


def test_unknown_kind_and_duplicate_code(tmp_path, defective, monkeypatch):
    monkeypatch.setenv("NBLINT_LANG", "en")  # the needles are the English texts
    rules = tmp_path / "extra"
    rules.mkdir()
    base = (
        'name: {name}\nseverity: warning\neras: ["2021"]\nmessage: m\nmessage-en: m\ndescription: d\n'
        "basis: b\nexamples: {{fail: [x], pass: [y]}}\n"
    )
    (rules / "a.yaml").write_text(
        "code: NB301\nkind: pattern\nmode: required\npatterns: [x]\n" + base.format(name="dup-code"), encoding="utf-8"
    )
    (rules / "b.yaml").write_text("code: XX002\nkind: telepathy\n" + base.format(name="odd-kind"), encoding="utf-8")
    (tmp_path / ".nblint.yaml").write_text("extend-rules: [extra]\n", encoding="utf-8")
    rc, _, err = run("check", defective)
    assert rc == 2
    assert "duplicate rule 'NB301'" in err
    assert "b.yaml:2:1: unknown check kind 'telepathy'" in err


def test_inline_suppression_and_unused(tmp_path):
    text = COMPLIANT.read_text(encoding="utf-8")
    text = text.replace("| 规章 | 0 | 0 | 0 |", "<!-- nblint: disable-next-line=NB207 -->\n| 规章 | 0 | / | 0 |")
    text = text.replace("| 行政强制 | 12 | | |", "<!-- nblint: disable-next-line=NB301 -->\n| 行政强制 | 12 | | |")
    p = tmp_path / "r.md"
    p.write_text(text, encoding="utf-8")
    rc, out, _ = run("check", p)
    assert "NB207" not in out
    assert f"{p}:33:1: NB009" in out


def test_rules_and_explain():
    rc, out, _ = run("rules")
    assert rc == 0 and "NB301  application-balance" in out
    assert len([ln for ln in out.splitlines() if ln.startswith("NB")]) >= 39
    rc, out, _ = run("explain", "NB301")
    assert rc == 0 and "第一项加第二项之和" in out and "不通过的例子：" in out and "通过的例子：" in out
    rc, out, _ = run("explain", "row-total")
    assert rc == 0 and out.startswith("NB302 row-total")


def test_parse_outline_and_json():
    rc, out, _ = run("parse", COMPLIANT)
    assert rc == 0
    assert "year     2024 (from title at 1:13)" in out
    assert "table 三" in out and "cells=175" in out
    rc, out, _ = run("parse", "--json", COMPLIANT)
    doc = json.loads(out)
    assert doc["era"] == "2021" and doc["year_source"] == "title"
    assert len(doc["tables"]["三"]["rows"]) == 25
    cell = doc["tables"]["三"]["rows"][0]["cells"][0]
    assert (cell["line"], cell["col"], cell["raw"]) == (43, 24, "20")


def test_github_annotations_under_actions(defective):
    rc, out, _ = run("check", defective, env={"GITHUB_ACTIONS": "true"})
    assert out.startswith("::warning file=")


def test_traceback_never_printed_for_internal_errors(tmp_path):
    p = tmp_path / "x.md"
    p.write_text("一、总体情况\n" * 3, encoding="utf-8")
    rc, out, err = run("check", p)
    assert "Traceback" not in err


def test_stdin_with_stdin_filename(defective):
    p = subprocess.run(
        [sys.executable, "-m", "nblint", "check", "-", "--stdin-filename", "mine.md"],
        input=defective.read_bytes(),
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    out = p.stdout.decode()
    assert p.returncode == 1 and out.startswith("mine.md:24:12: NB207"), out + p.stderr.decode()


def test_agency_kind_from_name():
    from nblint.pipeline import parse_text

    kinds = {}
    for name in ("某某市人民政府", "某某镇人民政府", "某某街道办事处", "某某市人民政府办公室", "某某县交通运输局"):
        kinds[name] = parse_text(f"{name}2024年政府信息公开工作年度报告\n\n一、总体情况\n").agency_kind
    assert kinds == {
        "某某市人民政府": "government",
        "某某镇人民政府": "township",
        "某某街道办事处": "subdistrict",
        "某某市人民政府办公室": "department",
        "某某县交通运输局": "department",
    }


def test_rule_reference_is_current():
    rc, out, _ = run("rules", "--markdown")
    assert rc == 0
    assert out == (ROOT / "docs" / "rules.md").read_text(encoding="utf-8"), (
        "regenerate: nblint rules --markdown > docs/rules.md"
    )


def test_full_format_shows_the_line_and_a_caret(defective):
    rc, out, _ = run("check", "--output-format", "full", defective)
    lines = out.splitlines()
    i = next(k for k, ln in enumerate(lines) if ": NB207 " in ln)
    assert lines[i + 1] == "    | 规章 | 0 | / | 0 |"
    # the caret stands under "/": two columns for each of 规章
    assert lines[i + 2] == "    " + " " * (len("| ") + 4 + len(" | 0 | ")) + "^"


def test_exit_zero(defective):
    rc, out, _ = run("check", "--exit-zero", defective)
    assert rc == 0 and "NB207" in out


def test_extend_select_opt_in_rule_and_fix(tmp_path):
    text = COMPLIANT.read_text(encoding="utf-8").replace("| （一）予以公开 |", "| (一)予以公开 |")
    p = tmp_path / "r.md"
    p.write_text(text, encoding="utf-8")
    assert run("check", p)[0] == 0  # NB212 is opt-in
    rc, out, _ = run("check", "--extend-select", "NB212", p)
    assert rc == 1 and "NB212" in out
    run("check", "--extend-select", "NB212", "--fix", p)
    assert "| （一）予以公开 |" in p.read_text(encoding="utf-8")
    assert run("check", "--extend-select", "NB212", p)[0] == 0


@pytest.mark.parametrize("command", [["audit", "--jobs", "1", "-q"], ["check", "--output-format", "json"]])
def test_the_language_may_come_before_any_command(tmp_path, command, capsys):
    """``nblint --lang en audit …``: the sub-command is the first word that is not an option's value (its options
    were not built when ``en`` was taken for the command)."""
    from nblint.app.cli import _command_of, main

    assert _command_of(["--lang", "en", "audit", "x"]) == "audit"
    assert _command_of(["--lang=en", "audit"]) == "audit"
    assert _command_of(["-h"]) is None
    report = tmp_path / "r.md"
    shutil.copy(EXAMPLES / "compliant-2024.md", report)
    out = tmp_path / "a.csv"
    extra = ["--csv", str(out)] if command[0] == "audit" else []
    rc = main(["--lang", "en", *command, *extra, str(report)])
    assert rc in (0, 1), capsys.readouterr().err
    if command[0] == "audit":
        assert out.read_text(encoding="utf-8-sig").startswith("file,agency,year")
