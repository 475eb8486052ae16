"""The HTML page of ``nblint audit`` in a real headless Chromium (selenium + chromedriver, Debian's packages
``chromium`` and ``chromium-driver``; ``.ci/install-chromium.sh`` installs them).  Skips cleanly without them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from nblint.app.cli import main

webdriver = pytest.importorskip("selenium.webdriver")
from browser import AVAILABLE, chrome, console_errors  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "audit"

pytestmark = pytest.mark.skipif(not AVAILABLE, reason="chromium and chromedriver are not installed")


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("reports")
    (d / "older").mkdir()
    shutil.copy(FIXTURES / "shifan-2024.md", d / "shifan-2024.md")
    shutil.copy(FIXTURES / "shifan-2023.md", d / "older" / "shifan-2023.md")
    shutil.copy(FIXTURES / "shifan-2021.md", d / "shifan-2021.md")
    shutil.copy(FIXTURES / "escaping.md", d / "escaping.md")
    (d / "empty.pdf").write_bytes(b"")
    out = d / "audit.html"
    assert main(["audit", str(d), "--jobs", "2", "--html", str(out), "-q"]) == 0
    return out


@pytest.fixture
def driver(tmp_path):
    drv = chrome(tmp_path / "profile", "1400,1800")
    yield drv
    drv.quit()


def visible_files(drv) -> list[str]:
    return [td.text for td in drv.find_elements(By.CSS_SELECTOR, "#reports tbody tr.report td.file")]


def column(drv, n: int) -> list[str]:
    return [td.text for td in drv.find_elements(By.CSS_SELECTOR, f"#reports tbody tr.report td:nth-child({n})")]


def test_page_in_chromium(page, driver, tmp_path):
    driver.get(page.as_uri())
    assert driver.title.startswith("政府信息公开工作年度报告审计")
    assert console_errors(driver) == []

    # overview and chart
    cards = driver.find_element(By.ID, "overview").text
    assert "5\n份报告" in cards and "1\n份无法读取（NB001）" in cards
    assert "/tmp" not in driver.find_element(By.CSS_SELECTOR, "header").text  # no folder of the auditing machine
    bars = driver.find_elements(By.CSS_SELECTOR, "#rule-chart g.bar")
    assert "NB305" in {b.get_attribute("data-code") for b in bars}
    assert "示例市示范区人民政府" in driver.find_element(By.ID, "gaps").text

    # sorting: by file first; a click on "Errors" puts the most errors first
    before = visible_files(driver)
    assert len(before) == 5 and before == sorted(before)
    driver.find_element(By.CSS_SELECTOR, '#reports th[data-key="4"]').click()
    after = visible_files(driver)
    assert after != before and sorted(after) == sorted(before)
    errors = [int(x) for x in column(driver, 6)]
    assert errors == sorted(errors, reverse=True) and errors[0] > 0
    assert driver.find_element(By.CSS_SELECTOR, '#reports th[data-key="4"]').get_attribute("aria-sort") == "descending"
    driver.find_element(By.CSS_SELECTOR, '#reports th[data-key="4"]').click()
    assert [int(x) for x in column(driver, 6)] == sorted(errors)

    # filtering by code: only the report that the pairing made comparable has NB305
    Select(driver.find_element(By.ID, "f-code")).select_by_value("NB305")
    files = visible_files(driver)
    assert len(files) == 1 and files[0].endswith("shifan-2024.md")
    assert "显示 1 / 1" in driver.find_element(By.ID, "shown").text

    # details: each diagnostic with the source line it points to
    driver.find_element(By.CSS_SELECTOR, "#reports tbody tr.report").click()
    detail = driver.find_element(By.CSS_SELECTOR, "#reports tbody tr.detail")
    assert "NB305" in detail.text and "上年报告「四、结转下年度继续办理」" in detail.text
    assert "older/shifan-2023.md" in detail.text  # the report it was paired with
    marks = detail.find_elements(By.CSS_SELECTOR, "pre.src mark")
    assert marks and any(m.text.strip() for m in marks)
    assert any(
        "四、结转" in p.text or "二、上年结转" in p.text for p in detail.find_elements(By.CSS_SELECTOR, "pre.src")
    )

    # a filter by agency and year, then the report whose text carries markup: shown as text, never run
    Select(driver.find_element(By.ID, "f-code")).select_by_value("")
    Select(driver.find_element(By.ID, "f-agency")).select_by_value("示例市示范区人民政府")
    assert len(visible_files(driver)) == 3
    Select(driver.find_element(By.ID, "f-year")).select_by_value("2023")
    assert [f.rsplit("/", 1)[-1] for f in visible_files(driver)] == ["shifan-2023.md"]
    Select(driver.find_element(By.ID, "f-agency")).select_by_value("")
    Select(driver.find_element(By.ID, "f-year")).select_by_value("")
    search = driver.find_element(By.ID, "f-text")
    search.send_keys("escaping")
    rows = driver.find_elements(By.CSS_SELECTOR, "#reports tbody tr.report")
    assert len(rows) == 1
    rows[0].click()
    detail = driver.find_element(By.CSS_SELECTOR, "#reports tbody tr.detail")
    assert "<img src=x onerror=alert(1)>" in detail.text
    assert driver.find_elements(By.CSS_SELECTOR, "#reports img, #reports script") == []
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018

    # a bar of the chart filters by its code
    search.clear()
    search.send_keys(" ")
    driver.find_element(By.CSS_SELECTOR, '#rule-chart g.bar[data-code="NB001"]').click()
    assert Select(driver.find_element(By.ID, "f-code")).first_selected_option.get_attribute("value") == "NB001"

    shot = tmp_path / "audit.png"
    assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    assert console_errors(driver) == []


@pytest.fixture(scope="module")
def scored_page(tmp_path_factory) -> tuple[Path, list[str]]:
    """The fixtures plus a copy of the 2024 report without its statistics period (NB401), scored by a profile,
    with an expected agency that did not report."""
    d = tmp_path_factory.mktemp("scored")
    for name in ("shifan-2024.md", "shifan-2023.md", "shifan-2021.md", "escaping.md"):
        shutil.copy(FIXTURES / name, d / name)
    text = (FIXTURES / "shifan-2024.md").read_text(encoding="utf-8")
    other = text.replace("示例市示范区", "示例市样板区")
    import re

    other = re.sub(r"[^。\n]*统计期限[^。\n]*。", "", other)
    (d / "yangban-2024.md").write_text(other, encoding="utf-8")
    expect = d.parent / "expect.csv"
    expect.write_text("agency,level,year\n示例市某某镇人民政府,township,2024\n", encoding="utf-8")
    out, jsonl = d.parent / "scored.html", d.parent / "scored.jsonl"
    args = ["audit", str(d), "--jobs", "1", "--html", str(out), "--jsonl", str(jsonl), "-q"]
    assert main([*args, "--profile", "liucheng-2020", "--expect", str(expect)]) == 0
    import json

    recs = [json.loads(x) for x in jsonl.read_text(encoding="utf-8").splitlines()]
    nb401 = sorted({Path(r["file"]).name for r in recs if r["code"] == "NB401"})
    return out, nb401


def test_evaluator_page_in_chromium(scored_page, driver, tmp_path):
    page, nb401 = scored_page
    assert nb401  # the set has reports without a statistics period
    driver.get(page.as_uri())
    assert console_errors(driver) == []
    assert "1\n份应发布未发布（NB508）" in driver.find_element(By.ID, "overview").text

    # the chart counts reports: its NB401 bar says how many reports, not how many diagnostics
    bar = driver.find_element(By.CSS_SELECTOR, '#rule-chart g.bar[data-code="NB401"]')
    assert int(bar.get_attribute("data-reports")) == len(nb401)

    # the ranking: by score by default, best first; a click on the score header sorts the other way
    def scores() -> list[float]:
        return [float(td.text) for td in driver.find_elements(By.CSS_SELECTOR, "#ranking tbody td:nth-child(3)")]

    first = scores()
    assert len(first) >= 3 and first == sorted(first, reverse=True)
    head = driver.find_element(By.CSS_SELECTOR, '#ranking th[data-key="score"]')
    head.click()
    assert scores() == sorted(first, reverse=True)  # a new key sorts most first
    head.click()
    assert scores() == sorted(first)
    assert head.get_attribute("aria-sort") == "ascending"
    assert "示例市某某镇人民政府" in driver.find_element(By.ID, "ranking").text  # the agency that did not report

    # search covers the messages: 统计期限 finds exactly the reports with NB401
    driver.find_element(By.ID, "f-text").send_keys("统计期限")
    found = sorted(f.rsplit("/", 1)[-1] for f in visible_files(driver))
    assert found == nb401

    # the rules are explained on the page, from their YAML
    driver.find_element(By.CSS_SELECTOR, "#explain summary").click()
    rule_text = driver.find_element(By.ID, "rule-NB401").text  # explained from the rule YAML: basis and description
    assert "依据：" in rule_text and "统计期限" in rule_text

    shot = Path(os.environ.get("NBLINT_SCREENSHOT_DIR", tmp_path)) / "scored.png"
    assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    assert console_errors(driver) == []
