"""The language server never blocks and always answers (review F1 in the LSP, F11), over real stdio.

The slow lint is made on purpose (the line patterns that backtrack are fixed elsewhere): the server is started
through a small launcher that makes parsing a text containing ``SLOW`` spin the CPU for a few seconds in pure Python,
checking the time budget as the real stages do.  Requests sent meanwhile must be answered at once, a newer change
must cancel the slow lint, and its stale result must never be published."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_lsp import DEFECTIVE, Client

from nblint import budget, engine
from nblint.app.lsp import DocumentLinter, LintWorker

SLOW_SECONDS = 4.0
LAUNCHER = f"""
import sys, time
import nblint.engine as E
from nblint import budget

real = E.parse

def parse(source, *args):
    if "SLOW" in source.text:  # a lint that takes {SLOW_SECONDS} s of CPU, checking the budget like the real stages
        end = time.monotonic() + {SLOW_SECONDS}
        while time.monotonic() < end:
            budget.check()
            sum(range(20000))
    return real(source, *args)

E.parse = parse
from nblint.app.cli import main
sys.exit(main(["lsp"]))
"""


class SlowClient(Client):
    def __init__(self, cwd: Path):
        launcher = cwd / "slow_server.py"
        launcher.write_text(LAUNCHER, encoding="utf-8")
        env = dict(os.environ, NBLINT_CACHE_DIR=str(cwd / "cache"), PYTHONIOENCODING="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, str(launcher)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
        )
        import queue

        self.inbox = queue.Queue()
        self.pending = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def raw_request(self, rid, method, params, within: float = 5.0) -> tuple[dict, float]:
        """Send a request as given (malformed or not); (the answer, seconds it took)."""
        t0 = time.monotonic()
        self.send({"id": rid, "method": method, "params": params})
        deadline = t0 + within
        while True:
            msg = self._next(deadline)
            if msg.get("id") == rid and "method" not in msg:
                return msg, time.monotonic() - t0
            self.pending.append(msg)


@pytest.fixture
def client(tmp_path):
    c = SlowClient(tmp_path)
    c.request("initialize", {"processId": os.getpid(), "rootUri": tmp_path.as_uri(), "capabilities": {}})
    c.notify("initialized", {})
    yield c
    c.close()


def open_report(client, tmp_path) -> tuple[str, str]:
    report = tmp_path / "report.md"
    text = DEFECTIVE.read_text(encoding="utf-8")
    report.write_text(text, encoding="utf-8")
    uri = report.as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}})  # fmt: skip
    first = client.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
    assert first["diagnostics"]
    return uri, text


def hover_at(uri: str) -> dict:
    return {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}


def change(client, uri, version, text):
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]})  # fmt: skip


def measure_hovers(client, uri, typed: str, version: int) -> list[float]:
    """Type ``typed`` (one full-text change), then send hovers while it is being linted: their answer times."""
    client.raw_request(1000 + version, "textDocument/hover", hover_at(uri))  # warm
    change(client, uri, version, typed)
    time.sleep(0.2)  # the lint is running now
    delays = []
    for i in range(8):
        msg, dt = client.raw_request(2000 + 10 * version + i, "textDocument/hover", hover_at(uri))
        assert "error" not in msg
        delays.append(dt)
        time.sleep(0.05)
    print(f"hover delays while linting: median {statistics.median(delays) * 1000:.1f} ms, "
          f"max {max(delays) * 1000:.1f} ms")  # fmt: skip
    return delays


def test_a_slow_lint_does_not_delay_requests(client, tmp_path):
    uri, text = open_report(client, tmp_path)
    delays = measure_hovers(client, uri, text + "\n收到申请" + "1" * 40 + "件\nSLOW\n", 2)
    assert statistics.median(delays) < 0.1, delays
    # and the slow result still arrives (it is the newest, and within the time budget)
    params = client.wait_notification("textDocument/publishDiagnostics", lambda p: p.get("version") == 2)
    assert params["uri"] == uri


def test_typing_the_review_line_does_not_delay_requests(client, tmp_path):
    """Review F1 in the LSP: a 40-digit line with a bad tail typed into an open document."""
    uri, text = open_report(client, tmp_path)
    delays = measure_hovers(client, uri, text + "\n收到申请" + "1" * 40 + ",5\n", 2)
    assert max(delays) < 0.1, delays
    client.wait_notification("textDocument/publishDiagnostics", lambda p: p.get("version") == 2)


def test_a_newer_change_cancels_the_stale_lint(client, tmp_path):
    uri, text = open_report(client, tmp_path)
    change(client, uri, 2, text + "\nSLOW\n")
    time.sleep(0.3)
    t0 = time.monotonic()
    change(client, uri, 3, text + "\n新的一行。\n")
    params = client.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
    elapsed = time.monotonic() - t0
    assert params["version"] == 3, params  # the stale version 2 was never published
    assert elapsed < SLOW_SECONDS / 2, elapsed  # not after the slow lint: it was cancelled
    # nothing for version 2 turns up later either
    time.sleep(SLOW_SECONDS)
    msg, _ = client.raw_request(3000, "textDocument/hover", hover_at(uri))
    assert not [m for m in client.pending if m.get("method") == "textDocument/publishDiagnostics"
                and m["params"].get("version") == 2]  # fmt: skip


@pytest.mark.parametrize(
    "method, params, code",
    [
        ("textDocument/hover", {"textDocument": {"uri": 5}, "position": {"line": -1, "character": "x"}}, -32602),
        ("textDocument/hover", 1, -32602),
        ("textDocument/codeAction", {"textDocument": {}}, -32602),
        (5, {}, -32600),
    ],
)
def test_malformed_requests_get_an_error(client, tmp_path, method, params, code):
    uri, _ = open_report(client, tmp_path)
    msg, dt = client.raw_request(97, method, params, within=1.0)
    assert msg["error"]["code"] == code and dt < 1.0
    # the server keeps serving
    msg, _ = client.raw_request(98, "textDocument/hover", hover_at(uri))
    assert "error" not in msg


# ----------------------------------------------------------------------------------------------------------------
# The worker in-process: cancellation, time-out, ordering


@pytest.fixture
def slow_parse(monkeypatch):
    real = engine.parse

    def parse(source, *args):
        if "SLOW" in source.text:
            end = time.monotonic() + 3
            while time.monotonic() < end:
                budget.check()
                time.sleep(0.005)
        return real(source, *args)

    monkeypatch.setattr(engine, "parse", parse)


def collect(timeout=budget.DEFAULT_SECONDS):
    got: list = []
    done = threading.Event()

    def deliver(uri, state, gen):
        got.append((uri, state, gen))
        done.set()

    return LintWorker(DocumentLinter(), deliver, timeout=timeout), got, done


def test_worker_publishes_only_the_newest(slow_parse):
    text = DEFECTIVE.read_text(encoding="utf-8")
    worker, got, done = collect()
    worker.submit("file:///a.md", text + "\nSLOW\n", 1)
    time.sleep(0.1)
    t0 = time.monotonic()
    gen = worker.submit("file:///a.md", text, 2)
    assert done.wait(5)
    assert time.monotonic() - t0 < 1.5
    time.sleep(0.2)
    assert [(u, s.version, g) for u, s, g in got] == [("file:///a.md", 2, gen)]


def test_worker_forgets_a_closed_document(slow_parse):
    worker, got, _ = collect()
    worker.submit("file:///a.md", "SLOW", 1)
    time.sleep(0.1)
    worker.forget("file:///a.md")
    deadline = time.monotonic() + 3
    while not worker.idle() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert worker.idle() and got == []


def test_worker_times_out_a_slow_lint(slow_parse):
    worker, got, done = collect(timeout=0.3)
    worker.submit("file:///a.md", "SLOW", 1)
    assert done.wait(3)
    [(_, state, _)] = got
    assert [(p.diag.code, p.diag.message, p.start) for p in state.items] == [
        ("NB001", "无法读取文件：处理超时（超过 0.3 秒）", (0, 0))
    ]


def test_an_unusable_id_is_answered_with_null(client, tmp_path):
    """JSON-RPC: when the id of a bad request cannot be read, the error answer has id null."""
    client.send({"id": {"x": 1}, "method": "textDocument/hover", "params": 1})
    deadline = time.monotonic() + 1
    while True:
        m = client._next(deadline)
        if "error" in m:
            break
        client.pending.append(m)
    assert m["id"] is None and m["jsonrpc"] == "2.0" and m["error"]["code"] in (-32600, -32602)
