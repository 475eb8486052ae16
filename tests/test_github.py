"""GitHub Actions annotations: `::error file=…,line=…,col=…,title=…::message`, escaped as the workflow-command
parser expects, and chosen by `--output-format auto` under GITHUB_ACTIONS=true."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from nblint.diagnostics import Diagnostic, FileResult
from nblint.formatters.github import GithubFormatter

ROOT = Path(__file__).resolve().parents[1]
DEFECTIVE = ROOT / "tests" / "fixtures" / "integrations" / "defective-2024.md"


def nblint(*args, cwd, github: bool):
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    if github:
        env["GITHUB_ACTIONS"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "nblint", *args], capture_output=True, text=True, encoding="utf-8", cwd=cwd, env=env
    )


def test_escaping():
    d = Diagnostic("dir,1/a:b%.md", "NB207", "blank-cell", "error", "50% done\r\nnext: a,b", 3, 4, 3, 9)
    i = Diagnostic("x.md", "NB105", "overview-topics", "info", "未涉及「监督保障」", 1, 1, 1, 1)
    out = GithubFormatter().format([FileResult("x", [d, i])])
    assert out == (
        "::error file=dir%2C1/a%3Ab%25.md,line=3,col=4,endLine=3,endColumn=9,title=NB207 blank-cell::NB207 50%25 done%0D%0Anext: a,b\n"
        "::notice file=x.md,line=1,col=1,endLine=1,endColumn=1,title=NB105 overview-topics::NB105 未涉及「监督保障」\n"
    )
    assert GithubFormatter().format([FileResult("x", [])]) == ""


def test_auto_under_github_actions(tmp_path):
    shutil.copy(DEFECTIVE, tmp_path / "r,1.md")
    p = nblint("check", "r,1.md", cwd=tmp_path, github=True)
    assert p.returncode == 1
    lines = p.stdout.splitlines()
    assert len(lines) == 4 and all(ln.startswith("::warning file=r%2C1.md,line=") for ln in lines)
    # columns are code points: the label after 𠀀 starts at column 7
    assert (
        "::warning file=r%2C1.md,line=48,col=7,endLine=48,endColumn=18,title=NB204 label-mismatch::NB204 表三行标签"
        in p.stdout
    )
    # outside GitHub Actions, auto is the text format
    p = nblint("check", "r,1.md", cwd=tmp_path, github=False)
    assert p.stdout.splitlines()[0].startswith("r,1.md:25:3: NB204 ")
    # an explicit format wins over the environment
    p = nblint("check", "--output-format", "text", "r,1.md", cwd=tmp_path, github=True)
    assert not p.stdout.startswith("::")


def test_clean_run_prints_nothing(tmp_path):
    p = nblint("check", str(ROOT / "examples" / "compliant-2024.md"), cwd=tmp_path, github=True)
    assert p.returncode == 0 and p.stdout == ""
