"""``nblint new``: write the Markdown skeleton of a compliant annual report for a year and an agency.

Everything the linter checks comes from the same data it checks against: section titles and table labels from
grammar/formats/*.yaml (the format of the report year's era), the sub-items of 一 and 六 from the ``topics`` of the
required-pattern rules scoped to a section (NB105, NB406), and whether the accountability sentence is needed from
the agency kinds of NB404.  Only the connecting prose and the 【…】 fill-in notes are written here.  Every number is
0, so the skeleton passes the arithmetic rules as it stands; filling it in is the author's job.
"""

from __future__ import annotations

import sys

from .. import formats
from ..i18n import t
from ..normalize import CN_NUM


def add_arguments(parser) -> None:
    parser.add_argument("--year", type=int, required=True, help=t("help.new.year"))
    parser.add_argument("--agency", required=True, help=t("help.new.agency"))
    parser.add_argument("--kind", choices=formats.agency_kinds(), help=t("help.new.kind"))
    parser.add_argument("--output", "-o", help=t("help.new.output"))
    parser.add_argument("--force", action="store_true", help=t("help.new.force"))


def run(args) -> int:
    from pathlib import Path

    first = formats.earliest_year()
    if args.year < first or args.year > 2100:
        print(t("new.bad-year", year=args.year, first=first), file=sys.stderr)
        return 2
    agency = args.agency.strip()
    if not agency:
        print(t("new.no-agency"), file=sys.stderr)
        return 2
    text = render(args.year, agency, args.kind)
    if not args.output or args.output == "-":
        sys.stdout.write(text)
        return 0
    out = Path(args.output)
    if out.exists() and not args.force:
        print(t("new.exists", out=out), file=sys.stderr)
        return 2
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as e:
        print(t("new.cannot-write", out=out, why=e.strerror or e), file=sys.stderr)
        return 2
    print(t("new.wrote", out=out, era=era_of(args.year)), file=sys.stderr)
    return 0


# ----------------------------------------------------------------------------------------------------------------


def era_of(year: int) -> str:
    era = formats.era_of(year)
    assert era is not None
    return era


def agency_kind(agency: str) -> str | None:
    """The kind of an agency from the end of its name, by the patterns of grammar/meta.yaml (as the linter does)."""
    from ..meta import agency_kind as kind_of

    return kind_of(agency)


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


def _text(key: str, **fields) -> str:
    """A wording of grammar/template.yaml, filled in."""
    return _template()[key].format(**fields)


def _template() -> dict:
    from .. import data

    return data.load_yaml("grammar/template.yaml")


def _fill(what: str) -> str:
    what = what[:-2] if what.endswith("情况") else what
    what = what[2:] if what.startswith("年度") else what
    return _text("fill", what=what)


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
        first: dict[str | None, int] = {}
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
    from ..ruleset import load_rules

    era = era_of(year)
    fmt = formats.load_formats()[era]
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

    out = ["# " + _text("title", agency=agency, year=year), ""]
    # a format may have its own basis sentence (basis-<era> in grammar/template.yaml), else the general one
    basis = _text(f"basis-{era}") if f"basis-{era}" in _template() else _text("basis", format=fmt["name"])
    out.append(_text("preamble", basis=basis, sections=names, year=year, agency=agency))
    out.append("")
    for sid, title in sections:
        out += [f"## {title}", ""]
        out += _section_body(sid, title, era, year, agency, topics.get(sid, []), accountability)
        if sid in tables:
            out += _table_lines(tables[sid]) + [""]
    out += ["", agency, _text("signature-date", next_year=year + 1), ""]
    return "\n".join(out)


def _items(names: list[str], start: int = 0) -> list[str]:
    out = []
    for k, name in enumerate(names, start):
        out += [f"（{CN_NUM[k]}）{name}。{_fill(name)}", ""]
    return out


def _section_body(
    sid: str, title: str, era: str, year: int, agency: str, topics: list[str], accountability: bool
) -> list[str]:
    plain = _plain_title(title)
    # section ids: 一 … 六 in the 2019/2021 formats, the content items of grammar/formats/2008.yaml before
    if sid == "收费及减免":
        return [_text("fees-2008") + _fill(plain), ""]
    if sid in ("五", "问题及改进"):
        return _improvement()
    if not formats.has_tables(era):
        # a format without fixed tables: every section is prose to write
        return [_fill(plain), ""]
    if sid == "一":
        out = [_text("overview", year=year, agency=agency), ""]
        if topics:
            out += _items(topics)
        if accountability:
            out += [_text("accountability"), ""]
        return out
    if sid == "六":
        out = [_text("fees"), ""]
        out += _items(topics, 1)
        if not topics:
            out += [_text("other-none"), ""]
        return out
    return []


def _improvement() -> list[str]:
    from .. import data

    out = []
    for line in data.load_yaml("grammar/template.yaml")["improvement"]:
        out += [line, ""]
    return out
