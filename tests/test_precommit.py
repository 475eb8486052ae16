"""The pre-commit hook, for real: a temporary git repository whose .pre-commit-config.yaml points at this checkout
(at its HEAD commit: pre-commit clones committed state, so this tests the last commit), `pre-commit run
--all-files` installing nblint into its own environment from the configured package index.  It fails on a
defective report, showing nblint's diagnostic lines, and passes on the clean example."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEFECTIVE = ROOT / "tests" / "fixtures" / "integrations" / "defective-2024.md"
EXAMPLE = ROOT / "examples" / "compliant-2024.md"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(*args, cwd, env=None):
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout.strip()


def clean_env(tmp_path: Path) -> dict:
    # no GIT_DIR/GIT_INDEX_FILE from an enclosing hook, no colour, pre-commit's cache in the test's directory
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        PRE_COMMIT_COLOR="never",
        NO_COLOR="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        NBLINT_CACHE_DIR=str(tmp_path / "nblint-cache"),
    )
    env.pop("GITHUB_ACTIONS", None)
    return env


def test_pre_commit_hook(tmp_path):
    pytest.importorskip("pre_commit")
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    env = clean_env(tmp_path)
    rev = git("rev-parse", "HEAD", cwd=ROOT, env=env)
    assert (
        git("ls-tree", "--name-only", rev, ".pre-commit-hooks.yaml", cwd=ROOT, env=env) == ".pre-commit-hooks.yaml"
    ), "commit .pre-commit-hooks.yaml: pre-commit reads the hook definition from the committed state"

    repo = tmp_path / "reports"
    repo.mkdir()
    git("init", "-q", cwd=repo, env=env)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT.as_posix()}\n    rev: {rev}\n    hooks:\n      - id: nblint\n", encoding="utf-8"
    )
    report = repo / "某某区2024年报.md"
    shutil.copy(DEFECTIVE, report)
    (repo / "notes.yaml").write_text("not: a report\n", encoding="utf-8")  # not a report type: not passed to nblint
    git("add", ".", cwd=repo, env=env)

    cmd = [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"]
    t0 = time.monotonic()
    p = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, encoding="utf-8")
    first = time.monotonic() - t0
    out = p.stdout + p.stderr
    assert p.returncode == 1, out
    assert "nblint" in out and "Failed" in out
    assert "- exit code: 1" in out
    name = report.name
    found = re.findall(rf"^{re.escape(name)}:(\d+):(\d+): (NB\d+) ", out, re.M)
    assert [(int(ln), code) for ln, _, code in found] == [(25, "NB204"), (32, "NB207"), (48, "NB204"), (77, "NB103")], (
        out
    )
    assert ("48", "7", "NB204") in found  # the column after 𠀀 counts code points
    assert "发现 4 个问题" in out
    assert "notes.yaml" not in out

    shutil.copy(EXAMPLE, report)
    git("add", ".", cwd=repo, env=env)
    t0 = time.monotonic()
    p = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, encoding="utf-8")
    second = time.monotonic() - t0
    out = p.stdout + p.stderr
    assert p.returncode == 0, out
    assert "Passed" in out and "NB" not in out
    print(f"\npre-commit: first run (installs the hook environment) {first:.1f} s, second run {second:.1f} s")
