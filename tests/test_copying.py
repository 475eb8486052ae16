"""The copying checks (issue 14): the similarity measure (nblint.similarity), NB503 on real year pairs, and NB511 —
copied from another unit — through `nblint audit` on our own reports and, when ../shared is present, on the corpus.
NB503, NB512 and NB513 also have their cases in tests/cases."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT, SHARED, shared

from nblint import similarity
from nblint.pipeline import parse_text

# A town's report written for these tests: prose of its own (not the format's wording), three tables omitted.
TOWN = """{agency}2024年政府信息公开工作年度报告

本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）编制。本报告所列数据的统计期限为2024年1月1日至2024年12月31日。

一、总体情况

2024年，{agency}紧扣乡村振兴和基层治理两条主线，把政务公开融入村级事务管理。{place}在便民服务中心设置政务公开专区，配备查阅终端2台，全年接待群众查阅政策文件130余人次。

围绕惠农补贴、宅基地审批、低保救助等群众关注的事项，{place}每季度在12个村的公开栏张贴办理结果，同步在镇政府网站专栏发布。全年更新村务公开栏48期，发布惠农补贴发放信息16批次。

二、主动公开政府信息情况

（表略）

三、收到和处理政府信息公开申请情况

（表略）

四、政府信息公开行政复议、行政诉讼情况

（表略）

五、存在的主要问题及改进情况

一是村级公开栏内容更新不够及时，个别村存在补贴信息迟贴的情况；二是专区查阅终端使用率不高，群众知晓度有待提升。下一步，{place}将建立村级公开栏月度巡查台账，由联村干部逐村核查，并利用赶集日开展政务公开专区宣传，提高群众知晓度。

六、其他需要报告的事项

本年度未发出收费通知，未收取信息处理费。
"""

# Another town's report, written independently: it shares only the format's wording with TOWN.
OTHER = """{agency}2024年政府信息公开工作年度报告

本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）编制。本报告所列数据的统计期限为2024年1月1日至2024年12月31日。

一、总体情况

2024年，{agency}以优化营商环境为重点，集中公开涉企政策和审批服务事项。全年在镇政府网站发布涉企政策解读9篇，组织政策宣讲会3场，覆盖辖区个体工商户200余户。

二、主动公开政府信息情况

（表略）

三、收到和处理政府信息公开申请情况

（表略）

四、政府信息公开行政复议、行政诉讼情况

（表略）

五、存在的主要问题及改进情况

政策解读仍以文字为主，图解和短视频解读较少。下一步将联合县融媒体中心制作政策短视频，并在镇文化站开设政策咨询窗口，现场解答企业和群众的问题。

六、其他需要报告的事项

本年度未发出收费通知，未收取信息处理费。
"""


def _write(path, template: str, agency: str, place: str) -> None:
    path.write_text(template.format(agency=agency, place=place), encoding="utf-8")


def _audit(*args) -> list[dict]:
    out = args[-1]
    p = subprocess.run(
        [sys.executable, "-m", "nblint", "audit", "--jobs", "1", "-q", "--jsonl", str(out), *map(str, args[:-1])],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


# ---- the measure ----------------------------------------------------------------------------------------------


def test_places_and_territory_of_agency_names():
    assert similarity.places("淮安市洪泽区人民政府") == ["淮安市", "洪泽区"]
    assert similarity.territory("淮安市洪泽区人民政府") == similarity.territory("洪泽区人民政府") == "洪泽"
    assert similarity.territory("平潭综合实验区管委会") == similarity.territory("平潭县人民政府") == "平潭"
    assert similarity.territory("无锡市锡山区安镇街道") == "安镇"
    assert similarity.territory("某某局") is None


def test_prose_masks_own_names_and_numbers_and_maps_back():
    text = _town("青山镇人民政府", "青山镇")
    r = parse_text(text)
    p = similarity.prose(r)
    assert "青山" not in p.text and "130" not in p.text
    assert similarity.AGENCY in p.text and similarity.NUMBER in p.text
    i = p.text.index("紧扣乡村振兴")
    assert r.text[p.offset(i) : p.offset(i) + 6] == "紧扣乡村振兴"


def _town(agency: str, place: str, template: str = TOWN) -> str:
    return template.format(agency=agency, place=place)


def test_repeated_share_of_a_copy_and_of_another_text():
    this = parse_text(_town("青山镇人民政府", "青山镇"))
    last = parse_text(_town("青山镇人民政府", "青山镇").replace("2024", "2023").replace("130余人次", "95余人次"))
    r = similarity.repeated(this, last)
    assert r.share == 1.0 and r.first is not None
    assert this.text[r.first[0] : r.first[1]].startswith("2024年")  # after the format's wording of the preamble
    other = parse_text(_town("青山镇人民政府", "青山镇", OTHER))
    assert similarity.repeated(this, other).share < 0.1


def test_repeated_is_linear_in_text_size():
    """Not a timing test: the work is one shingle hash per character, so doubling the text doubles the shingles
    compared (difflib's matcher grew with the square of the paragraph)."""
    body = "".join(f"第{i}项：本机关围绕重点领域持续推进信息公开第{i % 7}批工作。" for i in range(800))
    this = parse_text(f"某某县人民政府2024年政府信息公开工作年度报告\n\n一、总体情况\n\n{body}\n")
    last = parse_text(
        f"某某县人民政府2023年政府信息公开工作年度报告\n\n一、总体情况\n\n{body.replace('重点', '关键')}\n"
    )
    r = similarity.repeated(this, last)
    assert len(similarity.prose(this).text) > 20_000
    assert 0.5 < r.share < 1.0


def test_clauses_leave_out_the_format_wording():
    r = parse_text(_town("青山镇人民政府", "青山镇"))
    texts = similarity.prose(r).text
    assert "统计期限" in texts
    starts = [off for _, _, off in similarity.clauses(r)]
    assert starts and all("统计期限" not in r.text[o : o + 12] for o in starts)


# ---- NB511 through the audit ------------------------------------------------------------------------------------


def test_report_copied_by_another_town_is_nb511_on_both(tmp_path):
    d = tmp_path / "reports"
    d.mkdir()
    _write(d / "qingshan.md", TOWN, "青山镇人民政府", "青山镇")
    _write(d / "baishui.md", TOWN, "白水镇人民政府", "白水镇")  # the same report, names swapped
    _write(d / "hongqiao.md", OTHER, "红桥镇人民政府", "红桥镇")
    rows = [r for r in _audit(d, tmp_path / "out.jsonl") if r["code"] == "NB511"]
    by_file = {r["file"].rsplit("/", 1)[-1]: r for r in rows}
    assert set(by_file) == {"qingshan.md", "baishui.md"}
    assert "baishui.md" in by_file["qingshan.md"]["message"] and "白水镇人民政府" in by_file["qingshan.md"]["message"]
    assert "qingshan.md" in by_file["baishui.md"]["message"] and "100%" in by_file["baishui.md"]["message"]
    assert (by_file["qingshan.md"]["line"], by_file["qingshan.md"]["col"]) == (
        7,
        7,
    )  # the first shared clause (「2024年」 is too short)


def test_a_copy_is_deducted_by_a_profile_that_counts_copying(tmp_path):
    """泉州鲤城's 「与其他单位雷同扣5分」 (liucheng-2020: NB503, NB511, NB512): the score of a report copied from
    another unit's has the deduction, as the report's NB511 says (the copying pass ran after the score was taken)."""
    import csv

    d = tmp_path / "reports"
    d.mkdir()
    _write(d / "qingshan.md", TOWN, "青山镇人民政府", "青山镇")
    _write(d / "baishui.md", TOWN, "白水镇人民政府", "白水镇")  # the same report, names swapped
    _write(d / "hongqiao.md", OTHER, "红桥镇人民政府", "红桥镇")
    out = tmp_path / "a.csv"
    p = subprocess.run(
        [sys.executable, "-m", "nblint", "--lang", "en", "audit", "--jobs", "1", "-q"]
        + ["--profile", "liucheng-2020", "--csv", str(out), str(d)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    rows = {r["file"].rsplit("/", 1)[-1]: r for r in csv.DictReader(out.open(encoding="utf-8-sig"))}
    copied, other = rows["qingshan.md"], rows["hongqiao.md"]
    assert "NB511" in copied["top_codes"] and "NB511" not in other["top_codes"]
    assert float(other["score"]) - float(copied["score"]) == 5  # the same report but for 雷同
    assert "copied from last year or from another unit:-5" in copied["deductions"]


def test_one_territory_and_no_copying_flag_are_not_compared(tmp_path):
    d = tmp_path / "reports"
    d.mkdir()
    _write(d / "gov.md", TOWN, "青山镇人民政府", "青山镇")
    _write(d / "office.md", TOWN, "青山镇党政办公室", "青山镇")  # one territory: its own reuse, not NB511's
    assert not [r for r in _audit(d, tmp_path / "a.jsonl") if r["code"] == "NB511"]
    _write(d / "office.md", TOWN, "白水镇人民政府", "白水镇")
    assert [r for r in _audit(d, tmp_path / "b.jsonl") if r["code"] == "NB511"]
    assert not [r for r in _audit("--no-copying", d, tmp_path / "c.jsonl") if r["code"] == "NB511"]


def test_without_copying_rule_reports_are_kept():
    from nblint.app import copying
    from nblint.paths import display

    rep = {"file": "a", "agency_raw": "x", "diagnostics": [], "counts": {}}
    fp = {"territory": None, "hashes": [1], "lengths": [9]}
    rule = copying.copying_rule([])
    assert rule is None and copying.findings(rule, [copying.entry(rep, fp)], None) == {}
    out = copying.add_findings(rule, dict(rep), None, fp, None, display)
    assert out == {"file": "a", "agency_raw": "x", "diagnostics": [], "counts": {}}


# ---- real reports -----------------------------------------------------------------------------------------------


def test_corpus_report_copied_as_another_agency(tmp_path):
    src = shared("corpus", "001.txt")  # 淮安市人民政府 2024
    d = tmp_path / "reports"
    d.mkdir()
    text = src.read_text(encoding="utf-8")
    (d / "huaian.txt").write_text(text, encoding="utf-8")
    (d / "suqian.txt").write_text(text.replace("淮安", "宿迁"), encoding="utf-8")
    (d / "pingtan.txt").write_text(shared("corpus", "006.txt").read_text(encoding="utf-8"), encoding="utf-8")
    rows = [r for r in _audit(d, tmp_path / "out.jsonl") if r["code"] == "NB511"]
    names = sorted(r["file"].rsplit("/", 1)[-1] for r in rows)
    assert names == ["huaian.txt", "suqian.txt"]
    for r in rows:
        other = "suqian.txt" if r["file"].endswith("huaian.txt") else "huaian.txt"
        assert other in r["message"]


def test_no_nb511_among_the_distinct_corpus_reports(tmp_path):
    corpus = shared("corpus")
    rows = _audit(corpus, tmp_path / "out.jsonl")
    assert rows  # the corpus has findings of other rules
    assert [r for r in rows if r["code"] == "NB511"] == []


@pytest.mark.parametrize(
    "this,last,low",
    [("060.txt", "062.txt", 0.9), ("065.txt", "057.txt", 0.9), ("062.txt", "061.txt", 0.5)],
)
def test_corpus_year_pairs_repeated_over_half(this, last, low):
    """Year pairs of one agency in the corpus (平潭) whose reuse share exceeds 50%."""
    a = parse_text(shared("corpus", this).read_text(encoding="utf-8"))
    b = parse_text(shared("corpus", last).read_text(encoding="utf-8"))
    assert similarity.repeated(a, b).share > low


def test_similarity_benchmark_runs():
    p = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "similarity_bench.py"), "--chars", "2000", "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert "2000" in p.stdout


def test_clause_positions_all_at_once_equal_one_by_one():
    from nblint.app.copying import _positions
    from nblint.engine import parse
    from nblint.source import Source

    # full-width digits and a traditional character change the normalised text's offsets against the file's
    text = _town("青山镇人民政府", "青山镇").replace("130余人次", "１３０余人次").replace("群众", "群眾")
    r = parse(Source(path="t.txt", text=text, kind="text"))
    offs = [o for _, _, o in similarity.clauses(r)]
    lines, cols = _positions(r, offs)
    assert [(r.location(o).line, r.location(o).col) for o in offs] == list(zip(lines.tolist(), cols.tolist()))


def test_nb511_message_in_both_languages():
    from nblint.app import copying
    from nblint.ruleset import load_rules

    rule = copying._rule(load_rules())
    f = {"other": "b/x.txt", "other_agency": None, "share": 0.62, "other_share": 0.4, "clause": 0}
    zh = copying._diagnostic(rule, f, {"lang": "zh", "severity": "warning"}, (3, 5), str)
    en = copying._diagnostic(rule, f, {"lang": "en", "severity": "error"}, (3, 5), str)
    assert "62%" in zh["message"] and "b/x.txt" in zh["message"] and "单位不详" in zh["message"]
    assert "40%" in en["message"] and "agency unknown" in en["message"] and en["severity"] == "error"
    assert (zh["line"], zh["col"]) == (3, 5)


def test_clause_arrays_equal_the_clauses_cut_one_by_one():
    """The clauses made all at once (pieces between punctuation, hashes in one buffer, offsets by one search) are
    those of cutting the masked prose at each punctuation match and hashing each piece."""
    import re

    from nblint.engine import parse
    from nblint.source import Source

    texts = [_town("青山镇人民政府", "青山镇"), _town("红桥镇人民政府", "红桥镇", OTHER)]
    corpus = SHARED / "corpus"
    if corpus.is_dir():  # real reports too: a one-line crawl (004), a long one (060)
        texts += [(corpus / n).read_text(encoding="utf-8") for n in ("001.txt", "004.txt", "060.txt")]
    for text in texts:
        r = parse(Source(path="t.txt", text=text, kind="text"))
        p = similarity.prose(r)
        expected, last = [], 0
        for m in re.finditer(r"[。；;！!？?，,：:\n]", p.text + "\n"):
            a, b, last = last, m.start(), m.end()
            h = similarity.clause_hash(p.text[a:b])
            if b - a >= 8 and h not in similarity.template_clauses():
                expected.append((h, b - a, p.offset(a)))
        assert expected and similarity.clauses(r) == expected
        assert [p.offset(i) for i in range(len(p.text))] == p.offsets(np.arange(len(p.text))).tolist()


def test_a_kept_model_keeps_its_masked_prose(engine):
    """The first pass keeps a report's masked prose with its model (the pair pass's NB503 does not mask it again);
    the other views the rules derived are left out."""
    from nblint.app import audit as auditmod

    res = engine.lint_path(str(ROOT / "tests" / "fixtures" / "audit" / "shifan-2024.md"))
    p = similarity.prose(res.report)
    kind, model = auditmod.unpack(auditmod.pack_model(res.report))
    assert kind == "model" and set(model.cache) == {"prose"} and len(res.report.cache) > 1
    assert model.cache["prose"] == p
    model.cache.clear()
    assert similarity.prose(model) == p  # the same as masking it again


def test_lsh_bands_without_scipy_are_scipys(monkeypatch):
    """datasketch is imported without SciPy's integration package (nblint.app.copying._datasketch): its LSH gets the
    same bands and rows from the Gauss-Legendre integrals as from scipy.integrate.quad, for every threshold."""
    import importlib
    import sys

    from nblint.app import copying

    _, MinHashLSH = copying._datasketch()
    stub = sys.modules.get("scipy.integrate")
    assert stub is None or getattr(stub, "quad", None) is not copying._quad  # the stand-in is gone once imported
    lsh_module = importlib.import_module("datasketch.lsh")
    quad = pytest.importorskip("scipy.integrate").quad
    lsh = MinHashLSH(threshold=copying.LSH_THRESHOLD, num_perm=copying.NUM_PERM)
    monkeypatch.setattr(lsh_module, "integrate", quad)
    assert (lsh.b, lsh.r) == lsh_module._optimal_param(copying.LSH_THRESHOLD, copying.NUM_PERM, 0.5, 0.5)
    for num_perm in (16, 64, 128):
        for t in [x / 20 for x in range(1, 20)]:
            monkeypatch.setattr(lsh_module, "integrate", copying._quad)
            ours = lsh_module._optimal_param(t, num_perm, 0.5, 0.5)
            monkeypatch.setattr(lsh_module, "integrate", quad)
            assert lsh_module._optimal_param(t, num_perm, 0.5, 0.5) == ours, (t, num_perm)
    for r, b in ((1, 1), (2, 28), (8, 8), (64, 1), (1, 64)):
        f = lambda s, r=r, b=b: 1 - (1 - s ** float(r)) ** float(b)  # noqa: E731
        assert copying._quad(f, 0.0, 0.3)[0] == pytest.approx(quad(f, 0.0, 0.3)[0], rel=1e-12, abs=1e-15)
