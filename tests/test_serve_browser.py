"""The page of ``nblint serve`` in a real headless Chromium (selenium + chromedriver, Debian's packages ``chromium``
and ``chromium-driver``, as tests/test_audit_browser.py).  A report is chosen or dropped, the highlights appear, a
click opens the explanation.  Loopback only; skips cleanly without the browser."""

from __future__ import annotations

import base64
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import EXAMPLES, shared

webdriver = pytest.importorskip("selenium.webdriver")
from browser import AVAILABLE, chrome, console_errors  # noqa: E402

pytest.importorskip("starlette")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from test_serve import Server  # noqa: E402

AUDIT = Path(__file__).resolve().parent / "fixtures" / "audit"

pytestmark = pytest.mark.skipif(not AVAILABLE, reason="chromium and chromedriver are not installed")

# where the screenshots go besides the test's temporary folder (to look at them after a run)
SHOTS = os.environ.get("NBLINT_SCREENSHOTS")


@pytest.fixture(scope="module")
def server():
    with Server() as s:
        yield s


@pytest.fixture
def driver(tmp_path):
    drv = chrome(tmp_path / "profile", "1400,1000")
    yield drv
    drv.quit()


def wait(drv, seconds: float = 60):
    return WebDriverWait(drv, seconds)


def screenshot(drv, tmp_path: Path, name: str) -> Path:
    shot = tmp_path / name
    assert drv.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(SHOTS) / name)
    return shot


def choose(drv, path: Path) -> None:
    drv.find_element(By.ID, "file").send_keys(str(path))


def test_choose_a_real_pdf_see_highlights_and_explanations(server, driver, tmp_path):
    pdf = shared("binaries", "kirogovcompare_hzq2023_working.pdf")
    expected = server.upload("/api/check", pdf.name, pdf.read_bytes()).json()["files"][0]["diagnostics"]
    driver.get(server.url + "/")
    assert driver.title == "nblint 年报检查"
    assert "拖入年报文件" in driver.find_element(By.ID, "drop").text
    choose(driver, pdf)
    wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#report mark")))

    screenshot(driver, tmp_path, "serve-pdf-top.png")
    summary = driver.find_element(By.ID, "summary").text
    assert pdf.name in summary and f"发现 {len(expected)} 个问题" in summary and "2023" in summary
    items = driver.find_elements(By.CSS_SELECTOR, "#problems .problem")
    assert [i.find_element(By.CSS_SELECTOR, ".code").text for i in items] != []
    assert sorted(i.find_element(By.CSS_SELECTOR, ".code").text for i in items) == sorted(d["code"] for d in expected)
    # grouped by section, with the page
    groups = [s.text for s in driver.find_elements(By.CSS_SELECTOR, "#problems summary")]
    assert any(g.startswith("四、") for g in groups), groups
    assert driver.find_elements(By.CSS_SELECTOR, "#report .page")[1].text == "第 2 页"
    text = driver.find_element(By.CSS_SELECTOR, "#report .text").text
    assert "总体情况" in text

    # a click on the highlight of NB304 (表四 does not add up) opens its explanation in the list
    nb304 = next(i for i in items if i.find_element(By.CSS_SELECTOR, ".code").text == "NB304")
    ident = nb304.get_attribute("data-id")
    mark = next(
        m for m in driver.find_elements(By.CSS_SELECTOR, "#report mark") if ident in m.get_attribute("data-ids").split()
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    mark.click()
    assert "selected" in nb304.get_attribute("class") and "active" in mark.get_attribute("class")
    explain = nb304.find_element(By.CSS_SELECTOR, ".explain")
    assert explain.is_displayed()
    assert "依据" in explain.text and "说明" in explain.text
    assert "第4页" in nb304.find_element(By.CSS_SELECTOR, ".place").text
    assert "错误" == nb304.find_element(By.CSS_SELECTOR, ".sev").text
    screenshot(driver, tmp_path, "serve-pdf.png")

    # a click in the list marks the text
    nb204 = next(i for i in items if i.find_element(By.CSS_SELECTOR, ".code").text == "NB204")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", nb204)
    nb204.click()
    active = driver.find_elements(By.CSS_SELECTOR, "#report mark.active")
    assert active and "其他法律行政止公开" in "".join(m.text for m in active)
    assert "selected" not in nb304.get_attribute("class")
    assert console_errors(driver) == []


def test_drop_a_file_on_the_page(server, driver, tmp_path):
    data = (EXAMPLES / "defects-tables.md").read_bytes()
    driver.get(server.url + "/")
    driver.execute_script(
        """
        const bytes = Uint8Array.from(atob(arguments[0]), (c) => c.charCodeAt(0));
        const file = new File([bytes], "表格问题.md", { type: "text/markdown" });
        const dt = new DataTransfer();
        dt.items.add(file);
        const drop = document.getElementById("drop");
        drop.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
        drop.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
        """,
        base64.b64encode(data).decode(),
    )
    wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#report mark")))
    assert driver.find_element(By.ID, "chosen").text == "表格问题.md"
    marks = driver.find_elements(By.CSS_SELECTOR, "#report mark")
    assert any(m.text.strip() == "规范性文件" for m in marks)
    # Markdown has no pages: the line is the place
    assert any("第" in p.text and "行" in p.text for p in driver.find_elements(By.CSS_SELECTOR, ".problem .place"))
    screenshot(driver, tmp_path, "serve-md.png")

    # English on request: the page and the messages
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, "lang")).select_by_value("en")
    wait(driver).until(lambda d: "problems (" in d.find_element(By.ID, "summary").text)
    assert "Explanation (" in driver.find_element(By.CSS_SELECTOR, ".problem .explain").get_attribute("textContent")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "Year: " in driver.find_element(By.ID, "summary").text
    screenshot(driver, tmp_path, "serve-md-en.png")
    assert console_errors(driver) == []


def test_a_bad_file_gets_a_message_not_a_crash(server, driver, tmp_path):
    driver.get(server.url + "/")
    empty = tmp_path / "空白.pdf"
    empty.write_bytes(b"")
    choose(driver, empty)
    status = wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#status.error")))
    assert "是空的" in status.text
    screenshot(driver, tmp_path, "serve-empty.png")
    assert not driver.find_element(By.ID, "result").is_displayed()
    garbage = tmp_path / "坏文件.pdf"
    garbage.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    choose(driver, garbage)
    wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#problems .problem")))
    item = driver.find_element(By.CSS_SELECTOR, "#problems .problem")
    assert "NB001" in item.text and driver.find_element(By.CSS_SELECTOR, "#problems summary").text.startswith("文件")
    assert driver.find_element(By.CSS_SELECTOR, "#status").text == ""

    # a report whose text carries markup: shown as text, never run
    choose(driver, AUDIT / "escaping.md")
    wait(driver).until(lambda d: "escaping.md" in d.find_element(By.ID, "summary").text)
    assert "<img src=x onerror=alert(1)>" in driver.find_element(By.ID, "report").text
    assert driver.find_elements(By.CSS_SELECTOR, "#report img, #report script, #report b") == []
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018


def test_download_the_annotated_file(server, driver, tmp_path):
    pytest.importorskip("nblint.app.annotate")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    pdf = shared("binaries", "kirogovcompare_hzq2023_working.pdf")
    driver.get(server.url + "/")
    choose(driver, pdf)
    wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#report mark")))
    driver.find_element(By.ID, "download").click()
    wait(driver).until(lambda d: "已下载" in d.find_element(By.ID, "download-status").text)
    deadline = time.monotonic() + 30
    while not [p for p in downloads.iterdir() if p.suffix == ".pdf"] and time.monotonic() < deadline:
        time.sleep(0.2)
    got = [p for p in downloads.iterdir() if p.suffix == ".pdf"]
    assert got and got[0].read_bytes().startswith(b"%PDF")
    status = driver.find_element(By.ID, "download-status").text
    assert got[0].name in status, json.dumps(status, ensure_ascii=False)


def test_previous_year_report_switches_the_cross_year_rules_on(server, driver, tmp_path):
    cur, last = AUDIT / "shifan-2024.md", AUDIT / "shifan-2023.md"
    alone = server.upload("/api/check", cur.name, cur.read_bytes()).json()["files"][0]["diagnostics"]
    fields = {"file": (cur.name, cur.read_bytes()), "previous": (last.name, last.read_bytes())}
    paired = server.post("/api/check", fields).json()["files"][0]["diagnostics"]
    driver.get(server.url + "/")
    choose(driver, cur)
    said = f"发现 {len(alone)} 个问题" if alone else "未发现问题"
    wait(driver).until(lambda d: said in d.find_element(By.ID, "summary").text)
    driver.find_element(By.ID, "previous").send_keys(str(last))
    assert driver.find_element(By.ID, "previous-name").text == last.name
    wait(driver).until(lambda d: f"发现 {len(paired)} 个问题" in d.find_element(By.ID, "summary").text)
    codes = sorted(e.text for e in driver.find_elements(By.CSS_SELECTOR, "#problems .problem .code"))
    assert codes == sorted(d["code"] for d in paired) and "NB305" in codes and "NB305" not in {d["code"] for d in alone}
    assert console_errors(driver) == []
