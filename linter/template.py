"""``nblint new``: write the Markdown skeleton of a compliant annual report for a year and an agency.

Everything the linter checks comes from the same data it checks against: section titles and table labels from
grammar/formats/*.yaml (the format of the report year's era), the sub-items of 一 and 六 from the ``topics`` of the
required-pattern rules scoped to a section (NB105, NB406), and whether the accountability sentence is needed from
the agency kinds of NB404.  Only the connecting prose and the 【…】 fill-in notes are written here.  Every number is
0, so the skeleton passes the arithmetic rules as it stands; filling it in is the author's job.
"""
from __future__ import annotations

import sys

HELP = "write a skeleton of a compliant report (Markdown) for a year and an agency"

CN_NUM = "一二三四五六七八九十"
KINDS = ("government", "township", "subdistrict", "department")


def add_arguments(parser) -> None:
    parser.add_argument("--year", type=int, required=True, help="report year (the year the statistics cover)")
    parser.add_argument("--agency", required=True, help="name of the agency, e.g. 某某镇人民政府")
    parser.add_argument("--kind", choices=KINDS, help="agency kind (default: from the end of the name)")
    parser.add_argument("--output", "-o", help="file to write (default: standard output)")
    parser.add_argument("--force", action="store_true", help="overwrite --output if it exists")


def run(args) -> int:
    from pathlib import Path

    if args.year < 2008 or args.year > 2100:
        print(f"nblint new: no report format for the year {args.year} (reports exist from 2008 on)", file=sys.stderr)
        return 2
    agency = args.agency.strip()
    if not agency:
        print("nblint new: --agency must not be empty", file=sys.stderr)
        return 2
    text = render(args.year, agency, args.kind)
    if not args.output or args.output == "-":
        sys.stdout.write(text)
        return 0
    out = Path(args.output)
    if out.exists() and not args.force:
        print(f"nblint new: {out} exists; use --force to overwrite it", file=sys.stderr)
        return 2
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as e:
        print(f"nblint new: cannot write {out}: {e.strerror or e}", file=sys.stderr)
        return 2
    print(f"wrote {out} ({era_of(args.year)} format); fill in the 【…】 notes and the tables, then run `nblint check {out}`",
          file=sys.stderr)
    return 0


# ----------------------------------------------------------------------------------------------------------------


def era_of(year: int) -> str:
    from .layout import era_of as _era

    return _era(year)


def agency_kind(agency: str) -> str | None:
    """The kind of an agency from the end of its name, by the patterns of grammar/meta.yaml (as the linter does)."""
    import re

    from . import data

    name = re.sub(r"\s", "", agency)
    for k in data.load_yaml("grammar/meta.yaml")["agency-kinds"]:
        if re.search(k["pattern"], name):
            return k["kind"]
    return None


def _section_topics(rules, era: str) -> dict[str, list[str]]:
    """Section id -> topic names that a required-pattern rule of this era expects in it (NB105 for 一, NB406 for 六)."""
    out: dict[str, list[str]] = {}
    for r in rules:
        if r.kind != "pattern" or r.params.get("mode") != "required" or not r.applies_to(era):
            continue
        scope = r.params.get("scope", "document")
        if isinstance(scope, dict):
            scope = scope.get(era, scope.get("default"))
        if scope == "document" or not r.params.get("topics"):
            continue
        out.setdefault(scope, []).extend(t["name"] for t in r.params["topics"])
    return out


def _needs_accountability(rules, era: str, kind: str | None) -> bool:
    """Whether a rule requiring 考核/评议/追责 wording runs for this kind of agency (NB404: governments)."""
    for r in rules:
        if r.kind == "pattern" and r.agency_kinds and r.applies_to(era) and kind in r.agency_kinds:
            return True
    return False


def _fill(what: str) -> str:
    what = what[:-2] if what.endswith("情况") else what
    what = what[2:] if what.startswith("年度") else what
    return f"【请填写本年度{what}情况。】"


def _plain_title(title: str) -> str:
    """一、总体情况 -> 总体情况."""
    return title.split("、", 1)[1] if "、" in title[:3] else title


# ----------------------------------------------------------------------------------------------------------------
# Tables, from the format data


def _row(cells: list[str], width: int) -> str:
    cells = cells + [""] * (width - len(cells))
    return "| " + " | ".join(cells) + " |"


def _sep(width: int) -> str:
    return "|" + "---|" * width


def _table_lines(table: dict) -> list[str]:
    """A Markdown table for one official table: every part's caption and column labels, every row label in the
    official order, every cell 0.  Label-only (group) rows put their label before the first row they group."""
    parts = table["parts"]
    if any(p.get("headers") for p in parts):
        return _header_grid_lines(table)
    nlabel = 2 if any(r.get("group") for p in parts for r in p["rows"]) else 1
    width = nlabel + max(len(p["columns"]) for p in parts)
    lines: list[str] = []
    for part in parts:
        cols = [c["label"] for c in part["columns"]]
        if nlabel == 1:
            if part.get("caption"):
                lines.append(_row([part["caption"]], width))
            lines.append(_row([""] + cols, width))
        else:
            lines.append(_row([part.get("caption") or "", ""] + cols, width))
        pending: list[str] = []
        for r in part["rows"]:
            if r.get("group"):
                pending.append(r["label"])
                continue
            zeros = ["0"] * len(cols)
            if nlabel == 1:
                lines.append(_row([r["label"]] + zeros, width))
            else:
                lines.append(_row(["".join(pending), r["label"]] + zeros, width))
                pending = []
    lines.insert(1, _sep(width))
    return lines


def _header_grid_lines(table: dict) -> list[str]:
    """Table 四: columns grouped under headers (行政复议; 行政诉讼 over 未经复议直接起诉 and 复议后起诉).  A header that
    is not a column group spans the groups listed after it; the data row is unlabelled."""
    lines: list[str] = []
    for part in table["parts"]:
        cols = part["columns"]
        width = len(cols)
        groups: list[str] = []
        for c in cols:
            if c.get("group") and c["group"] not in groups:
                groups.append(c["group"])
        over: dict[str, str] = {}  # group -> the header above it
        current = None
        for h in part.get("headers") or []:
            if h in groups:
                if current:
                    over[h] = current
            else:
                current = h
        first = {}
        for i, c in enumerate(cols):
            first.setdefault(c.get("group"), i)
        top, middle, bottom = [""] * width, [""] * width, [""] * width
        for g in groups:
            i = first[g]
            span = [j for j, c in enumerate(cols) if c.get("group") == g]
            if g in over:
                if all(over.get(h) != over[g] for h in groups[: groups.index(g)]):
                    top[i] = over[g]
                middle[i] = g
                for j in span:
                    bottom[j] = cols[j]["label"]
            else:
                top[i] = g
                for j in span:
                    middle[j] = cols[j]["label"]
        rows = [top, middle] + ([bottom] if any(bottom) else [])
        if part.get("caption"):
            rows.insert(0, [part["caption"]] + [""] * (width - 1))
        lines.append(_row(rows[0], width))
        lines.append(_sep(width))
        lines.extend(_row(r, width) for r in rows[1:])
        for _ in part["rows"]:
            lines.append(_row(["0"] * width, width))
    return lines


# ----------------------------------------------------------------------------------------------------------------


def render(year: int, agency: str, kind: str | None = None) -> str:
    from .layout import load_formats
    from .ruleset import load_rules

    era = era_of(year)
    fmt = load_formats()[era]
    rules = load_rules()
    kind = kind or agency_kind(agency)
    topics = _section_topics(rules, era)
    accountability = _needs_accountability(rules, era, kind)
    tables = {t["section"]: t for t in fmt.get("tables") or []}

    sections = []
    for i, s in enumerate(fmt["sections"]):
        title = s["title"] if "、" in s["title"][:3] else f"{CN_NUM[i]}、{s['title']}"
        sections.append((s["id"], title))
    names = "、".join(_plain_title(t) for _, t in sections)

    out = [f"# {agency}{year}年政府信息公开工作年度报告", ""]
    if era == "2008":
        basis = "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）的规定编制"
    else:
        basis = f"本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》（{fmt['name']}）编制"
    out.append(
        f"{basis}。全文包括{names}。本报告所列数据的统计期限为{year}年1月1日至{year}年12月31日。"
        f"本报告电子版可在{agency}门户网站查阅，如对本报告有疑问，请与【联系单位】联系（电话：【联系电话】）。"
    )
    out.append("")
    for sid, title in sections:
        out += [f"## {title}", ""]
        out += _section_body(sid, title, era, year, agency, topics.get(sid, []), accountability)
        if sid in tables:
            out += _table_lines(tables[sid]) + [""]
    out += ["", agency, f"{year + 1}年　月　日", ""]
    return "\n".join(out)


def _items(names: list[str], start: int = 0) -> list[str]:
    out = []
    for k, name in enumerate(names, start):
        out += [f"（{CN_NUM[k]}）{name}。{_fill(name)}", ""]
    return out


def _section_body(sid: str, title: str, era: str, year: int, agency: str, topics: list[str], accountability: bool) -> list[str]:
    plain = _plain_title(title)
    if era == "2008":
        if "收费" in plain:
            return [f"本年度依据《条例》收取检索、复制、邮寄等费用0元，减免费用0元。{_fill('收费及减免')}", ""]
        if "问题" in plain:
            return _improvement()
        return [_fill(plain), ""]
    if sid == "一":
        out = [f"{year}年，{agency}认真贯彻落实《条例》，【请概述本年度政府信息公开工作总体情况。】", ""]
        if topics:
            out += _items(topics)
        if accountability:
            out += ["本年度政府信息公开工作考核、社会评议和责任追究结果情况：【请填写。】", ""]
        return out
    if sid == "五":
        return _improvement()
    if sid == "六":
        out = [
            f"（一）依据《政府信息公开信息处理费管理办法》收取信息处理费的情况。本年度发出收费通知0件，"
            f"收取信息处理费0万元。【如有收费，请填写收费通知件数和金额。】",
            "",
        ]
        out += _items(topics, 1)
        if not topics:
            out += ["【其他需要报告的事项；无则写明“本年度无其他需要报告的事项”。】", ""]
        return out
    return []


def _improvement() -> list[str]:
    return [
        "（一）上年度问题整改情况。【请逐项说明上年度报告所列问题的整改措施和整改结果。】",
        "",
        "（二）存在的主要问题。【请具体说明本年度政府信息公开工作存在的主要问题，避免与往年雷同。】",
        "",
        "（三）改进措施。【请针对上述问题写明下一步的具体改进措施、责任分工和完成时限。】",
        "",
    ]
