"""Kind ``identity``: sums that must balance (勾稽关系), within a table or across two years' reports.

``for-each: column`` — terms are row ids (or ``@tag`` for all rows with that tag), checked in every column
(or the listed ``columns``); ``for-each: row`` — terms are column ids, checked in every row (or the listed
``rows``).  A term ``-x`` is subtracted; ``prev:x`` reads the previous year's report (the rule is silent without
one).  Blank cells count as 0 (NB207 reports them); rows that are missing or unparseable make the identity
unverifiable, and it is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import i18n
from ..model import Cell, Report
from ..ruleset import MapOf, shape_problems
from ..tables import table_specs
from . import Finding, fmt_num

if TYPE_CHECKING:
    from ..engine import Context
    from ..ruleset import Rule

PARAMS = {
    "table": (str, True),
    "for-each": (str, True),
    "identities": (list, True),
    "rows": (list, False),
    "columns": (list, False),
    "tolerance": (float, False),
    "names": (dict, False),
}


def validate(params):
    shapes = {
        "identities": [{"left": [str], "right": [str], "name?": str}],
        "rows": [str],
        "columns": [str],
        "names": MapOf(str),
    }
    probs = [q for k, shape in shapes.items() if k in params for q in shape_problems(params[k], shape, (k,))]
    if params["for-each"] not in ("row", "column"):
        probs.append((("for-each",), i18n.t("rulefile.one-of", field="for-each", choices="row, column")))
    return probs


def reads_previous(check: str, params: dict) -> bool:
    """An identity with a ``prev:`` term reads last year's report."""
    return any("prev:" in t for i in params.get("identities") or () for t in i["left"] + i["right"])


def _terms(terms, spec, names):
    """Parse terms into (sign, previous?, [ids], display name); ``@tag`` sums every row with that tag."""
    out = []
    for t in terms:
        sign = 1
        prev = False
        raw = t
        if t.startswith("-"):
            sign, t = -1, t[1:]
        if t.startswith("prev:"):
            prev, t = True, t[5:]
        if t.startswith("@"):
            ids = [r.id for r in spec.rows if t[1:] in r.tags]
        else:
            ids = [t]
        label = names.get(raw.lstrip("-"), names.get(t, t))
        out.append((sign, prev, ids, label))
    return out


def balance(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB301–NB306: each identity's two sides must be equal (within ``tolerance``) in every line (row or
    column) it is checked in; reported at the first cell of the left side, the other cells as related positions.
    A side whose cells are all blank (a 总计 left empty) is not compared: that is a blank (NB207), not a sum that
    does not add up."""
    p = rule.params
    tid = p["table"]
    table = report.tables.get(tid)
    if table is None:
        return
    uses_prev = reads_previous(rule.check, p)
    prev_table = None
    if uses_prev:
        if ctx.previous is None:
            return
        prev_table = ctx.previous.tables.get(tid)
        if prev_table is None:
            return
    spec = table_specs(table.format)[tid]
    tol = p.get("tolerance", 1e-6)
    columns = [c for part in spec.parts for c in part.columns]
    col_label = {c["id"]: (c.get("group", "") + "·" if c.get("group") else "") + c["label"] for c in columns}
    fe = p["for-each"]
    if fe == "column":
        lines = p.get("columns") or list(dict.fromkeys(c["id"] for c in columns))
    else:
        lines = p.get("rows") or [r.id for r in spec.rows if not r.group]
    lang = ctx.settings.lang
    # a blank cell counts as 0 (NB207 reports it); the message says so, or "总计(0)" reads as a written zero
    blank_words = (rule.word("blank", lang), rule.word("with-blanks", lang))
    cells = _cells(report, tid)
    prev_cells = _cells(ctx.previous, tid) if prev_table is not None and ctx.previous is not None else {}
    for ident in p["identities"]:
        names = p.get("names") or {}
        left = _terms(ident["left"], spec, names)
        right = _terms(ident["right"], spec, names)
        for line in lines:
            ls = _side(left, line, fe, cells, prev_cells, blank_words)
            rs = _side(right, line, fe, cells, prev_cells, blank_words)
            if ls is None or rs is None:
                continue
            (lv, lparts, lcells), (rv, rparts, rcells) = ls, rs
            if abs(lv - rv) <= tol or _all_blank(lcells) or _all_blank(rcells):
                continue  # a side left wholly blank is no arithmetic claim: NB207 reports the blanks
            ltext, rtext = _side_text(lparts, lv, blank_words), _side_text(rparts, rv, blank_words)
            target = next((c for c in lcells if c is not None), None) or next(
                (c for c in rcells if c is not None), None
            )
            if target is None:
                continue
            row_label = next((r.label for r in spec.rows if r.id == line), line) if fe == "row" else ""
            values = {
                "name": ident.get("name", ""),
                "column": col_label.get(line, line) if fe == "column" else "",
                "row": row_label,
                "left": ltext,
                "right": rtext,
                "table": tid,
            }
            related = [c.span for c in lcells[1:] + rcells if c is not None]
            yield Finding(target.span[0], target.span[1], values, related=related)


def _all_blank(cells) -> bool:
    """Every cell of a side (of this year's table) is blank."""
    mine = [c for c in cells if c is not None]
    return bool(mine) and all(c.kind == "blank" for c in mine)


def _cells(report: Report, tid: str) -> dict[str, tuple[str, dict[str | None, Cell]]]:
    """Each row id of the report's table ``tid``: its status and cells by column (the first row with the id, its
    first cell of each column: what ``Table.row`` and ``Row.cell`` give), looked up by every term of every identity
    in every line; made once per report and table (NB301-NB306 share it)."""
    key = ("identity-cells", tid)
    out = report.cache.get(key)
    if out is None:
        out = report.cache[key] = {}
        for r in report.tables[tid].rows:
            if r.id is not None and r.id not in out:
                by_col: dict[str | None, Cell] = {}
                for c in r.cells:
                    by_col.setdefault(c.column, c)
                out[r.id] = (r.status, by_col)
    return out


def _side(terms, line, fe, cells, prev_cells, blank_words):
    """One side of an identity in one line: (sum, its terms for the message, its cells); None when unverifiable.
    ``cells``, ``prev_cells``: :func:`_cells` of this year's and last year's table.  The message's text is made
    only for a side that does not balance (:func:`_side_text`)."""
    total = 0
    parts = []
    out = []
    for sign, prev, ids, label in terms:
        t = prev_cells if prev else cells
        sub = 0
        blanks = 0
        for ref in ids:
            rid, cid = (ref, line) if fe == "column" else (line, ref)
            row = t.get(rid)
            if row is None or row[0] != "ok":
                return None
            cell = row[1].get(cid)
            if cell is None or cell.kind == "invalid":
                return None
            sub += cell.value if cell.kind == "number" else 0
            blanks += cell.kind == "blank"
            out.append(None if prev else cell)
        total += sign * sub
        parts.append((sign, label, sub, blanks, len(ids)))
    return total, parts, out


def _side_text(parts, total, blank_words) -> str:
    """A side as the message shows it: ``label(value)`` terms with their signs, and the sum of several terms.
    ``blank_words``: how the message calls a blank term, and a sum that includes blanks (rule ``words``)."""
    blank, with_blanks = blank_words
    shown_parts: list[str] = []
    for sign, label, sub, blanks, n in parts:
        # a blank cell counts as 0 (NB207 reports it); say so, or "总计(0)" reads as a written zero
        shown = blank if blanks and n == 1 else fmt_num(sub) + (with_blanks if blanks else "")
        shown_parts.append(("- " if sign < 0 else ("+ " if shown_parts else "")) + f"{label}({shown})")
    text = " ".join(shown_parts)
    if len(parts) > 1:
        text += f" = {fmt_num(total)}"
    return text


CHECKS = {"balance": balance}
