"""Chinese throughout: every interface string has both languages, every command's --help is Chinese by default and
English with --lang en / NBLINT_LANG=en, and the summary line and NB001 reasons follow the language."""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import pytest
from conftest import run_nblint

from nblint import i18n
from nblint.app import cli
from nblint.i18n import STRINGS, Msg, has_chinese, t

ROOT = Path(__file__).resolve().parent.parent


def nblint(*args, cwd=ROOT, env=None):
    return run_nblint(*args, cwd=cwd, env=env)


def _commands() -> list[str]:
    with cli.argparse_words():
        ap = cli.build_parser()
    sub = next(a for a in ap._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


def _help_texts(command: str | None) -> list[tuple[str, str]]:
    """(what, text) of every text a person reads in the --help of ``command`` (None: the program's)."""
    with cli.argparse_words():
        ap = cli.build_parser(command)
    if command is not None:
        sub = next(a for a in ap._actions if isinstance(a, argparse._SubParsersAction))
        ap = sub.choices[command]
    out = [("description", ap.description or "")]
    for a in ap._actions:
        if a.help is not argparse.SUPPRESS:
            out.append((a.dest, a.help or ""))
        if isinstance(a, argparse._SubParsersAction):
            out += [(f"command {c.dest}", c.help or "") for c in a._choices_actions]
    for g in ap._action_groups:
        out.append((f"group {g.title}", g.title or ""))
    return out


def test_every_string_has_both_languages():
    for key, (zh, en) in STRINGS.items():
        assert zh and en, key
        if not key.startswith(("fixable.", "summary.sep", "ui.listSep", "ui.placeSep", "ui.metaSep", "ui.htmlLang")):
            assert has_chinese(zh), f"{key}: the Chinese text has no Chinese: {zh!r}"


@pytest.mark.parametrize("command", [None, *_commands()])
def test_every_help_text_is_chinese_by_default(command, monkeypatch):
    """A new command must add its help texts to nblint.i18n: an English help string fails here."""
    monkeypatch.delenv("NBLINT_LANG", raising=False)
    i18n.set_lang(None)
    texts = _help_texts(command)
    english = [(what, text) for what, text in texts if not has_chinese(text)]
    assert not english, f"English help in `nblint {command or ''} --help`: {english}"


@pytest.mark.parametrize("command", [None, *_commands()])
def test_help_is_english_with_nblint_lang_en(command, monkeypatch):
    monkeypatch.setenv("NBLINT_LANG", "en")
    i18n.set_lang(None)
    for what, text in _help_texts(command):
        assert not re.search(
            r"[\u4e00-\u9fff]{3,}(?![^「（]*[」）])", text.replace("政府信息公开工作年度报告", "")
        ) or ("某某" in text), (what, text)


def test_help_output_in_both_languages():
    p = nblint("check", "--help")
    assert p.returncode == 0
    assert p.stdout.startswith("用法：nblint check")
    assert "显示此帮助并退出" in p.stdout and "位置参数" in p.stdout
    p = nblint("check", "--help", "--lang", "en")
    assert p.stdout.startswith("usage: nblint check") and "show this help message and exit" in p.stdout
    assert not has_chinese(p.stdout)
    p = nblint("--help", env={"NBLINT_LANG": "en"})
    assert "Lint" in p.stdout and "lint reports" in p.stdout


def test_usage_errors_in_chinese_with_did_you_mean():
    p = nblint("check", "--format", "json", "examples/")
    assert p.returncode == 2
    assert "无法识别的参数：--format" in p.stderr and "是不是想用 --output-format" in p.stderr
    p = nblint("check", "--format", "json", "examples/", "--lang", "en")
    assert "unrecognized arguments: --format" in p.stderr and "did you mean --output-format?" in p.stderr
    p = nblint("check", "--fail-on", "bad", "examples/")
    assert "无效的选项" in p.stderr and "是不是想用" not in p.stderr


def test_summary_line_counts_in_chinese_and_english():
    p = nblint("check", "examples/")
    lines = p.stdout.splitlines()
    assert re.fullmatch(r"发现 \d+ 个问题（\d+ 个错误、\d+ 个警告、\d+ 个提示），共 \d+ 个文件", lines[-2]), lines[-2]
    assert re.fullmatch(r"其中 \d+ 个标有 \[\*\] 的问题可用 --fix 自动修正", lines[-1])
    p = nblint("check", "examples/", "--lang", "en")
    assert re.fullmatch(
        r"Found \d+ problems \(\d+ errors, \d+ warnings, \d+ infos\) in \d+ files\.", p.stdout.splitlines()[-2]
    )
    assert nblint("check", "examples/compliant-2024.md").stdout == "全部通过（1 个文件）\n"
    assert nblint("check", "examples/compliant-2024.md", "--lang", "en").stdout == "All checks passed (1 file).\n"


def test_text_lines_carry_the_severity_word_and_the_fixable_mark():
    out = nblint("check", "examples/defects-structure.md").stdout
    assert "NB103 警告 [*] 章节标题「二、主动公开政府信息的情况」" in out
    assert "NB101 错误 缺少必备部分" in out
    assert "NB105 提示 「一、总体情况」" in out
    en = nblint("check", "examples/defects-structure.md", "--lang", "en").stdout
    assert re.search(r": NB103 warning \[\*\] ", en) and re.search(r": NB101 error ", en)


def test_nb001_reasons_are_chinese_and_english():
    for key in STRINGS:
        if key.startswith("read.") and not key.startswith(("read.kind.", "read.unit.")):
            assert has_chinese(t(key, "zh", **_dummy(key))), key
            assert not has_chinese(t(key, "en", **_dummy(key))), key


def _dummy(key: str) -> dict:
    names = re.findall(r"\{(\w+)", STRINGS[key][0] + STRINGS[key][1])
    return {n: (1 if n in ("n", "limit", "mb", "pos") else "x") for n in names}


def test_nb001_in_the_reader_language(tmp_path):
    empty = tmp_path / "空.md"
    empty.write_bytes(b"")
    p = nblint("check", empty)
    assert f"{empty}:1:1: NB001 错误 无法读取文件：文件是空的" in p.stdout
    p = nblint("check", empty, "--lang", "en")
    assert f"{empty}:1:1: NB001 error cannot read the file: empty file" in p.stdout


def test_nested_messages_render_in_one_language():
    m = Msg("read.not-regular", kind=Msg("read.kind.fifo"))
    assert m.render("zh") == "不是普通文件（命名管道）"
    assert str(m) == m.render("en") == "not a regular file (a FIFO)"


def test_lang_from_argv():
    assert i18n.lang_from_argv(["check", "--lang", "en", "x"]) == "en"
    assert i18n.lang_from_argv(["check", "--lang=en"]) == "en"
    assert i18n.lang_from_argv(["check", "--", "--lang", "en"]) is None
    assert i18n.lang_from_argv(["check"]) is None


def test_every_rule_is_described_in_both_languages():
    from nblint.ruleset import load_rules

    for r in load_rules():
        assert has_chinese(r.description) and r.description_en, r.code
        # the English description may quote the Chinese terms it explains, but is written in English
        assert len(re.findall(r"\b[a-z]{2,}\b", r.description_en)) >= 3, r.code


def test_explain_is_chinese_by_default_and_english_on_request():
    zh = nblint("explain", "NB301").stdout
    assert zh.startswith("NB301 application-balance\n")
    assert "严重程度：错误" in zh and "依据：国办公开办函〔2021〕30号" in zh and "表三本身印着的等式" in zh
    assert "{" not in zh  # the message's shape, not its template
    en = nblint("explain", "NB301", "--lang", "en").stdout
    assert "Severity: error" in en and "The identity printed in table 三 itself" in en


def test_hover_text_is_markdown_in_the_language_without_templates():
    from nblint.ruleset import doc_uri, hover_text, load_rules

    rule = next(r for r in load_rules() if r.code == "NB204")
    md = hover_text(rule, "zh")
    assert md.startswith("**NB204** `label-mismatch` · 警告")
    assert "**依据**：国办公开办函〔2021〕30号" in md and "{" not in md
    if doc_uri("NB204") is not None:  # nblint runs from a checkout (an installed wheel has no docs to link)
        assert "[规则说明](file://" in md and md.rstrip(")").endswith("docs/rules.md#nb204")
    else:
        assert "[规则说明]" not in md
    en = hover_text(rule, "en", markdown=False)
    assert en.startswith("NB204 label-mismatch · warning") and "A row label whose words differ" in en


def test_sarif_points_each_rule_at_its_section_of_docs_rules_md():
    import json

    sarif = json.loads(nblint("check", "examples/defects-tables.md", "--output-format", "sarif").stdout)
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    from nblint.ruleset import doc_uri

    if doc_uri("NB204") is None:  # an installed wheel: no docs next to the package, and no invented address
        assert all("helpUri" not in r for r in rules)
        return
    for r in rules:
        uri = r["helpUri"]
        path, anchor = uri.split("#")
        assert Path(path.removeprefix("file://")).resolve() == (ROOT / "docs" / "rules.md").resolve()
        assert f"\n## {anchor.upper()}\n" in docs


def test_an_unknown_code_in_a_suppression_is_an_error_naming_it(tmp_path):
    text = (ROOT / "examples" / "compliant-2024.md").read_text(encoding="utf-8")
    f = tmp_path / "r.md"
    f.write_text("<!-- nblint: disable=NB999 -->\n" + text, encoding="utf-8")
    p = nblint("check", f)
    assert p.returncode == 1
    assert p.stdout.splitlines()[0].startswith(f"{f}:1:1: NB009 错误 nblint 抑制注释中的规则代码「NB999」不存在")
    assert "（all）" not in p.stdout
    # a user's severity for NB009 still wins
    (tmp_path / ".nblint.yaml").write_text("severity: {NB009: info}\n", encoding="utf-8")
    assert ": NB009 提示 " in nblint("check", f).stdout


def test_audit_csv_header_follows_the_language(tmp_path):
    import csv

    for lang, first in (("zh", ["文件", "机关", "年度"]), ("en", ["file", "agency", "year"])):
        out = tmp_path / f"{lang}.csv"
        p = nblint("audit", "examples/compliant-2024.md", "--jobs", "1", "--csv", out, "--lang", lang, "-q")
        assert p.returncode == 0, p.stderr
        with open(out, encoding="utf-8-sig", newline="") as fh:
            assert next(csv.reader(fh))[:3] == first


def test_rules_list_in_chinese():
    out = nblint("rules").stdout.splitlines()
    assert out[0].startswith("代码")
    assert any(ln.startswith("NB212") and "默认不启用" in ln and "[*]" in ln for ln in out)
    assert any(ln.startswith("NB301") and " 错误 " in ln for ln in out)


def test_the_language_before_the_command_beats_a_configuration_too(tmp_path):
    shutil.copy(ROOT / "examples" / "defects-tables.md", tmp_path / "r.md")
    (tmp_path / ".nblint.yaml").write_text("lang: zh\n", encoding="utf-8")
    before = nblint("--lang", "en", "check", ".", cwd=tmp_path).stdout
    after = nblint("check", "--lang", "en", ".", cwd=tmp_path).stdout
    assert before == after and "Found" in before
