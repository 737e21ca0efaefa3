"""report.html: one self-contained page (inline CSS and SVG; no scripts, fonts or tiles from the web)."""

from __future__ import annotations

import math
from html import escape
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from heatplan.report import charts
from heatplan.report.actor_data import has_actors
from heatplan.report.charts import PALETTE, Chart, Series
from heatplan.report.maps import REGIME_COLOURS, grid_legend_html, legend_html, render_grid_map, render_map
from heatplan.report.national import by_group
from heatplan.report.plan_data import (
    Plan,
    block_frame,
    cost_by_year,
    grid_by_year,
    grid_cable_ends,
    grid_reinforcements,
    grid_station_year,
    grid_stations,
    group_table,
    key_figures,
    per_year,
    pipes_frame,
    rounds_frame,
    sources_frame,
    strings,
)
from heatplan.report.text import Text, proof_note

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;color:#222;
 background:#fff;line-height:1.4}
main{max-width:1200px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:26px;margin:8px 0 2px}
h2{font-size:20px;margin:32px 0 8px;border-bottom:2px solid #dde;padding-bottom:4px}
h3{font-size:16px;margin:18px 0 6px}.meta{color:#666;font-size:13px}
nav a{margin-right:14px;font-size:14px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}
.card{border:1px solid #dde;border-radius:6px;padding:8px 12px;min-width:150px;background:#fafbfd}
.card .v{font-size:22px;font-weight:600}.card .k{font-size:12px;color:#555}
.ok{color:#1a7f37}.bad{color:#b42318}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:18px}
figure{margin:0;border:1px solid #eee;border-radius:6px;padding:6px}
figcaption{font-size:14px;font-weight:600;margin:2px 4px 4px}
svg.chart,svg.map{width:100%;height:auto;display:block}
table{border-collapse:collapse;font-size:13px;margin:6px 0}
th,td{border:1px solid #dde;padding:3px 8px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
th{background:#eef3fa}
.map-legend{font-size:13px;margin:6px 0;display:flex;flex-wrap:wrap;gap:4px 14px}
.map-legend .sw{display:inline-block;width:12px;height:12px;border-radius:6px;margin-right:4px;
 border:1px solid #333}
.map-legend .ln{display:inline-block;width:22px;height:4px;margin:0 4px 3px 0}
.map-legend .tri{margin-right:4px}
.map-legend .sq{display:inline-block;width:10px;height:10px;margin-right:4px;border:1px solid #333}
.map-legend .ring{display:inline-block;width:12px;height:12px;border-radius:7px;border:2px solid #000;
 margin-right:4px;box-sizing:border-box;vertical-align:-1px}
pre{background:#f6f8fa;padding:10px;overflow:auto;font-size:12px}
@media print{nav{display:none}.grid{grid-template-columns:1fr}}
"""


def _card(label: str, value: str, cls: str = "") -> str:
    v = f'<div class="v {cls}">{escape(value)}</div>'
    return f'<div class="card">{v}<div class="k">{escape(label)}</div></div>'


def _key_figures(plan: Plan, t: Text) -> str:
    k = key_figures(plan)
    reached = k["gas_free_year_reached"]
    met = k["deadline_met"]
    cards = [
        _card(t["dwellings_total"], t.whole(k["dwellings"])),
        _card(t["blocks_total"], t.whole(k["blocks"])),
        _card(t["deadline"], str(k["deadline"]) if k["deadline"] is not None else "–"),
        _card(t["gas_free_year_reached"], str(reached) if reached is not None else t["not_reached"]),
        _card(
            t["deadline_met"],
            "–" if met is None else t["yes" if met else "no"],
            "" if met is None else "ok" if met else "bad",
        ),
        _card(t["cost_total_eur"], "€ " + t.whole(k["cost_total_eur"])),
    ]
    if k["cost_npv_total_eur"] is not None:
        cards.append(_card(t["cost_npv_eur"], "€ " + t.whole(k["cost_npv_total_eur"])))
    if k["required_pace_dwellings_per_yr"] is not None:
        cards.append(_card(t["required_pace"], t.whole(k["required_pace_dwellings_per_yr"]), "bad"))
    if k["earliest_gas_free_year"] is not None:
        cards.append(_card(t["earliest_gas_free_year"], str(k["earliest_gas_free_year"])))
    certified = k["solver"].get("certified")
    if certified is not None:
        cards.append(_card(t["certified"], t["yes" if certified else "no"], "ok" if certified else "bad"))
    note = proof_note(k["solver"], t)
    warn = f"<p class='bad'>{escape(note)}</p>" if note else ""
    return '<div class="cards">' + "".join(cards) + "</div>" + warn


def _figure(chart: Chart) -> str:
    """A chart in a figure with its title as caption."""
    return f"<figure><figcaption>{escape(chart.title)}</figcaption>{charts.render(chart)}</figure>"


def _plan_charts(plan: Plan, t: Text) -> list[str]:
    """Dwellings per measure, cumulative gas-free share against the deadline, yearly cost by item."""
    years, py = plan.years, per_year(plan.ds)
    measures = [
        Series(t["switched_dwellings"], py["switched_dwellings"].tolist(), PALETTE[0]),
        Series(t["insulated_dwellings"], py["insulated_dwellings"].tolist(), PALETTE[5]),
        Series(t["induction_dwellings"], py["induction_dwellings"].tolist(), PALETTE[2]),
    ]
    bars = Chart(
        "chart-measures", t["ch_measures"], years, measures, "bar", y_label=t["dwellings"], y_fmt=t.whole
    )
    vl = [(float(plan.deadline), f"{t['deadline']} {plan.deadline}")] if plan.deadline is not None else []
    share = Series(t["gas_free_share"], (100 * py["gas_free_share"]).tolist(), PALETTE[0])
    line = Chart(
        "chart-gas-free", t["ch_gas_free"], years, [share], "line", y_label="%", y_fmt=t.whole,
        tip_fmt=lambda v: t.num(v, 1), y_min=0, y_max=100, vlines=vl, hlines=[(100.0, "100 %")],
    )  # fmt: skip
    cby = by_group(cost_by_year(plan.ds)) / 1e6
    series = [
        Series(t[f"g_{c}"], cby[c].tolist(), PALETTE[i % len(PALETTE)]) for i, c in enumerate(cby.columns)
    ]
    stack = Chart(
        "chart-cost", t["ch_cost"], years, series, "stack", y_label=t["mln_eur"],
        y_fmt=lambda v: t.num(v, 1), tip_fmt=lambda v: t.num(v, 3),
    )  # fmt: skip
    return [_figure(bars), _figure(line), _figure(stack)]


def _values(ds: xr.Dataset, var: str, **sel: str) -> list[float]:
    return [float(v) for v in ds[var].sel(sel).values]


def _regime_series(ds: xr.Dataset, var: str, t: Text, extra: str | None = None) -> list[Series]:
    """One series per regime (design load), plus a dashed one for ``extra`` (low load) if present."""
    out: list[Series] = []
    for i, reg in enumerate(strings(ds["regime"])):
        c = REGIME_COLOURS.get(reg, PALETTE[i % len(PALETTE)])
        out.append(Series(f"{reg.upper()} {t['design']}", _values(ds, var, regime=reg), c))
        if extra and extra in ds:
            out.append(
                Series(f"{reg.upper()} {t['low_load']}", _values(ds, extra, regime=reg), c, dashed=True)
            )
    return out


def _source_series(ds: xr.Dataset, t: Text) -> list[Series]:
    """Per source: design load (solid) and available capacity (dashed, same colour)."""
    ids = strings(ds["source"])
    names = strings(ds["source_name"]) if "source_name" in ds else ids
    out: list[Series] = []
    for i, (sid, name) in enumerate(zip(ids, names, strict=True)):
        c = PALETTE[i % len(PALETTE)]
        out.append(Series(f"{name} {t['load']}", _values(ds, "source_load_mw", source=sid), c))
        if "source_capacity_mw" in ds:
            cap = _values(ds, "source_capacity_mw", source=sid)
            out.append(Series(f"{name} {t['capacity']}", cap, c, dashed=True))
    return out


def _network_charts(plan: Plan, t: Text) -> list[str]:
    """Lowest arriving supply temperature, heat loss and source load against capacity, per year."""
    ds, years = plan.ds, plan.years
    one, zero = (lambda v: t.num(v, 1)), (lambda v: t.num(v, 0))
    has_regime, has_source = "regime" in ds.coords, "source" in ds.coords
    specs = [
        ("chart-supply", "ch_supply", "°C", has_regime and "min_supply_temp_c" in ds,
         lambda: _regime_series(ds, "min_supply_temp_c", t, "low_load_min_supply_temp_c"), None, zero),
        ("chart-loss", "ch_loss", "%", has_regime and "heat_loss_pct" in ds,
         lambda: _regime_series(ds, "heat_loss_pct", t), None, zero),
        ("chart-source", "ch_source", "MW", has_source and "source_load_mw" in ds,
         lambda: _source_series(ds, t), 0.0, one),
    ]  # fmt: skip
    out = []
    for cid, key, unit, ok, make, y_min, fmt in specs:
        if ok:
            chart = Chart(
                cid, t[key], years, make(), "line", y_label=unit, y_fmt=fmt, tip_fmt=one, y_min=y_min
            )
            out.append(_figure(chart))
        else:
            empty = charts.empty(cid, t[key], t["no_data"])
            out.append(f"<figure><figcaption>{escape(t[key])}</figcaption>{empty}</figure>")
    return out


def _table(head: list[str], rows: list[list[Any]], t: Text, numeric: set[int] | None = None) -> str:
    """An HTML table; numbers are formatted, columns in ``numeric`` right-aligned."""
    numeric = numeric or set()
    h = "".join(f"<th>{escape(x)}</th>" for x in head)
    body = []
    for r in rows:
        cells = []
        for j, v in enumerate(r):
            if isinstance(v, float | np.floating) and not isinstance(v, bool):
                s = t.whole(float(v)) if math.isnan(float(v)) or float(v) >= 100 else t.num(float(v), 2)
            elif isinstance(v, int | np.integer) and not isinstance(v, bool):
                s = t.whole(int(v)) if j in numeric else str(int(v))  # years and ids stay as they are
            else:
                s = str(v)
            cells.append(f'<td class="n">{escape(s)}</td>' if j in numeric else f"<td>{escape(s)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{h}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _group_html(blocks: pd.DataFrame, by: str, plan: Plan, t: Text) -> str:
    """Per wijk or owner: blocks, dwellings, gas-free by the deadline, mean switch year, cost."""
    deadline = plan.deadline if plan.deadline is not None else plan.years[-1]
    g = group_table(blocks, by, deadline)
    head = [
        t[by.replace("_code", "")], t["blocks"], t["dwellings_today"], t["new_build_dwellings"],
        f"{t['switched_by_deadline']} ({deadline})", t["share"], t["mean_switch_year"], t["cost_eur"],
    ]  # fmt: skip
    rows = []
    for name, r in g.iterrows():
        mean = "–" if math.isnan(r.mean_switch_year) else f"{r.mean_switch_year:.1f}"
        mean = mean.replace(".", ",") if t.lang == "nl" else mean
        counts = [
            int(r.blocks),
            int(r.dwellings_today),
            int(r.new_build_dwellings),
            int(r.gas_free_by_deadline),
        ]
        rows.append([name, *counts, t.pct(r.gas_free_share), mean, "€ " + t.whole(r.cost_eur)])
    return _table(head, rows, t, numeric={1, 2, 3, 4, 5, 6, 7})


def _verification(plan: Plan, blocks: pd.DataFrame, t: Text) -> str:
    py = per_year(plan.ds)
    parts = []
    if "verified" in py:
        rows = [
            [y, t["yes" if r.verified else "no"], int(getattr(r, "n_failing_blocks", 0))]
            for y, r in py.iterrows()
        ]
        parts.append(_table([t["year"], t["verified"], t["n_failing_blocks"]], rows, t, numeric={2}))
    rd = rounds_frame(plan.ds)
    if len(rd):
        cols = [c for c in rd.columns if c != "round"]
        rows = [[int(r["round"]), *[r[c] for c in cols]] for _, r in rd.iterrows()]
        head = [t["round"], *[t[c] for c in cols]]
        parts.append(f"<h3>{escape(t['rounds'])}</h3>" + _table(head, rows, t, numeric={0, 1, 2, 3}))
    bad = blocks[~blocks["verified_ok"].astype(bool)]
    if len(bad):
        rows = [[r.block_id, r.street, r.owner, r.fail_reason] for r in bad.itertuples()]
        parts.append(
            f"<h3>{escape(t['failing_blocks'])}</h3>"
            + _table([t["c_block_id"], t["c_street"], t["owner"], t["fail_reason"]], rows, t)
        )
    elif "verified" not in py or bool(py["verified"].all()):
        parts.append(f"<p class='ok'>{escape(t['all_ok'])}</p>")
    return "\n".join(parts)


def _grid_chart(ds: xr.Dataset, t: Text) -> Chart | None:
    """The winter-evening peak per checked year against the MV/LV stations' summed rating."""
    if "grid_peak_mw" not in ds or "grid_station_kva" not in ds:
        return None
    peak = ds["grid_peak_mw"].to_series().dropna()
    rating_mw = float(np.nansum(ds["grid_station_kva"].values)) / 1000.0
    return Chart(
        "chart-grid", t["ch_grid"], [int(y) for y in peak.index],
        [Series(t["grid_peak"], peak.tolist(), PALETTE[0])], "bar", y_label="MW", y_min=0,
        y_fmt=t.whole, tip_fmt=lambda v: t.num(v, 1), hlines=[(rating_mw, t["grid_rating"])],
    )  # fmt: skip


def _count(t: Text, key: str, n: float) -> str:
    """``n`` things, e.g. "1 MV/LV station", "3 MV/LV stations" (the key ``key_1`` for one)."""
    return t[f"{key}_1" if n == 1 else key].format(n=t.whole(n))


def _grid_source(ds: xr.Dataset, t: Text) -> str:
    src = str(ds.attrs.get("grid_source", "synthetic"))
    return t["grid_source_synthetic"] if src == "synthetic" else t["grid_source_file"].format(name=src)


def _station_at(st: pd.DataFrame | None, col: str, highest: bool) -> str:
    """The station with the highest (lowest) ``col``, "–" if none has a value."""
    if st is None or not st[col].notna().any():
        return "–"
    return str(st.loc[st[col].idxmax() if highest else st[col].idxmin(), "station_id"])


def _grid_last_year(ds: xr.Dataset, by_year: pd.DataFrame, t: Text) -> list[str]:
    """The last checked year: peak, the most loaded station, the lowest voltage, the limits."""
    checked = by_year[by_year["peak_mw"].notna()]
    if not len(checked):
        return []
    year, row = int(checked.index[-1]), checked.iloc[-1]
    if not math.isfinite(row["station_loading_max_pct"]):
        return [t["grid_not_converged"].format(year=year)]
    st = grid_station_year(ds, year) if "grid_station" in ds.coords else None
    sentence = t["grid_last_year"].format(
        year=year, peak=t.num(row["peak_mw"], 1), station=_station_at(st, "loading_pct", True),
        pct=t.num(row["station_loading_max_pct"], 1), vm=t.num(row["vm_min_pu"], 3),
        vm_station=_station_at(st, "vm_min_pu", False),
    )  # fmt: skip
    out = [sentence]
    over = [row[c] for c in ("stations_over", "cables_over", "buses_out_of_band")]
    if all(math.isfinite(v) for v in over):
        so, co, bo = (t.whole(v) for v in over)
        out.append(
            t["grid_within"]
            if not any(over)
            else t["grid_past_limits"].format(stations=so, cables=co, buses=bo)
        )
    return out


def grid_sentences(ds: xr.Dataset, t: Text) -> list[str]:
    """The grid paragraph: the grid, the reinforcements (or none needed), the last checked year."""
    by_year = grid_by_year(ds)
    if by_year is None:
        return []
    n = _count(t, "n_stations", ds.sizes.get("grid_station", 0))
    out = [t["grid_intro"].format(source=_grid_source(ds, t), stations=n)]
    if "reinforced_stations" not in by_year:
        out.append(t["grid_not_fed_back"])
    else:
        done = by_year[by_year["reinforced_stations"] + by_year["reinforced_feeders"] > 0]
        if not len(done):
            out.append(t["grid_no_reinforcement"])
        else:
            out.append(
                t["grid_reinforced"].format(
                    stations=_count(t, "n_stations", done["reinforced_stations"].sum()),
                    feeders=_count(t, "n_feeders", done["reinforced_feeders"].sum()),
                    cost=t.whole(done["reinforcement_cost_eur"].sum()),
                    first=int(done.index.min()), last=int(done.index.max()),
                )
            )  # fmt: skip
    return out + _grid_last_year(ds, by_year, t)


def _grid_section(plan: Plan, blocks: pd.DataFrame, t: Text) -> list[str]:
    """The grid section: the paragraph, reinforcements per year, the peak chart, the station map."""
    ds = plan.ds
    by_year, stations = grid_by_year(ds), grid_stations(ds)
    if by_year is None and stations is None:
        return []
    out = [f"<p class='grid-text'>{escape(' '.join(grid_sentences(ds, t)))}</p>"]
    if by_year is not None and "reinforced_stations" in by_year:
        cols = ["reinforced_stations", "reinforced_feeders", "reinforcement_cost_eur"]
        done = by_year[by_year["reinforced_stations"] + by_year["reinforced_feeders"] > 0]
        if len(done):
            rows = [
                [int(y), int(r.iloc[0]), int(r.iloc[1]), float(r.iloc[2])] for y, r in done[cols].iterrows()
            ]
            head = [t["year"], *[t[f"x_{c}"] for c in cols]]
            table = _table(head, rows, t, numeric={1, 2, 3})
            out.append(f"<h3>{escape(t['grid_reinforcements_per_year'])}</h3>{table}")
    chart = _grid_chart(ds, t)
    if chart is not None:
        narrow = '<figure style="max-width:760px;margin-bottom:14px">'  # one chart: not the page's width
        out.append(_figure(chart).replace("<figure>", narrow, 1))
    if stations is not None:
        svg = render_grid_map(stations, grid_cable_ends(ds), grid_reinforcements(ds), blocks, t)
        legend = grid_legend_html(stations, t)
        out.append(f"<figure><figcaption>{escape(t['grid_map_caption'])}</figcaption>{svg}{legend}</figure>")
    return out


def render_html(plan: Plan, lang: str = "nl") -> str:
    """The whole report page as text."""
    from heatplan.report.html_actors import SECTION_ID, actors_section  # they use this module's tables
    from heatplan.report.html_national import national_section

    t = Text(lang)
    ds = plan.ds
    blocks = block_frame(ds)
    title = f"{t['title']} – {t['scenario']} {plan.scenario_name}"
    grid = _grid_section(plan, blocks, t)
    actors = actors_section(ds, t) if has_actors(ds) else []
    sections = [
        ("kerncijfers", t["key_figures"]), ("grafieken", t["charts"]), ("net", t["network"]),
        ("nationaal", t["national"]), *([(SECTION_ID, t["who_pays"])] if actors else []), ("kaart", t["map"]),
        *([("elektriciteitsnet", t["grid"])] if grid else []), ("wijken", t["by_wijk"]),
        ("eigenaren", t["by_owner"]), ("verificatie", t["rounds"]),
    ]  # fmt: skip
    nav = "".join(f'<a href="#{a}">{escape(b)}</a>' for a, b in sections)
    h2 = {a: f'<h2 id="{a}">{escape(b)}</h2>' for a, b in sections}
    meta = " · ".join(
        f"{escape(t[k])}: {escape(str(ds.attrs.get(a, '')))}"
        for k, a in (("created", "created_utc"), ("version", "heatplan_version"), ("stock", "stock_source"))
    )
    map_svg = render_map(blocks, pipes_frame(ds), sources_frame(ds), plan.years, t)
    toml = escape(str(ds.attrs.get("scenario_toml", "")))
    html = [
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>",
        f"<h1>{escape(title)}</h1>\n<p class='meta'>{meta}</p>\n<nav>{nav}</nav>",
        h2["kerncijfers"], _key_figures(plan, t),
        h2["grafieken"], '<div class="grid">', *_plan_charts(plan, t), "</div>",
        h2["net"], '<div class="grid">', *_network_charts(plan, t), "</div>",
        h2["nationaal"], *national_section(plan, t),
        *([h2[SECTION_ID], *actors] if actors else []),
        h2["kaart"],
        f"<figure><figcaption>{escape(t['map_caption'])}</figcaption>{map_svg}",
        f"{legend_html(plan.years, t)}</figure>",
        *([h2["elektriciteitsnet"], *grid] if grid else []),
        h2["wijken"], _group_html(blocks, "wijk_code", plan, t),
        h2["eigenaren"], _group_html(blocks, "owner", plan, t),
        h2["verificatie"], _verification(plan, blocks, t),
        f"<details><summary>{escape(t['scenario_toml'])}</summary><pre>{toml}</pre></details>",
        f"<p class='meta'>{escape(t['generated_by'])}</p>",
        "</main>\n</body>\n</html>\n",
    ]  # fmt: skip
    return no_urls("\n".join(html))


def no_urls(page: str) -> str:
    """Write any ``://`` in text (a URL in a scenario comment or a stock source) as ``:&#47;&#47;``.

    The browser shows the same characters, but the file holds no ``http(s)://`` reference at all.
    The page's own CSS and markup contain no ``://``.
    """
    return page.replace("://", ":&#47;&#47;")
