"""The PDF reader's bounds (time in any thread, memory against decompression bombs, dense ruling) and its
character boxes.  The reproducers of the reliability review (F6, F10) are generated here, small."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import zlib

import pytest
from conftest import shared

import nblint
from nblint import budget
from nblint.readers import pdf, read_bytes
from nblint.source import ReadError

# ---------------------------------------------------------------------------------------------------------------
# building PDFs


def make_pdf(content: bytes, *, size=(400, 300), stream_dict: bytes = b"", text_font: bool = True) -> bytes:
    """A one-page PDF; text can use the predefined STSong-Light font (/F1, UniGB-UCS2-H: no embedding needed)."""
    font = b"/Resources << /Font << /F1 5 0 R >> >>" if text_font else b""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R %s >>" % (*size, font),
        b"<< /Length %d %s >>\nstream\n" % (len(content), stream_dict) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] /ItalicAngle 0 "
        b"/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def text_op(x: float, y: float, s: str, size: int = 12) -> bytes:
    return b"BT /F1 %d Tf %g %g Td <%s> Tj ET\n" % (size, x, y, s.encode("utf-16-be").hex().encode())


REPORT_LINES = [
    "某某市人民政府2024年政府信息公开工作年度报告",
    "一、总体情况",
    "本机关认真贯彻落实政府信息公开条例，依法主动公开政府信息。",
]


def report_text(y0: float) -> bytes:
    return b"".join(text_op(40, y0 - 20 * i, line) for i, line in enumerate(REPORT_LINES))


def zero_bomb(gigabytes: float) -> bytes:
    """A valid zlib stream of ``gigabytes`` GB of zeros, built in well under a second (one compressed 1 MB block
    repeated after full flushes, and the Adler-32 of the whole)."""
    chunk = b"\0" * (1 << 20)
    c = zlib.compressobj(9)
    head = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    assert c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH) == block
    n = int(gigabytes * 1024)
    adler = 1
    for _ in range(n):
        adler = zlib.adler32(chunk, adler)
    return head + block * (n - 1) + b"\x03\x00" + adler.to_bytes(4, "big")


# ---------------------------------------------------------------------------------------------------------------
# F6: decompression bombs


def test_zero_bomb_helper_is_a_valid_stream():
    data = zero_bomb(0.01)
    assert zlib.decompress(data) == b"\0" * (10 << 20)


@pytest.mark.parametrize("filters", [b"/FlateDecode", b"[/FlateDecode /FlateDecode]"])
def test_flate_bomb_is_refused_quickly(filters):
    body = zero_bomb(2)  # 2 GB of zeros in about 2 MB
    if filters.startswith(b"["):  # the same bomb compressed once more: 2 GB behind a few KB
        body = zlib.compress(body, 9)
    data = make_pdf(body, size=(10, 10), stream_dict=b"/Filter " + filters, text_font=False)
    t = time.perf_counter()
    with pytest.raises(ReadError, match="decompression bomb"):
        read_bytes("bomb.pdf", data)
    assert time.perf_counter() - t < 5


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the peak from /proc/self/status")
def test_flate_bomb_peak_memory_is_bounded(tmp_path):
    """The F6 reproducer (2 MB file, 2 GB stream) through the whole linter in a fresh process: NB001 with a
    small peak RSS (PDFium alone would take about 3 GB)."""
    path = tmp_path / "flatebomb.pdf"
    path.write_bytes(make_pdf(zero_bomb(2), size=(10, 10), stream_dict=b"/Filter /FlateDecode", text_font=False))
    # The peak is read from /proc/self/status (VmHWM, this process's own address space): ru_maxrss on Linux keeps
    # the high-water mark of the address space replaced by exec, so a child spawned by a 270 MB pytest process
    # (subprocess uses vfork) reported 273 MB there while the linter itself peaked under 50 MB.
    code = (
        "import sys, nblint\n"
        "d = nblint.lint_path(sys.argv[1])\n"
        "hwm = [line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM:')]\n"
        "print(d[0]['code'], int(hwm[0]) // 1024)\n"
        "print(d[0]['message'])\n"
    )
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - t
    assert out.returncode == 0, out.stderr
    first, message = out.stdout.splitlines()[:2]
    rule, peak_mb = first.split()
    assert rule == "NB001" and "压缩炸弹" in message
    assert int(peak_mb) < 250, f"peak RSS {peak_mb} MB"
    assert elapsed < 20


def test_ordinary_compressed_content_is_read():
    content = report_text(260)
    data = make_pdf(zlib.compress(content), stream_dict=b"/Filter /FlateDecode")
    src = read_bytes("ok.pdf", data)
    assert src.text.split("\n") == REPORT_LINES


# ---------------------------------------------------------------------------------------------------------------
# F10: dense ruling, time limits in threads


def grid(step: int = 48, extent: int = 14400) -> bytes:
    lines = " ".join(f"{x} 0 m {x} {extent} l S" for x in range(0, extent, step))
    lines += " " + " ".join(f"0 {y} m {extent} {y} l S" for y in range(0, extent, step))
    return b"0 0 0 RG 0.5 w\n" + lines.encode() + b"\n"


def _in_thread(fn):
    box: dict = {}

    def run():
        t = time.perf_counter()
        try:
            box["result"] = fn()
        except BaseException as e:  # handed to the test
            box["error"] = e
        box["elapsed"] = time.perf_counter() - t

    th = threading.Thread(target=run)
    th.start()
    th.join(60)
    assert not th.is_alive(), "still running after 60 s"
    return box


def test_f10_grid_without_text_in_a_thread(tmp_path):
    """The review's reproducer: one 14400 pt page with a 300 x 300 grid and no text, through lint_path in a
    thread.  It has no text layer, and says so at once."""
    p = tmp_path / "grid.pdf"
    p.write_bytes(make_pdf(grid(), size=(14400, 14400), text_font=False))
    box = _in_thread(lambda: nblint.lint_path(str(p)))
    assert "error" not in box, box.get("error")
    assert box["elapsed"] < 5
    diags = box["result"]
    assert [d["code"] for d in diags] == ["NB001"]
    assert "PDF 没有文字层（可能是扫描件），需要先做文字识别" in diags[0]["message"]


def test_f10_grid_with_text_in_a_thread_reads_the_text(tmp_path):
    """The same grid with a report's text on it: the table finder is not given 600 ruling lines (a 300 x 300 grid
    is no report table); the text is read, in a few seconds, in a thread."""
    p = tmp_path / "grid_text.pdf"
    p.write_bytes(make_pdf(grid() + report_text(14000), size=(14400, 14400)))
    box = _in_thread(lambda: read_bytes(str(p), p.read_bytes()))
    assert "error" not in box, box.get("error")
    assert box["elapsed"] < 5
    assert box["result"].text.split("\n") == REPORT_LINES
    lint = _in_thread(lambda: nblint.lint_path(str(p)))
    assert "error" not in lint and lint["elapsed"] < 5
    assert "NB001" not in [d["code"] for d in lint["result"]]


def test_a_small_grid_is_still_a_table():
    """Below the cap, ruled tables are found as before (a 3 x 2 grid with text in the cells)."""
    c = b"0 0 0 RG 1 w\n"
    for y in (150, 175, 200):
        c += b"40 %d m 340 %d l S\n" % (y, y)
    for x in (40, 140, 240, 340):
        c += b"%d 150 m %d 200 l S\n" % (x, x)
    c += text_op(45, 182, "信息内容") + text_op(145, 182, "本年") + text_op(245, 182, "累计")
    c += text_op(45, 157, "行政许可") + text_op(145, 157, "3") + text_op(245, 157, "12")
    c += report_text(280)
    src = read_bytes("t.pdf", make_pdf(c))
    assert "信息内容 | 本年 | 累计" in src.text.split("\n")
    assert "行政许可 | 3 | 12" in src.text.split("\n")


def test_callers_budget_propagates_as_timeout_in_a_thread():
    data = shared("binaries", "kirogovcompare_hzq2024_working.pdf").read_bytes()

    def run():
        with budget.limit(0.0):
            return pdf.read("x.pdf", data)

    box = _in_thread(run)
    assert isinstance(box.get("error"), budget.Timeout)
    assert box["elapsed"] < 5


def test_cancelled_read_stops():
    data = shared("binaries", "kirogovcompare_hzq2024_working.pdf").read_bytes()
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(budget.Timeout) as e, budget.limit(None, cancel=cancel):
        pdf.read("x.pdf", data)
    assert e.value.cancelled


def test_readers_own_limit_is_a_time_limit_read_error(monkeypatch):
    """When the reader's own cap runs out it is an NB001 that says time limit, not "no text layer"."""
    data = shared("binaries", "kirogovcompare_hzq2024_working.pdf").read_bytes()
    monkeypatch.setattr(pdf, "TIME_LIMIT", 0.0)

    box = _in_thread(lambda: read_bytes("x.pdf", data))
    err = box.get("error")
    assert isinstance(err, ReadError)
    assert "time limit" in err.reason and "超时" in err.text("zh")
    assert "no text layer" not in err.reason


def test_concurrent_reads_agree():
    """PDFium is not thread-safe: the reader serialises it; four threads get what one gets alone."""
    data = shared("binaries", "kirogovcompare_hzq2023_working.pdf").read_bytes()
    alone = pdf.read("a.pdf", data).text
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(pdf.read("a.pdf", data).text)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == [alone] * 4


# ---------------------------------------------------------------------------------------------------------------
# bad input


def test_no_text_layer_still_says_so():
    with pytest.raises(ReadError, match="no text layer"):
        read_bytes("scan.pdf", make_pdf(b"0 0 m 100 100 l S 10 10 200 100 re f", text_font=False))


def test_truncated_and_broken_pdfs_are_nb001(engine, tmp_path):
    data = make_pdf(report_text(260))
    for i, bad in enumerate([data[: len(data) // 2], data[:40], data.replace(b"stream", b"strXam"), b"%PDF-1.7\n"]):
        p = tmp_path / f"bad{i}.pdf"
        p.write_bytes(bad)
        res = engine.lint_path(str(p))
        assert [d.code for d in res.diagnostics] == ["NB001"], bad[:60]


def test_encrypted_with_a_password_is_nb001():
    data = make_pdf(report_text(260))
    # an /Encrypt entry that the empty password does not open
    enc = b"/Encrypt << /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >> /ID [<00> <00>] " % (
        b"11" * 32,
        b"22" * 32,
    )
    locked = data.replace(b"trailer\n<< ", b"trailer\n<< " + enc, 1)
    assert locked != data
    with pytest.raises(ReadError, match="encrypted|password"):
        read_bytes("enc.pdf", locked)


# ---------------------------------------------------------------------------------------------------------------
# character boxes


def test_char_boxes_of_a_made_pdf():
    src = read_bytes("t.pdf", make_pdf(report_text(260)))
    assert src.char_boxes is not None and len(src.char_boxes) == len(src.text)
    i = src.text.index("一、总体情况")
    page, x0, top, x1, bottom = src.char_boxes[i]
    assert page == 1
    assert x0 == pytest.approx(40, abs=0.01) and x1 == pytest.approx(52, abs=0.01)  # one em of a 12 pt font
    assert bottom - top == pytest.approx(12, abs=0.01)
    # the baseline is at 300 - 240 = 60 pt from the top; the box reaches from the descent (120/1000 em) up
    assert bottom == pytest.approx(60 + 0.12 * 12, abs=0.01)
    assert src.char_boxes[src.text.index("\n")] is None


@pytest.mark.parametrize(
    "name", ["govnianbao_szfgs2024.pdf", "kirogovcompare_hzq2023_working.pdf", "kirogovcompare_hzq2024_working.pdf"]
)
def test_every_character_of_a_real_pdf_has_its_box(name):
    src = read_bytes(name, shared("binaries", name).read_bytes())
    assert len(src.char_boxes) == len(src.text)
    line_pages = [src.line_info[n]["page"] for n in range(1, src.text.count("\n") + 2)]
    line = 0
    for ch, box in zip(src.text, src.char_boxes):
        if ch == "\n":
            line += 1
            assert box is None
        elif ch not in " |":
            assert box is not None, ch
            assert box[0] == line_pages[line]
            assert box[1] <= box[3] and box[2] < box[4]


def lzw_encode(data: bytes) -> bytes:
    """A plain LZW encoder as PDF writes it (clear code first, 9-12 bit codes switched one code early, the way
    the decoder's table grows: it adds an entry for every code after the first since the last clear)."""
    codes: list[tuple[int, int]] = []
    emitted = 0

    def emit(code: int) -> None:
        nonlocal emitted
        size = 258 + max(0, emitted - 1)  # the decoder's table before it reads this code
        codes.append((code, 12 if size >= 2047 else 11 if size >= 1023 else 10 if size >= 511 else 9))
        emitted += 1

    table = {bytes([i]): i for i in range(256)}
    emit(256)
    emitted = 0
    w = b""
    for byte in data:
        wc = w + bytes([byte])
        if wc in table:
            w = wc
            continue
        emit(table[w])
        table[wc] = len(table) + 2  # 256 and 257 are clear and end-of-data
        w = bytes([byte])
        if len(table) + 2 >= 4000:
            emit(256)
            emitted = 0
            table = {bytes([i]): i for i in range(256)}
    if w:
        emit(table[w])
    emit(257)
    acc = n_bits = 0
    for code, n in codes:
        acc = (acc << n) | code
        n_bits += n
    pad = (-n_bits) % 8
    return (acc << pad).to_bytes((n_bits + pad) // 8, "big")


@pytest.mark.parametrize("n", [0, 1, 300, 5000, 200_000])
def test_lzw_sizes_are_counted_exactly(n):
    from pdfminer.lzw import lzwdecode

    from nblint.readers import _pdfstreams

    data = bytes((i * 7 + i // 13) % 251 for i in range(n)) + b"\0" * n
    encoded = lzw_encode(data)
    assert lzwdecode(encoded) == data  # the encoder is right
    assert sum(_pdfstreams._decoded_sizes(memoryview(encoded), [b"LZWDecode"])) == len(data)


def test_nearest_edge_index_matches_a_linear_scan():
    """_index finds the nearest edge by bisection; the first of two at the same distance, as the scan did."""
    import random

    from nblint.readers.pdf import _index

    def scan(edges, v):
        best, dist = 0, float("inf")
        for i, e in enumerate(edges):
            if abs(e - v) < dist:
                best, dist = i, abs(e - v)
        return best

    rnd = random.Random(7)
    for _ in range(5000):
        edges = sorted({rnd.choice([rnd.randint(0, 50), rnd.uniform(0, 50)]) for _ in range(rnd.randint(1, 8))})
        v = rnd.choice([rnd.uniform(-5, 55), rnd.choice(edges), rnd.randint(0, 50) + 0.5])
        assert _index(edges, v) == scan(edges, v), (edges, v)
