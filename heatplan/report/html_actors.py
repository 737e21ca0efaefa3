"""The report's section "Wie betaalt wat" / "Who pays what": net EUR per actor and year, owner types, housing.

Nothing for a plan.nc made before the actor accounting (:func:`heatplan.report.actor_data.has_actors`).
"""

from __future__ import annotations

from html import escape

import xarray as xr

from heatplan.report.actor_data import (
    OWNER_TYPE_COLUMNS,
    ActorTables,
    actor_tables,
    housing_shares,
    label,
    tolerance_text,
)
from heatplan.report.charts import PALETTE, Chart, Series
from heatplan.report.html import _figure, _table
from heatplan.report.text import Text

#: a colour per actor (ten of them: one more than the charts' palette)
ACTOR_COLOURS = {
    "corporation": PALETTE[0], "private_landlord": PALETTE[6], "owner_occupier": PALETTE[4],
    "owners_association": PALETTE[5], "tenant": PALETTE[2], "household": PALETTE[3],
    "heat_company": PALETTE[1], "electricity_grid_operator": PALETTE[8], "gas_grid_operator": "#17becf",
    "government": PALETTE[7], "lender": "#bcbd22",
}  # fmt: skip
SECTION_ID = "wie-betaalt"


def actor_chart(tab: ActorTables, t: Text) -> Chart:
    """A line per actor: what it pays (+) or receives (-) net per plan year, million EUR."""
    m = tab.totals / 1e6
    series = [
        Series(label(t, "a", a), m[a].tolist(), ACTOR_COLOURS.get(a, PALETTE[i % len(PALETTE)]))
        for i, a in enumerate(m.columns)
    ]
    return Chart(
        "chart-actors", t["ch_actors"], [int(y) for y in m.index], series, "line", y_label=t["mln_eur"],
        y_fmt=lambda v: t.num(v, 1), tip_fmt=lambda v: t.num(v, 3),
    )  # fmt: skip


def _actor_table(tab: ActorTables, t: Text) -> str:
    """Per actor: the sum over the plan years and the NPV over the evaluation window."""
    years = [int(y) for y in tab.totals.index]
    first, end = tab.eval_years
    head = [
        t["actor"],
        t["sum_plan_years"].format(first=years[0], last=years[-1]),
        t["actor_npv"].format(first=first, end=end),
    ]
    cols = [tab.totals.sum(), tab.npv]
    if tab.npv_change is not None:
        head.append(t["actor_npv_change"].format(first=first, end=end))
        cols.append(tab.npv_change)
    rows = [[label(t, "a", a), *[t.whole(float(c[a])) for c in cols]] for a in tab.npv.index]
    rows.append([t["total"], *[t.whole(float(c.sum())) for c in cols]])
    return f"<h3>{escape(t['npv_by_actor'])}</h3>" + _table(head, rows, t, numeric=set(range(1, len(head))))


def owner_type_rows(tab: ActorTables, t: Text) -> list[list[str]]:
    """who_pays' per-owner-type figures as table cells (the workbook's table)."""
    rows = []
    for otype, r in tab.per_owner_type.iterrows():
        rows.append([
            label(t, "ot", str(otype)), t.whole(r["dwellings_off_gas"]),
            t.whole(r["owner_investment_eur_per_dwelling"]), t.whole(r["subsidy_eur_per_dwelling"]),
            t.num(r["median_change_eur_per_month"], 2), t.pct(r["share_within_tolerance"]),
            t.pct(r["share_woonlastenneutraal"]),
        ])  # fmt: skip
    return rows


def housing_text(ds: xr.Dataset, t: Text) -> str:
    """The sentence on the shares of dwellings whose housing costs stay level, and the rule's exemptions."""
    h = housing_shares(ds)
    if not h.dwellings:
        return ""
    tol = tolerance_text(ds, t)
    out = t["housing_sentence"].format(
        dwellings=t.whole(h.dwellings), level=t.pct(h.within), neutral=t.pct(h.neutral), tol=tol
    )
    if h.rule:
        out += " " + t["housing_rule_sentence"].format(n=h.exempt_blocks, m=h.corporation_blocks)
    return out


def actors_section(ds: xr.Dataset, t: Text) -> list[str]:
    """The section's HTML parts: intro, the chart, the per-actor and per-owner-type tables, the sentence."""
    tab = actor_tables(ds)
    bypass = float(tab.national["bypass"].sum())
    extra = t["who_pays_bypass"].format(eur=t.whole(bypass)) if abs(bypass) >= 0.5 else ""
    head = [t["owner_type"], *[t[f"wp_{c}"].format(tol=tolerance_text(ds, t)) for c in OWNER_TYPE_COLUMNS]]
    types = _table(head, owner_type_rows(tab, t), t, numeric=set(range(1, len(head))))
    narrow = '<figure style="max-width:760px;margin-bottom:14px">'  # one chart: not the page's width
    housing = housing_text(ds, t)
    return [
        f"<p>{escape(t['who_pays_intro'].format(bypass=extra))}</p>",
        _figure(actor_chart(tab, t)).replace("<figure>", narrow, 1),
        _actor_table(tab, t),
        f"<h3>{escape(t['per_owner_type'])}</h3>{types}",
        *([f"<p class='housing-text'>{escape(housing)}</p>"] if housing else []),
    ]
