"""An inline-SVG map from RD New coordinates: blocks by switch year, the network, the sources."""

from __future__ import annotations

import math
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from heatplan.report.charts import el, tipped
from heatplan.report.text import Text

MAP_W = 900
_PAD = 0.06
_VIRIDIS = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")
REGIME_COLOURS = {"mt": "#c0392b", "lt": "#2471a3"}
NO_SWITCH = "#bdbdbd"


def year_colours(years: list[int]) -> dict[int, str]:
    """One colour per year along the viridis ramp (early = dark, late = light)."""
    out = {}
    anchors = [tuple(int(h[i : i + 2], 16) for i in (1, 3, 5)) for h in _VIRIDIS]
    for k, y in enumerate(years):
        t = k / max(len(years) - 1, 1) * (len(anchors) - 1)
        i = min(int(t), len(anchors) - 2)
        a, b, f = anchors[i], anchors[i + 1], t - i
        out[y] = "#" + "".join(f"{round(a[j] + (b[j] - a[j]) * f):02x}" for j in range(3))
    return out


class _Proj:
    """RD metres -> SVG pixels (north up), keeping the aspect ratio."""

    def __init__(self, xs: np.ndarray, ys: np.ndarray) -> None:
        xs, ys = xs[np.isfinite(xs)], ys[np.isfinite(ys)]
        x0, x1 = (float(xs.min()), float(xs.max())) if xs.size else (0.0, 1.0)
        y0, y1 = (float(ys.min()), float(ys.max())) if ys.size else (0.0, 1.0)
        span = max(x1 - x0, y1 - y0, 100.0)
        self.x0, self.y1 = x0 - _PAD * span, y1 + _PAD * span
        w, h = (x1 - x0) + 2 * _PAD * span, (y1 - y0) + 2 * _PAD * span
        self.scale = MAP_W / w
        self.h = max(min(h * self.scale, 1.4 * MAP_W), 240.0)
        self.scale = min(self.scale, self.h / h)

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.x0) * self.scale, (self.y1 - y) * self.scale


def _pipes(pipes: pd.DataFrame, p: _Proj, text: Text) -> list[str]:
    out = ['<g class="pipes" stroke-linecap="round">']
    built = pipes[pipes["build_year"].notna()] if len(pipes) else pipes
    for r in built.itertuples():
        (xa, ya), (xb, yb) = p(r.from_x, r.from_y), p(r.to_x, r.to_y)
        width = 1.0 + float(r.dn) / 100.0
        colour = REGIME_COLOURS.get(str(r.regime), "#555")
        tip = (
            f"{r.pipe_id}: DN{int(r.dn)}, {str(r.regime).upper()}, {text['year'].lower()} {int(r.build_year)}"
        )
        out.append(
            tipped("line", tip, class_="pipe", x1=xa, y1=ya, x2=xb, y2=yb, stroke=colour, stroke_width=width)
        )
    out.append("</g>")
    return out


def _blocks(blocks: pd.DataFrame, p: _Proj, colours: dict[int, str], text: Text) -> list[str]:
    out = ['<g class="blocks" stroke="#333" stroke-width="0.6">']
    dmax = max(float(blocks["dwellings"].max()) if len(blocks) else 1.0, 1.0)
    order = blocks.sort_values("dwellings", ascending=False)  # big ones first, small ones stay visible
    for r in order.itertuples():
        if not (math.isfinite(r.x_rd) and math.isfinite(r.y_rd)):
            continue
        x, y = p(r.x_rd, r.y_rd)
        year = None if pd.isna(r.connection_year) else int(r.connection_year)
        fill = colours.get(year, NO_SWITCH) if year is not None else NO_SWITCH
        rad = 3.0 + 9.0 * math.sqrt(float(r.dwellings) / dmax)
        when = f"{text['c_connection_year']}: {year}" if year is not None else text["no_switch"]
        what = f"{int(r.dwellings)} {text['dwellings'].lower()}, {text.option(str(r.option))}"
        tip = f"{r.block_id} {r.street}, {what}, {when}"
        out.append(tipped("circle", tip, class_="block", cx=x, cy=y, r=rad, fill=fill, fill_opacity=0.9))
    out.append("</g>")
    return out


def _free_row(
    y: float, span: tuple[float, float], taken: list[tuple[float, float, float]], h: float
) -> float:
    """Move a symbol + label spanning ``span`` (px) down (up near the bottom) until it overlaps none."""
    step = 18.0 if y < h - 60 else -18.0
    while any(abs(y - b) < 16 and span[0] < x2 and x1 < span[1] for x1, x2, b in taken):
        y += step
    taken.append((span[0], span[1], y))
    return y


def _sources(sources: pd.DataFrame, p: _Proj, text: Text) -> list[str]:
    """Triangles with names; a source outside the map sits on its edge, hollow, labelled "off map"."""
    out = ['<g class="sources" font-size="12">']
    taken: list[tuple[float, float, float]] = []
    for r in sources.itertuples():
        if not (math.isfinite(r.x_rd) and math.isfinite(r.y_rd)):
            continue
        x0, y0 = p(r.x_rd, r.y_rd)
        x, y = min(max(x0, 14.0), MAP_W - 14.0), min(max(y0, 14.0), p.h - 14.0)
        inside = (x, y) == (x0, y0)
        label = str(r.name) if inside else f"{r.name} ({text['off_map']})"
        width = 7.0 * len(label)
        right = (
            x + 13 + width > MAP_W and x - 13 - width > 0
        )  # label left of the symbol if it fits only there
        y = _free_row(y, (x - 13 - width, x + 12) if right else (x - 12, x + 13 + width), taken, p.h)
        colour = REGIME_COLOURS.get(str(r.regime), "#555")
        corners = (0.0, 2 * math.pi / 3, 4 * math.pi / 3)
        pts = " ".join(f"{x + 11 * math.sin(a):.1f},{y - 11 * math.cos(a):.1f}" for a in corners)
        tip = f"{text['source']} {r.name} ({str(r.regime).upper()}, {text.num(r.capacity_mw, 1)} MW)"
        fill = colour if inside else "#fff"
        out.append(
            tipped("polygon", tip, class_="source", points=pts, fill=fill, stroke=colour, stroke_width=2)
        )
        anchor = {"x": x - 13, "text_anchor": "end"} if right else {"x": x + 13}
        halo = {"stroke": "#fff", "stroke_width": 3, "paint_order": "stroke"}
        out.append(el("text", label, y=y + 4, fill="#000", **halo, **anchor))
    out.append("</g>")
    return out


def _scale_bar(p: _Proj, h: float) -> list[str]:
    metres = MAP_W / p.scale / 5
    nice = 10 ** math.floor(math.log10(metres))
    nice = max(m * nice for m in (1, 2, 5) if m * nice <= metres)
    px = nice * p.scale
    y = h - 14
    label = f"{nice / 1000:g} km" if nice >= 1000 else f"{nice:g} m"
    return [
        '<g class="scale" font-size="11">',
        el("line", x1=12, x2=12 + px, y1=y, y2=y, stroke="#000", stroke_width=3),
        el("text", label, x=16 + px, y=y + 4),
        el("text", "N", x=18, y=22, font_weight="bold", text_anchor="middle"),
        el("line", x1=18, x2=18, y1=28, y2=48, stroke="#000", stroke_width=2),
        "</g>",
    ]


def legend_html(years: list[int], text: Text) -> str:
    """The map legend as HTML (year swatches, no switch, pipes per regime, source symbol)."""
    cols = year_colours(years)
    items = [f'<span class="sw" style="background:{c}"></span>{y}' for y, c in cols.items()]
    items.append(f'<span class="sw" style="background:{NO_SWITCH}"></span>{escape(text["no_switch"])}')
    for reg, c in REGIME_COLOURS.items():
        items.append(f'<span class="ln" style="background:{c}"></span>{escape(text["pipes"])} {reg.upper()}')
    items.append(f'<span class="tri">▲</span>{escape(text["source"])}')
    return '<div class="map-legend">' + "".join(f"<span class='li'>{i}</span>" for i in items) + "</div>"


def render_map(
    blocks: pd.DataFrame, pipes: pd.DataFrame, sources: pd.DataFrame, years: list[int], text: Text
) -> str:
    """The map as one ``<svg>``; ``pipes`` has pipe_id, regime, dn, build_year, from_x/y, to_x/y."""
    built = pipes[pipes["build_year"].notna()] if len(pipes) else pipes
    parts_x = [blocks["x_rd"], built["from_x"], built["to_x"]]
    parts_y = [blocks["y_rd"], built["from_y"], built["to_y"]]
    if not len(blocks):  # nothing to frame but the sources
        parts_x, parts_y = [sources["x_rd"]], [sources["y_rd"]]
    xs = np.concatenate([np.asarray(v, dtype=float) for v in parts_x])
    ys = np.concatenate([np.asarray(v, dtype=float) for v in parts_y])
    p = _Proj(xs, ys)
    h = p.h
    parts = [
        el(
            "svg",
            "",
            id="map",
            class_="map",
            viewBox=f"0 0 {MAP_W} {h:.0f}",
            role="img",
            aria_label=text["map"],
        )[:-6],
        el("title", text["map"]),
        el("rect", x=0, y=0, width=MAP_W, height=f"{h:.0f}", fill="#f7f7f4", stroke="#ccc"),
        *_pipes(pipes, p, text),
        *_blocks(blocks, p, year_colours(years), text),
        *_sources(sources, p, text),
        *_scale_bar(p, h),
        "</svg>",
    ]
    return "\n".join(parts)


#: Station loading classes (highest loading over the planned years, % of the rating) and their
#: colours: below 70 %, 70 to 100 % (100 % is still within the rating), above 100 %.
LOAD_CLASSES = (("load-low", "#1a9850"), ("load-mid", "#f39c12"), ("load-high", "#d73027"))
NO_LOAD = ("load-none", "#9e9e9e")
REINFORCED_CABLE = "#7b3294"
_SQ = 8.0  # station square side, px


def loading_class(pct: float) -> tuple[str, str]:
    """The class and colour of a station's highest loading: < 70 %, 70-100 %, > 100 %, or none."""
    if not math.isfinite(pct):
        return NO_LOAD
    return LOAD_CLASSES[0 if pct < 70.0 else 1 if pct <= 100.0 else 2]


def _station_tip(r: Any, feeders: str, text: Text) -> str:
    """Station id, rating, highest loading and its year, lowest voltage, reinforcements."""
    tip = f"{text['grid_station']} {r.station_id}: {text.whole(r.kva)} kVA"
    if pd.notna(r.loading_max_year):
        tip += f", {text['highest_loading']} {text.num(r.loading_max_pct, 1)} % ({r.loading_max_year})"
    if pd.notna(r.vm_min_year):
        tip += f", {text['lowest_voltage']} {text.num(r.vm_min_pu, 3)} p.u. ({r.vm_min_year})"
    if pd.notna(r.reinforce_year):
        kva = text.whole(r.kva_last_year)
        tip += "; " + text["station_reinforced"].format(year=r.reinforce_year, kva=kva)
    return tip + (f"; {text['feeders_reinforced']}: {feeders}" if feeders else "")


def _stations(stations: pd.DataFrame, feeders: dict[str, str], p: _Proj, text: Text) -> list[str]:
    """A square per station coloured by its highest loading (the highest on top); a ring if reinforced."""
    out = ['<g class="stations" stroke="#222" stroke-width="0.8">']
    rings = ['<g class="reinforced" fill="none" stroke="#000" stroke-width="1.6">']
    order = stations.assign(_k=stations["loading_max_pct"].fillna(-1.0)).sort_values("_k", kind="stable")
    for r in order.itertuples():
        if not (math.isfinite(r.x_rd) and math.isfinite(r.y_rd)):
            continue
        x, y = p(r.x_rd, r.y_rd)
        cls, fill = loading_class(float(r.loading_max_pct))
        tip = _station_tip(r, feeders.get(str(r.station_id), ""), text)
        box = {"x": x - _SQ / 2, "y": y - _SQ / 2, "width": _SQ, "height": _SQ}
        out.append(tipped("rect", tip, class_=f"station {cls}", fill=fill, **box))
        if pd.notna(r.reinforce_year):
            ring = text["station_reinforced"].format(year=r.reinforce_year, kva=text.whole(r.kva_last_year))
            rings.append(tipped("circle", f"{r.station_id}: {ring}", class_="ring", cx=x, cy=y, r=_SQ))
    return [*out, "</g>", *rings, "</g>"]


def _cables(cables: pd.DataFrame | None, p: _Proj, text: Text) -> list[str]:
    """Every cable as one thin grey path; the reinforced ones on top, with their year.

    ``cables`` is a :func:`heatplan.report.plan_data.grid_cable_ends` frame.
    """
    if cables is None or not len(cables):
        return []
    ends = cables[["from_x", "from_y", "to_x", "to_y"]].to_numpy(float)
    ends = ends[np.isfinite(ends).all(axis=1)]
    d = " ".join("M{:.1f} {:.1f}L{:.1f} {:.1f}".format(*p(a, b), *p(c, e)) for a, b, c, e in ends)
    out = [el("path", class_="cables", d=d, fill="none", stroke="#c4c4c4", stroke_width=0.7)]
    out.append(f'<g class="reinforced-cables" stroke="{REINFORCED_CABLE}" stroke-width="2.5">')
    for r in cables.itertuples():
        if math.isfinite(r.reinforce_year):
            year = int(r.reinforce_year)
            (xa, ya), (xb, yb) = p(r.from_x, r.from_y), p(r.to_x, r.to_y)
            tip = f"{text['cable']} {r.cable_id}: " + text["cable_reinforced"].format(year=year)
            out.append(tipped("line", tip, class_="cable-reinforced", x1=xa, y1=ya, x2=xb, y2=yb))
    return [*out, "</g>"]


def _feeders_by_station(reinforcements: pd.DataFrame | None) -> dict[str, str]:
    """Per station the years its LV feeders are reinforced, e.g. "2031, 2031, 2034"."""
    if reinforcements is None:
        return {}
    f = reinforcements[reinforcements["kind"] == "feeder"].dropna(subset=["year"]).sort_values("year")
    return {str(s): ", ".join(str(int(y)) for y in g["year"]) for s, g in f.groupby("station_id")}


def render_grid_map(
    stations: pd.DataFrame,
    cables: pd.DataFrame | None,
    reinforcements: pd.DataFrame | None,
    blocks: pd.DataFrame,
    text: Text,
) -> str:
    """The electricity grid as one ``<svg>``: cables, stations by highest loading, reinforcements.

    ``stations`` is a :func:`heatplan.report.plan_data.grid_stations` frame; the map is framed on
    the blocks and the stations (the block map's frame, give or take the stations at its edge).
    """
    xs = np.concatenate([np.asarray(blocks["x_rd"], float), np.asarray(stations["x_rd"], float)])
    ys = np.concatenate([np.asarray(blocks["y_rd"], float), np.asarray(stations["y_rd"], float)])
    p = _Proj(xs, ys)
    title = text["grid_map"]
    head = el("svg", "", id="grid-map", class_="map", viewBox=f"0 0 {MAP_W} {p.h:.0f}", role="img",
              aria_label=title)  # fmt: skip
    parts = [
        head[:-6],
        el("title", title),
        el("rect", x=0, y=0, width=MAP_W, height=f"{p.h:.0f}", fill="#f7f7f4", stroke="#ccc"),
        *_cables(cables, p, text),
        *_stations(stations, _feeders_by_station(reinforcements), p, text),
        *_scale_bar(p, p.h),
        "</svg>",
    ]
    return "\n".join(parts)


def grid_legend_html(stations: pd.DataFrame, text: Text) -> str:
    """The grid map's legend: the loading classes, the ring of a reinforced station, the cables."""
    names = ("load_low", "load_mid", "load_high")
    items = [
        f'<span class="sq" style="background:{c}"></span>{escape(text[k])}'
        for k, (_, c) in zip(names, LOAD_CLASSES, strict=True)
    ]
    if stations["loading_max_pct"].isna().any():
        items.append(f'<span class="sq" style="background:{NO_LOAD[1]}"></span>{escape(text["no_data"])}')
    items.append(f'<span class="ring"></span>{escape(text["legend_reinforced"])}')
    items.append(f'<span class="ln" style="background:#c4c4c4"></span>{escape(text["legend_cables"])}')
    rc = REINFORCED_CABLE
    items.append(f'<span class="ln" style="background:{rc}"></span>{escape(text["legend_cable_reinforced"])}')
    lead = f"<span class='li'><b>{escape(text['legend_loading'])}</b></span>"
    return (
        '<div class="map-legend">' + lead + "".join(f"<span class='li'>{i}</span>" for i in items) + "</div>"
    )
