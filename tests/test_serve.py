"""``nblint serve`` over real loopback HTTP: uvicorn runs the application in a thread on a free port of 127.0.0.1 and
the tests talk to it with urllib3, as the page's fetch() calls do.  The JSON endpoint must print byte for byte what
``nblint check --output-format json`` prints for the same file; bad uploads get a clear Chinese message and the
server keeps serving."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, shared

pytest.importorskip("starlette")
uvicorn = pytest.importorskip("uvicorn")
urllib3 = pytest.importorskip("urllib3")

from nblint.app.cli import main  # noqa: E402
from nblint.app.serve import STATIC, create_app  # noqa: E402

DEFECTS = EXAMPLES / "defects-tables.md"


class Server:
    """A uvicorn server of ``create_app(**options)`` in a thread, on a free loopback port."""

    def __init__(self, **options):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(create_app(**options), log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(connect=5, read=120))

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()

    def get(self, path: str, **kw):
        return self.http.request("GET", self.url + path, **kw)

    def post(self, path: str, fields: dict | None = None, **kw):
        return self.http.request("POST", self.url + path, fields=fields, **kw)

    def upload(self, path: str, name: str, data: bytes, **extra):
        fields: dict = {"file": (name, data, "application/octet-stream")}
        for k, v in extra.items():
            fields[k] = v
        return self.post(path, fields)

    def alive(self) -> bool:
        r = self.get("/api/health")
        return r.status == 200 and r.json()["ok"] is True


@pytest.fixture(scope="module")
def server():
    with Server() as s:
        yield s


@pytest.fixture(scope="module")
def tight():
    """A server with a tiny size limit and a time budget nothing can meet."""
    with Server(max_mb=0.25, timeout=1e-9) as s:
        yield s


def cli_json(tmp_path: Path, name: str, data: bytes, *args: str, previous: tuple[str, bytes] | None = None) -> bytes:
    """What ``nblint check --output-format json NAME`` prints, run in a folder holding only the file."""
    d = tmp_path / "cli"
    d.mkdir(exist_ok=True)
    (d / name).write_bytes(data)
    argv = ["check", "--output-format", "json", name, *args]
    if previous:
        (d / previous[0]).write_bytes(previous[1])
        argv += ["--previous", previous[0]]
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(d)
    try:
        with contextlib.redirect_stdout(out):
            rc = main(argv)
    finally:
        os.chdir(cwd)
    assert rc in (0, 1)
    return out.getvalue().encode("utf-8")


# ---- the page ------------------------------------------------------------------------------------------------------


def test_page_is_served_offline(server):
    r = server.get("/")
    assert r.status == 200 and r.headers["content-type"].startswith("text/html")
    page = r.data.decode("utf-8")
    assert "拖入年报文件" in page and '<html lang="zh-CN">' in page
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    for asset in ("/static/app.js", "/static/app.css"):
        assert server.get(asset).status == 200
    # no CDN, no font service, no external request of any kind in the page's own files
    for f in STATIC.iterdir():
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", f.read_text(encoding="utf-8")), f.name


def test_page_words_come_from_the_message_table(server):
    """The page's words are nblint's ``ui.*`` texts: the served page in either language, and the script has none
    of its own (a word added to the page without its two languages in nblint.i18n fails here)."""
    from nblint.i18n import STRINGS, words

    zh = server.get("/").data.decode("utf-8")
    en = server.get("/?lang=en").data.decode("utf-8")
    body = en[en.index("<body>") :]
    assert '<html lang="en">' in en and STRINGS["ui.drop"][1] in body and STRINGS["ui.drop"][0] not in body
    assert STRINGS["ui.drop"][0] in zh and "%T_" not in zh + en and "%WORDS%" not in zh
    script = re.search(r'<script id="words" type="application/json">(.*?)</script>', zh, re.S)
    assert script and json.loads(script.group(1)) == {"zh": words("ui.", "zh"), "en": words("ui.", "en")}
    js = (STATIC / "app.js").read_text(encoding="utf-8")
    assert not re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", js), "app.js has words of its own"
    used = set(re.findall(r'\bt\("([A-Za-z.]+)"', js)) | set(re.findall(r'data-t="([A-Za-z.]+)"', zh))
    used |= {f"sev.{s}" for s in ("error", "warning", "info")}
    for lang in ("zh", "en"):
        assert used <= set(words("ui.", lang)), used - set(words("ui.", lang))


def test_unknown_address_is_a_chinese_json_error(server):
    r = server.get("/no/such/page")
    assert r.status == 404 and r.json()["error"] == "没有这个地址：/no/such/page"
    r = server.get("/api/check")
    assert r.status == 405 and "GET" in r.json()["error"]


# ---- /api/check equals the command line ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["defects-tables.md", "defects-arithmetic.md", "compliant-2024.md"])
def test_check_equals_cli_json_examples(server, tmp_path, name):
    data = (EXAMPLES / name).read_bytes()
    r = server.upload("/api/check", name, data)
    assert r.status == 200 and r.headers["content-type"].startswith("application/json")
    assert r.data == cli_json(tmp_path, name, data)


def test_check_equals_cli_json_in_english_and_with_previous(server, tmp_path):
    data = DEFECTS.read_bytes()
    r = server.upload("/api/check", "报告 2024.md", data, lang="en")
    assert r.data == cli_json(tmp_path, "报告 2024.md", data, "--lang", "en")
    prev = shared("seeds")
    seeds = sorted(p for p in prev.iterdir() if p.suffix in (".md", ".txt"))
    if len(seeds) < 2:
        pytest.skip("two seed reports needed")
    cur, last = seeds[1].read_bytes(), seeds[0].read_bytes()
    r = server.upload("/api/check", seeds[1].name, cur, previous=(seeds[0].name, last, "text/plain"))
    assert r.data == cli_json(tmp_path, seeds[1].name, cur, previous=(seeds[0].name, last))


def test_check_equals_cli_json_docx(server, tmp_path):
    from test_fix import markdown_to_docx

    p = tmp_path / "r.docx"
    markdown_to_docx(DEFECTS.read_text(encoding="utf-8"), p)
    r = server.upload("/api/check", "r.docx", p.read_bytes())
    assert r.data == cli_json(tmp_path, "r.docx", p.read_bytes())
    assert {d["code"] for d in r.json()["files"][0]["diagnostics"]} >= {"NB204"}
    # the page names the table row of a DOCX (「表格1第4行」, or 「文档第1个表格第4行…」 where diagnostics carry a where)
    v = server.upload("/api/view", "r.docx", p.read_bytes()).json()
    nb204 = next(d for d in v["diagnostics"] if d["code"] == "NB204")
    assert re.search(r"表格1?第4行", nb204["place"]) and v["text"][nb204["start"] : nb204["end"]] == "规范性文件"


def test_check_equals_cli_json_real_binaries(server, tmp_path):
    for name in ("kirogovcompare_hzq2023_working.pdf", "shuyang_fgj_2023.html"):
        data = shared("binaries", name).read_bytes()
        r = server.upload("/api/check", name, data)
        assert r.status == 200
        assert r.data == cli_json(tmp_path, name, data), name


# ---- /api/view: the text and the highlights ------------------------------------------------------------------------


def test_view_spans_point_at_the_reported_text(server, tmp_path):
    data = DEFECTS.read_bytes()
    v = server.upload("/api/view", DEFECTS.name, data).json()
    cli = json.loads(cli_json(tmp_path, DEFECTS.name, data))["files"][0]["diagnostics"]
    assert v["text"] == DEFECTS.read_text(encoding="utf-8") and v["kind"] == "markdown"
    assert [(d["code"], d["line"], d["col"], d["message"]) for d in v["diagnostics"]] == [
        (d["code"], d["line"], d["col"], d["message"]) for d in cli
    ]
    for d, c in zip(v["diagnostics"], cli):
        assert v["text"][d["start"] : d["end"]] == v["text"][c["offset"] : c["end_offset"]]
    # NB204 「规范性文件」 is marked on the label itself, in section 二 (where table 二 is), with its explanation
    nb204 = next(d for d in v["diagnostics"] if d["code"] == "NB204" and "规范性文件" in d["message"])
    assert v["text"][nb204["start"] : nb204["end"]].strip() == "规范性文件"
    section = next(s for s in v["sections"] if s["id"] == nb204["section"])
    assert section["title"].startswith("二、")
    assert nb204["place"] == ""  # a Markdown file has no pages: the page shows the line
    rule = v["rules"]["NB204"]
    assert rule["basis"].startswith("国办公开办函〔2021〕30号") and rule["description"]


def test_view_of_a_pdf_has_pages(server):
    data = shared("binaries", "kirogovcompare_hzq2023_working.pdf").read_bytes()
    v = server.upload("/api/view", "hzq.pdf", data).json()
    assert v["kind"] == "pdf" and [p["page"] for p in v["pages"]][:2] == [1, 2]
    assert v["meta"]["year"] == 2023
    nb304 = next(d for d in v["diagnostics"] if d["code"] == "NB304")
    m = re.match(r"第(\d+)页", nb304["place"])  # then, once positions name tables: 「，表四」
    assert m
    page = int(m.group(1))
    # the highlight lies in the page it names
    starts = [p["start"] for p in v["pages"] if p["page"] <= page]
    assert starts and nb304["start"] >= starts[-1]
    later = [p["start"] for p in v["pages"] if p["page"] > page]
    assert not later or nb304["start"] < later[0]
    assert next(s for s in v["sections"] if s["id"] == nb304["section"])["title"].startswith("四")


def test_view_offsets_count_utf16_like_javascript(server):
    text = DEFECTS.read_text(encoding="utf-8")
    # a character outside the BMP (two UTF-16 units) before every diagnostic
    data = text.replace("一、总体情况", "一、总体情况𠀀", 1).encode("utf-8")
    v = server.upload("/api/view", "astral.md", data).json()
    js = v["text"].encode("utf-16-le")
    nb204 = next(d for d in v["diagnostics"] if d["code"] == "NB204" and "规范性文件" in d["message"])
    assert js[2 * nb204["start"] : 2 * nb204["end"]].decode("utf-16-le").strip() == "规范性文件"


# ---- bad uploads -------------------------------------------------------------------------------------------------


def test_bad_uploads_get_clear_messages(server):
    r = server.upload("/api/view", "空.md", b"")
    assert r.status == 400 and r.json()["error"] == "上传的文件「空.md」是空的（0 字节），请重新选择文件"
    # a .doc is read as the command line reads it (LibreOffice where installed, else NB001 with what to do)
    r = server.upload("/api/check", "报告.doc", b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    assert r.status == 200 and [d["code"] for d in r.json()["files"][0]["diagnostics"]] == ["NB001"]
    r = server.upload("/api/check", "photo.jpg", b"\xff\xd8\xff")  # an image: NB001 saying what to do instead
    assert r.status == 200 and [d["code"] for d in r.json()["files"][0]["diagnostics"]] == ["NB001"]
    r = server.upload("/api/check", "data.bin", b"\x00\x01")
    assert r.status == 415 and "DOCX、PDF、HTML、MD 或 TXT" in r.json()["error"]
    r = server.post("/api/view", {"lang": "zh"})
    assert r.status == 400 and r.json()["error"].startswith("没有收到文件")
    r = server.http.request(
        "POST", server.url + "/api/view", body=b'{"file": 1}', headers={"Content-Type": "application/json"}
    )
    assert r.status == 400 and re.match("上传格式不正确|没有收到文件", r.json()["error"])
    r = server.http.request(
        "POST",
        server.url + "/api/view",
        body=b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.md"\r\n\r\n\xff\xfe',
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert r.status == 400 and re.match("上传格式不正确|没有收到文件", r.json()["error"])  # a truncated part is no file
    r = server.upload("/api/view", "a.md", b"x", lang="fr")
    assert r.status == 400 and r.json()["error"] == "lang 只能是 zh 或 en"
    assert server.alive()


def test_folders_in_an_upload_name_are_dropped(server):
    data = DEFECTS.read_bytes()
    for raw in ("../../etc/年报.md", "C:\\fakepath\\年报.md", "/tmp/x/年报.md"):
        r = server.upload("/api/check", raw, data)
        assert r.status == 200 and r.json()["files"][0]["path"] == "年报.md", raw


@pytest.mark.parametrize(
    "name,data",
    [
        ("garbage.pdf", os.urandom(4096)),
        ("garbage.docx", b"PK\x03\x04" + os.urandom(2000)),
        ("binary.txt", bytes(range(256)) * 8),
    ],
)
def test_garbage_is_nb001_like_the_cli(server, tmp_path, name, data):
    r = server.upload("/api/check", name, data)
    assert r.status == 200 and r.data == cli_json(tmp_path, name, data)
    v = server.upload("/api/view", name, data).json()
    assert [d["code"] for d in v["diagnostics"]][:1] in (["NB001"], ["NB002"])
    assert all(d["section"] == -2 for d in v["diagnostics"] if d["code"] == "NB001")
    assert server.alive()


def test_size_limit_is_413_in_chinese(tight):
    r = tight.upload("/api/view", "big.md", b"x" * 600_000)
    assert r.status == 413 and r.json()["error"].startswith("文件太大：上传内容超过")
    # a Content-Length past the limit of the whole body: refused before parsing, after the body is dropped
    r = tight.upload("/api/view", "bigger.md", b"x" * 2_000_000)
    assert r.status == 413 and r.json()["error"].startswith("文件太大：上传内容超过")
    # without a Content-Length (chunked), refused while it arrives

    def chunks():
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.md"\r\n\r\n'
        for _ in range(300):  # 3 MB: past the limit of the whole body (a report and last year's)
            yield b"y" * 10_000

    r = tight.http.request(
        "POST",
        tight.url + "/api/view",
        body=chunks(),
        chunked=True,
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert r.status == 413 and "文件太大" in r.json()["error"]
    assert tight.alive()


def test_time_budget_gives_nb001(tight):
    r = tight.upload("/api/check", DEFECTS.name, DEFECTS.read_bytes())
    diags = r.json()["files"][0]["diagnostics"]
    assert [d["code"] for d in diags] == ["NB001"] and "处理超时" in diags[0]["message"]
    assert tight.alive()


def test_parallel_uploads(server):
    data = DEFECTS.read_bytes()
    results: list = []

    def one():
        results.append(server.upload("/api/check", DEFECTS.name, data).data)

    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 4 and len(set(results)) == 1


# ---- the annotated copy --------------------------------------------------------------------------------------------


def test_annotate_is_501_until_the_module_exists(server):
    try:
        import nblint.app.annotate  # noqa: F401
    except ImportError:
        r = server.upload("/api/annotate", DEFECTS.name, DEFECTS.read_bytes())
        assert r.status == 501 and "标注" in r.json()["error"]
    else:
        pytest.skip("nblint.app.annotate is present")


def test_annotate_downloads_the_annotated_copy(server):
    annotate = pytest.importorskip("nblint.app.annotate")
    from nblint.engine import Engine
    from nblint.readers import read_bytes

    data = DEFECTS.read_bytes()
    r = server.upload("/api/annotate", DEFECTS.name, data)
    assert r.status == 200, r.data[:300]
    source = read_bytes(DEFECTS.name, data)
    diags = Engine().lint_source(source).diagnostics
    expected, out_name = annotate.annotate_bytes(data, DEFECTS.name, diags, source=source, lang="zh")
    assert r.data == expected
    assert out_name in r.headers["content-disposition"] or "filename*=UTF-8''" in r.headers["content-disposition"]


# ---- the command -------------------------------------------------------------------------------------------------


def test_serve_command_runs_and_keeps_no_files(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "nblint", "serve", "--port", "0", "--max-size", "5"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        line = p.stdout.readline() if p.stdout else ""
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert m and "请在浏览器中打开" in line, line
        http = urllib3.PoolManager(retries=urllib3.Retry(connect=20, backoff_factor=0.05))
        url = f"http://127.0.0.1:{m.group(1)}"
        assert http.request("GET", url + "/api/health").json()["max_mb"] == 5
        # a 2 MB upload is spooled to a temporary file by the multipart parser: it is gone after the response
        big = DEFECTS.read_bytes() + b"\n" + "正文。".encode() * 230_000
        r = http.request("POST", url + "/api/check", fields={"file": ("big.md", big)})
        assert r.status == 200 and r.json()["files"][0]["path"] == "big.md"
        assert list(tmp.iterdir()) == []
        r = http.request("POST", url + "/api/check", fields={"file": ("big.md", b"x" * 6_000_000)})
        assert r.status == 413 and "5 MB" in r.json()["error"]
        # another host name (DNS rebinding) is refused
        r = http.request("GET", url + "/api/health", headers={"Host": "evil.example"})
        assert r.status == 400
    finally:
        p.terminate()
        p.wait(10)


def test_serve_command_usage_errors(capsys, monkeypatch):
    monkeypatch.delenv("NBLINT_LANG", raising=False)
    assert main(["serve", "--max-size", "0"]) == 2
    assert "--max-size 必须是大于 0 的 MB 数" in capsys.readouterr().err
    assert main(["serve", "--port", "70000"]) == 2
    assert "70000" in capsys.readouterr().err
    assert main(["serve", "--port", "1", "--lang", "en", "--host", "203.0.113.1"]) == 2  # not an address of ours
    assert "cannot listen on 203.0.113.1:1" in capsys.readouterr().err


def test_serve_help_is_chinese_by_default(capsys, monkeypatch):
    monkeypatch.delenv("NBLINT_LANG", raising=False)
    with pytest.raises(SystemExit):
        from nblint.app.cli import build_parser

        build_parser("serve").parse_args(["serve", "--help"])
    out = capsys.readouterr().out
    for words in ("只有本机能打开页面", "上传文件的大小上限", "每份年报的检查时限"):
        assert words in out


def test_place_of_a_docx_block_in_words():
    """Phrased as every other output phrases a place (diagnostics.place_text)."""
    from nblint.app.serve import place

    assert place({"block": "paragraph 12"}, "zh") == "文档第12段"
    assert place({"block": "table 2 row 3"}, "zh") == "文档第2个表格第3行"
    assert place({"page": 4}, "zh") == "第4页" and place({"page": 4}, "en") == "page 4"
    assert place({}, "zh") == ""


def test_an_internal_error_is_a_message_and_the_server_goes_on(server, monkeypatch):
    import nblint.app.serve as serve_module

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(serve_module, "check_upload", broken)
    r = server.upload("/api/view", DEFECTS.name, DEFECTS.read_bytes())
    assert r.status == 500 and r.json()["error"].startswith("服务器内部错误") and "Traceback" not in r.data.decode()
    monkeypatch.undo()
    assert server.upload("/api/check", DEFECTS.name, DEFECTS.read_bytes()).status == 200
