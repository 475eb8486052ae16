"""Golden CLI output: `nblint check` on every seed (../shared/seeds) and every example, compared line by line
with tests/golden/*.txt.  Set NBLINT_UPDATE_GOLDEN=1 to rewrite them (then read the diff before committing)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, SHARED

GOLDEN = ROOT / "tests" / "golden"


def _targets():
    out = [("examples", p) for p in sorted(EXAMPLES.glob("*.md"))]
    seeds = SHARED / "seeds"
    if seeds.is_dir():
        out += [("seeds", p) for p in sorted(seeds.glob("*.txt"))]
    return out


def _run(path: Path, base: Path) -> tuple[int, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "nblint", "check", "--color", "never", os.path.relpath(path, base)],
        capture_output=True,
        text=True,
        cwd=base,
        env=dict(os.environ, NO_COLOR="1"),
        timeout=120,
    )
    return proc.returncode, proc.stdout


@pytest.mark.parametrize("kind,path", _targets(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_golden(kind, path):
    base = ROOT if kind == "examples" else SHARED
    rc, out = _run(path, base)
    got = f"exit {rc}\n{out}"
    g = GOLDEN / f"{kind}-{path.stem}.txt"
    if os.environ.get("NBLINT_UPDATE_GOLDEN"):
        g.write_text(got, encoding="utf-8")
    assert g.exists(), f"no golden file {g.name}; run with NBLINT_UPDATE_GOLDEN=1"
    assert got == g.read_text(encoding="utf-8")


def test_golden_files_have_targets():
    names = {f"{k}-{p.stem}.txt" for k, p in _targets()}
    stale = [
        g.name
        for g in GOLDEN.glob("*.txt")
        if g.name not in names and (SHARED.is_dir() or g.name.startswith("examples"))
    ]
    assert not stale, f"golden files without a target: {stale}"


def test_readme_output_is_real():
    """Every diagnostic line README.md shows is one `nblint check examples/` prints."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = [ln for ln in readme.splitlines() if ln.startswith("examples/") and ": NB" in ln]
    assert shown
    proc = subprocess.run(
        [sys.executable, "-m", "nblint", "check", "--color", "never", "examples/"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, NO_COLOR="1"),
        timeout=120,
    )
    for ln in shown:
        assert ln in proc.stdout.splitlines(), ln
