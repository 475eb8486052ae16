"""Shared test helpers.  Material from ../shared (seeds, corpus, binaries, schemas) is read in place and the tests
that need it skip cleanly when it is absent; the project's own fixtures live in tests/ and examples/."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples"


def shared(*parts: str) -> Path:
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} not available")
    return p


@pytest.fixture(scope="session")
def engine():
    from nblint.engine import Engine

    return Engine()


def run_nblint(*args, cwd=ROOT, env=None, timeout: float = 180):
    """``python -m nblint ARGS`` in a fresh process (no colour), as a user runs it: the CompletedProcess."""
    import os
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "nblint", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=dict(os.environ, NO_COLOR="1", **(env or {})),
        timeout=timeout,
    )
