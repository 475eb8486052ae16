"""Every malformed configuration is an error at its own ``file:line:col`` with exit status 2, never a traceback
(the 17 variants of the reliability review, F5, and a few more), and no generated configuration crashes the
loader."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nblint.app.cli import main

YAML, TOML = ".nblint.yaml", "pyproject.toml"

CASES = [
    # the eight that crashed with a traceback and exit 1
    (YAML, b"ignore: [NB406]\n# \xd6\xd0\xce\xc4\n", "2:3", "not UTF-8"),
    (YAML, b"1: x\n", "1:1", "option names are strings, not 1"),
    (YAML, b"? [a, b]\n: 1\n", "1:3", "option names are strings"),
    (TOML, b"tool = 1\n", "1:1", "'tool' must be a table"),
    (YAML, b'per-file-ignores: {"*.txt": [1, 2]}\n', "1:30", "per-file-ignores['*.txt'][0] must be a string"),
    (YAML, b"select: [1, 2]\n", "1:10", "select[0] must be a string"),
    (YAML, b"extend-rules: [1]\n", "1:16", "extend-rules[0] must be a string"),
    (YAML, b"exclude: [1]\n", "1:11", "exclude[0] must be a string"),
    # the nine that were handled, now with a position
    (YAML, b"NB207\n", "1:1", "configuration must be a mapping of options, not string"),
    (YAML, b"- NB207\n", "1:1", "configuration must be a mapping of options, not list"),
    (YAML, b'!!python/object/apply:os.system ["echo hi"]\n', "1:1", "must be a mapping"),
    (TOML, b"[tool]\nnblint = 3\n", "2:1", "[tool.nblint] must be a table"),
    (TOML, b'[tool.nblint]\nignore = ["NB207"]\n# \xd6\xd0\n', "3:3", "not UTF-8"),
    (YAML, b"severity: {NB207: [error]}\n", "1:19", "severity of NB207 must be one of"),
    (YAML, b"ignore: [NB2O7]\n", "1:10", "unknown rule code or name: NB2O7 (did you mean NB207?)"),
    (YAML, b"ignore: [a]\nignore: [b]\n", "2:1", "duplicate key"),
    (YAML, b"severtiy: {}\n", "1:1", "unknown option 'severtiy' (did you mean 'severity'?)"),
    # more
    (YAML, b"select: [NB2\n", "2:1", "invalid YAML"),
    (TOML, b"[tool.nblint]\nselect = [\n", "3:1", "invalid TOML"),
    (TOML, b'[tool.nblint]\nlang = "fr"\n', "2:1", "lang must be one of zh, en"),
    (TOML, b'[project]\nname = "x"\n[tool.nblint.severity]\nNB207 = "fatal"\n', "4:1", "severity of NB207"),
    (TOML, b'[tool.nblint]\nper-file-ignores = {"a.md" = ["NB2"], "b.md" = ["NBX"]}\n', "2:39", "NBX"),
    (TOML, b"[tool.nblint]\nselect = [1]\n", "2:1", "select[0] must be a string"),
    (YAML, b"select:\n", "1:1", "option 'select' must be a list, not null"),
    (YAML, b"select: !!python/name:os.system\n", "1:9", "option 'select' must be a list"),
    (YAML, b"severity:\n  NB999: error\n", "2:3", "unknown rule code or name: NB999"),
    (YAML, b"per-file-ignores:\n  '*.md':\n    - NB207\n    - NB2077\n", "4:7", "NB2077 (did you mean NB207?)"),
    (YAML, b"extend-rules: [nowhere]\n", "1:16", "no such directory: nowhere"),
    (YAML, b"fail-on: fatal\n", "1:10", "fail-on must be one of"),
    (YAML, b"agency-kind: [township]\n", "1:14", "option 'agency-kind' must be a string, not list"),
]


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """The needles below are the English texts (--lang en); the Chinese ones are tested on their own at the end."""
    monkeypatch.setenv("NBLINT_LANG", "en")


@pytest.fixture
def project(tmp_path):
    shutil.copy(EXAMPLES / "compliant-2024.md", tmp_path / "r.md")
    return tmp_path


@pytest.mark.parametrize("name,body,pos,needle", CASES, ids=[repr(c[1][:30]) for c in CASES])
def test_malformed_configuration_is_a_positioned_error(project, capsys, name, body, pos, needle):
    (project / name).write_bytes(body)
    rc = main(["check", str(project / "r.md")])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert "Traceback" not in err
    first = err.splitlines()[0]
    assert first.startswith(f"{project / name}:{pos}: "), err
    assert needle in first, err


def test_config_flag_file_is_checked_the_same_way(project, capsys):
    cfg = project / "elsewhere.yaml"
    cfg.write_text("select: [1]\n", encoding="utf-8")
    assert main(["check", "--config", str(cfg), str(project / "r.md")]) == 2
    assert capsys.readouterr().err.startswith(f"{cfg}:1:10: select[0] must be a string")


def test_unknown_code_on_the_command_line_suggests(project, capsys):
    assert main(["check", "--select", "NB2O7", str(project / "r.md")]) == 2
    assert "unknown rule code or name: NB2O7 (did you mean NB207?)" in capsys.readouterr().err


def test_audit_reports_a_broken_configuration_before_starting(project, capsys):
    (project / YAML).write_text("ignore: [NB2O7]\n", encoding="utf-8")
    assert main(["audit", "--jobs", "1", "--quiet", str(project)]) == 2
    assert capsys.readouterr().err.startswith(f"{project / YAML}:1:10: unknown rule code")


def test_the_api_raises_config_error(project):
    import nblint
    from nblint.config import ConfigError

    (project / YAML).write_text("severity: {NB207: fatal}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        nblint.Linter().lint_path(project / "r.md")
    assert str(e.value).startswith(f"{project / YAML}:1:19: ")


# ---- no generated configuration crashes: it loads, or it is a ConfigError --------------------------------------

_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8), st.sampled_from(["NB2"])
)
_value = st.recursive(
    _scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
_options = st.dictionaries(
    st.sampled_from(["select", "ignore", "per-file-ignores", "severity", "extend-rules", "lang", "exclude", "x"]),
    _value,
    max_size=3,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(opts=_options, toml=st.booleans())
def test_generated_configurations_load_or_fail_with_a_position(tmp_path, opts, toml):
    from nblint.config import ConfigError, load_file
    from nblint.settings import Workspace

    if toml:
        p = tmp_path / "c.toml"
        body = "".join(f"{json.dumps(k)} = {_toml(v)}\n" for k, v in opts.items() if v is not None)
    else:
        p = tmp_path / "c.yaml"
        body = json.dumps(opts)  # JSON is YAML
    p.write_text(body, encoding="utf-8")
    try:
        load_file(p)
        Workspace().resolve(str(tmp_path / "r.md"), load_file(p))
    except ConfigError as e:
        assert str(e).startswith(f"{p}:") and e.line >= 1 and e.col >= 1


def _toml(v) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml(x)}" for k, x in v.items() if x is not None) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_toml(x) for x in v if x is not None) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    return json.dumps(v) if v is not None else '""'


def test_configuration_errors_are_in_the_interface_language(project, capsys, monkeypatch):
    """Chinese by default, English with --lang en; the position is the same."""
    monkeypatch.delenv("NBLINT_LANG", raising=False)
    (project / YAML).write_bytes(b"severtiy: {}\nfail-on: fatal\n")
    assert main(["check", str(project / "r.md")]) == 2
    assert capsys.readouterr().err.startswith(f"{project / YAML}:1:1: 未知选项 'severtiy'（是否想写 'severity'？）")
    (project / YAML).write_bytes(b"fail-on: fatal\n")
    assert main(["check", str(project / "r.md")]) == 2
    assert capsys.readouterr().err.startswith(f"{project / YAML}:1:10: fail-on 只能是 error, warning, info 之一")
    assert main(["check", "--lang", "en", str(project / "r.md")]) == 2
    assert capsys.readouterr().err.startswith(f"{project / YAML}:1:10: fail-on must be one of error, warning, info")


def test_an_internal_error_is_one_line_and_exit_2(project, capsys, monkeypatch):
    """A bug in nblint is an internal error: exit 2 and one line saying so (the traceback with NBLINT_DEBUG)."""
    from nblint.app import cli

    def broken(args):
        raise KeyError("boom")

    monkeypatch.setattr(cli, "cmd_check", broken)
    monkeypatch.delenv("NBLINT_DEBUG", raising=False)
    monkeypatch.delenv("NBLINT_LANG", raising=False)
    assert main(["check", str(project / "r.md")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nblint: 内部错误：KeyError: 'boom'") and "Traceback" not in err
    monkeypatch.setenv("NBLINT_DEBUG", "1")
    assert main(["check", str(project / "r.md")]) == 2
    assert "Traceback" in capsys.readouterr().err
