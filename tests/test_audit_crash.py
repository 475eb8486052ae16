"""nblint audit survives a worker process killed by the system: the file that kills its worker becomes an
internal-error row, every other file is still linted, and nothing hangs."""

from __future__ import annotations

import os


def _init():
    pass


def _work(task):
    path, _ = task
    if path.endswith("kill-me"):
        os._exit(9)  # what the OOM killer does to a worker
    return {"file": path, "error": None}


def _crash(task):
    return {"file": task[0], "error": "died"}


def test_killed_worker_becomes_a_row_and_the_rest_goes_on():
    from nblint.app.audit import _ProcessPool

    tasks = [(f"f{i}", None) for i in range(40)]
    tasks.insert(17, ("f17-kill-me", None))
    pool = _ProcessPool(2, _init, (), _crash)
    try:
        out = list(pool.imap_unordered(_work, tasks, chunksize=4))
    finally:
        pool.close()
    assert sorted(r["file"] for r in out) == sorted(t[0] for t in tasks)
    assert [r["file"] for r in out if r["error"]] == ["f17-kill-me"]


def test_a_crashed_task_of_any_shape_is_an_error_row():
    """First-pass tasks carry (path, previous[, keep[, stored]]), pair-pass tasks (PAIRS, pairs, stored): the crash
    rows are made from any of them."""
    from nblint.app.audit import PAIRS, _crashed

    for task in (("a.txt", None), ("a.txt", None, True), ("a.txt", "b.txt", False, ("t", {}))):
        row = _crashed(task)
        assert row["file"] == "a.txt" and row["previous"] == task[1] and "worker process died" in row["error"]
    rows = _crashed((PAIRS, [("a.txt", "b.txt"), ("c.txt", "b.txt")], ("t", {})))  # a pair-pass task: a row a pair
    assert [(r["file"], r["previous"]) for r in rows] == [("a.txt", "b.txt"), ("c.txt", "b.txt")]
    assert all("worker process died" in r["error"] for r in rows)
