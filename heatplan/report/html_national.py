"""The report's section on national costs: cost per year, electricity, typical blocks, mix, heat."""

from __future__ import annotations

import tomllib
from html import escape

import numpy as np
import pandas as pd
import xarray as xr

from heatplan.planfile import COST_OPTIONS
from heatplan.report.charts import PALETTE, Chart, Series
from heatplan.report.html import _figure, _table
from heatplan.report.national import (
    block_option_costs,
    by_group,
    cost_per_dwelling,
    electricity_by_year,
    has_national_cost,
    heat_by_year,
    national_cost_by_year,
    option_mix,
    typical_blocks,
)
from heatplan.report.plan_data import Plan
from heatplan.report.text import Text


def price_base_year(ds: xr.Dataset) -> int | None:
    """The year the NPVs are discounted to (the scenario's ``prices.base_year``), if plan.nc says."""
    try:
        return int(tomllib.loads(str(ds.attrs.get("scenario_toml", "")))["prices"]["base_year"])
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError):
        return None


def _cost_chart(ds: xr.Dataset, t: Text) -> Chart:
    g = by_group(national_cost_by_year(ds)) / 1e6
    series = [Series(t[f"g_{c}"], g[c].tolist(), PALETTE[i % len(PALETTE)]) for i, c in enumerate(g.columns)]
    return Chart(
        "chart-national-cost", t["ch_national_cost"], list(g.index), series, "stack",
        y_label=t["mln_eur"], y_fmt=lambda v: t.num(v, 1), tip_fmt=lambda v: t.num(v, 3),
    )  # fmt: skip


def _electricity_chart(ds: xr.Dataset, t: Text) -> Chart:
    e = electricity_by_year(ds)
    series = [Series(t[f"e_{c}"], e[c].tolist(), PALETTE[i % len(PALETTE)]) for i, c in enumerate(e.columns)]
    return Chart(
        "chart-electricity", t["ch_electricity"], list(e.index), series, "stack",
        y_label="MWh", y_fmt=t.whole, tip_fmt=lambda v: t.num(v, 1),
    )  # fmt: skip


def typical_chart_data(ds: xr.Dataset) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The typical blocks and, per block, its options (rows) by cost group (columns), NPV EUR per dwelling."""
    typ = typical_blocks(ds)
    costs = {}
    for b in typ["block_id"]:
        per = block_option_costs(ds, b)
        allowed = per.notna().any(axis=1)
        costs[b] = by_group(per.fillna(0.0)).where(allowed, np.nan, axis=0)
    return typ, costs


def _typical_chart(ds: xr.Dataset, t: Text) -> Chart | None:
    typ, costs = typical_chart_data(ds)
    if typ.empty:
        return None
    groups = list(next(iter(costs.values())).columns)  # the same cost items for every block
    opts = list(COST_OPTIONS)
    sub, labels = [], []
    for r in typ.itertuples():
        allowed = costs[r.block_id].notna().any(axis=1)
        names = [t[f"os_{o}"] + ("*" if o == r.option else "") for o in opts]
        sub.append([w if allowed.get(o, False) else f"({w})" for o, w in zip(opts, names, strict=True)])
        labels.append(f"{t.dwelling_type(str(r.dwelling_type))} {r.label_now}")
    series = []
    for i, g in enumerate(groups):
        vals = [float(np.nan_to_num(costs[b].at[o, g])) for b in typ["block_id"] for o in opts]
        series.append(Series(t[f"g_{g}"], vals, PALETTE[i % len(PALETTE)]))
    base = price_base_year(ds)
    end = int(ds["eval_year"].max())
    unit = t["eur_per_dwelling_npv"].format(base=base if base is not None else "–", end=end)
    return Chart(
        "chart-typical", t["ch_typical"], labels, series, "groupstack", y_label=unit, y_fmt=t.whole, sub=sub,
        y_max=typical_scale(typ, costs),
    )  # fmt: skip


def typical_scale(typ: pd.DataFrame, costs: dict[str, pd.DataFrame]) -> float | None:
    """Top of the typical-blocks chart: 1.5 x the largest chosen or reference bar (None: all fit).

    An option far dearer than the rest (e.g. a network that no block around it joins, so the block
    alone pays for the pipes on its path) would otherwise squash the bars that decide the mix; its
    bar is cut at the top with its total written above it.
    """
    totals = {b: df.sum(axis=1, min_count=1) for b, df in costs.items()}
    keep = [totals[r.block_id].get(o) for r in typ.itertuples() for o in (r.option, "reference")]
    cap = 1.5 * max((float(v) for v in keep if v is not None and pd.notna(v)), default=0.0)
    every = max((float(v) for s in totals.values() for v in s.dropna()), default=0.0)
    return cap if 0 < cap < every else None


def _tables(ds: xr.Dataset, t: Text) -> list[str]:
    out = []
    typ = typical_blocks(ds)
    if len(typ):
        rows = [
            [f"{t.dwelling_type(r.dwelling_type)} {r.label_now}", r.block_id, r.dwellings, t.option(r.option),
             r.group_blocks, r.group_dwellings]
            for r in typ.itertuples()
        ]  # fmt: skip
        head = [t["group"], t["typical_block"], t["dwellings"], t["c_option"], t["blocks"]]
        head.append(t["group_dwellings"])
        out.append(f"<h3>{escape(t['typical_blocks'])}</h3>" + _table(head, rows, t, numeric={2, 4, 5}))
    mix = option_mix(ds)
    if len(mix):
        names = [t.dwelling_type(str(k)) if k != "total" else t["total"] for k in mix.index]
        rows = [[k, *r.tolist()] for k, (_, r) in zip(names, mix.iterrows(), strict=True)]
        head = [t["dwelling_type"], *[t.option(o) for o in mix.columns]]
        out.append(f"<h3>{escape(t['option_mix'])}</h3>" + _table(head, rows, t, set(range(1, len(head)))))
    cpd = cost_per_dwelling(ds)
    if len(cpd):
        rows = [[t.option(str(o)), int(r.iloc[0]), *map(t.whole, r.iloc[1:])] for o, r in cpd.iterrows()]
        head = [t["c_option"], *[t[f"cpd_{c}"] for c in cpd.columns]]
        out.append(f"<h3>{escape(t['cost_per_dwelling'])}</h3>" + _table(head, rows, t, set(range(1, 6))))
    out.append(_heat_table(ds, t))
    return out


def _heat_table(ds: xr.Dataset, t: Text) -> str:
    h = heat_by_year(ds)
    head = [t["year"], *[f"{str(reg).upper()} {t[f'h_{col}']}" for reg, col in h.columns]]
    digits = [1 if col == "heat_loss_pct" else 0 for _, col in h.columns]
    rows = [
        [int(y), *[t.num(float(v), d) for v, d in zip(r.tolist(), digits, strict=True)]]
        for y, r in h.iterrows()
    ]
    return f"<h3>{escape(t['heat_per_network'])}</h3>" + _table(head, rows, t, set(range(1, len(head))))


def national_section(plan: Plan, t: Text) -> list[str]:
    """The section's HTML parts (a note when plan.nc predates the national-cost variables)."""
    ds = plan.ds
    if not has_national_cost(ds):
        return [f"<p class='meta'>{escape(t['no_national_cost'])}</p>"]
    base = price_base_year(ds)
    intro = t["national_intro"].format(end=int(ds["eval_year"].max()), base=base if base is not None else "–")
    charts = [_cost_chart(ds, t)]
    if "electricity_mwh" in ds:
        charts.append(_electricity_chart(ds, t))
    typical = _typical_chart(ds, t)
    # wider than a grid cell: a bar group per typical block
    wide = [_figure(typical).replace("<figure>", '<figure style="max-width:960px">', 1)] if typical else []
    return [
        f"<p>{escape(intro)}</p>",
        '<div class="grid">',
        *[_figure(c) for c in charts],
        "</div>",
        *wide,
        *_tables(ds, t),
    ]
