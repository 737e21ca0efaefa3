"""The electricity grid in the reports: the station map, the workbook's grid table, the grid text."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import xarray as xr

from heatplan.report import write_reports
from heatplan.report.excel import write_excel
from heatplan.report.html import render_html
from heatplan.report.maps import LOAD_CLASSES, NO_LOAD, loading_class
from heatplan.report.plan_data import Plan, grid_by_year, grid_stations
from tests.report.plan_factory import YEARS, make_plan_dataset

# Four stations over 2026..2032: S1 stays below 70 %, S2 peaks at 85 % in 2031 (reinforced in 2030,
# 400 -> 1030 kVA), S3 reaches 112 % in 2032, S4 has no load flow result.
_LOAD = np.array(
    [
        [40.0, 45, 50, 55, 60, 65, 69.9],
        [60.0, 70, 80, 84, 50, 85, 84.5],
        [90.0, 95, 99, 100, 104, 108, 112],
        [np.nan] * 7,
    ]
)
_VM = np.array(
    [
        [0.99, 0.99, 0.98, 0.98, 0.97, 0.97, 0.96],
        [0.98, 0.97, 0.96, 0.955, 0.96, 0.953, 0.951],
        [0.97, 0.96, 0.95, 0.94, 0.93, 0.92, 0.915],
        [np.nan] * 7,
    ]
)
_KVA = np.array([630.0, 400, 630, 250])
#: element, kind, station, year, cost (EUR)
_REINFORCEMENTS = [
    ("S2", "station", "S2", 2030.0, 50_000.0),
    ("S3/S3:lv000", "feeder", "S3", 2031.0, 12_345.6),
    ("S1/S1:lv001", "feeder", "S1", 2031.0, 7_000.0),
]


def grid_dataset(reinforcements: bool = True) -> xr.Dataset:
    """The synthetic test plan with a small grid (4 stations, 3 cables) and, optionally, reinforcements."""
    ds, _ = make_plan_dataset()
    st, yr = ("grid_station",), ("grid_station", "year")
    cap = np.repeat(_KVA[:, None], len(YEARS), axis=1)
    cap[1, YEARS.index(2030) :] += 630.0
    peak = np.array([0.9, 1.0, 1.1, 1.2, 1.25, 1.3, 1.4])
    data = {
        "grid_station_x_rd": (st, np.array([77500.0, 77800, 78000, 78100])),
        "grid_station_y_rd": (st, np.array([452000.0, 452100, 452300, 452400])),
        "grid_station_kva": (st, _KVA),
        "grid_station_loading_pct": (yr, _LOAD),
        "grid_station_vm_min_pu": (yr, _VM),
        "grid_station_capacity_kva": (yr, cap),
        "grid_station_peak_kw": (yr, _LOAD / 100 * cap),
        "grid_station_reinforce_year": (st, np.array([np.nan, 2030.0, np.nan, np.nan])),
        "grid_peak_mw": (("year",), peak),
        "grid_converged": (("year",), np.ones(7)),
        "grid_station_loading_max_pct": (("year",), np.nanmax(_LOAD, axis=0)),
        "grid_vm_min_pu": (("year",), np.nanmin(_VM, axis=0)),
        "grid_stations_over": (("year",), (_LOAD > 100).sum(axis=0).astype(float)),
        "grid_cables_over": (("year",), np.zeros(7)),
        "grid_buses_out_of_band": (("year",), np.array([0, 0, 0, 0, 0, 1, 2.0])),
        "grid_cable_from_x": (("grid_cable",), np.array([77500.0, 77800, 78000])),
        "grid_cable_from_y": (("grid_cable",), np.array([452000.0, 452100, 452300])),
        "grid_cable_to_x": (("grid_cable",), np.array([77550.0, 77850, 78050])),
        "grid_cable_to_y": (("grid_cable",), np.array([452050.0, 452150, 452350])),
        "grid_cable_reinforce_year": (("grid_cable",), np.array([2031.0, np.nan, 2031.0])),
    }
    coords = {"grid_station": ["S1", "S2", "S3", "S4"], "grid_cable": ["S1:lv001", "S2:lv000", "S3:lv000"]}
    ds = ds.assign(data).assign_coords(coords)
    if reinforcements:
        ds = ds.assign_coords(grid_reinforcement=[r[0] for r in _REINFORCEMENTS])
        for k, name in enumerate(("kind", "station_id", "year", "cost_eur"), start=1):
            vals = np.array([r[k] for r in _REINFORCEMENTS], dtype=float if k > 2 else object)
            ds[f"grid_reinforcement_{name}"] = (("grid_reinforcement",), vals)
    ds.attrs["grid_source"] = "synthetic"
    return ds


def _plan(ds: xr.Dataset) -> Plan:
    return Plan(ds=ds, summary={}, deadline=2031, scenario_name="base")


def _svg(page: str, svg_id: str) -> str:
    m = re.search(rf'<svg id="{svg_id}".*?</svg>', page, re.S)
    assert m is not None, svg_id
    return m.group(0)


def _grid_text(page: str) -> str:
    """The grid section's paragraph."""
    m = re.search(r"<p class='grid-text'>([^<]*)</p>", page)
    assert m is not None
    return m.group(1)


def _stations_on_map(svg: str) -> dict[str, tuple[str, str, str]]:
    """station id -> (colour class, fill, tooltip) of every station square."""
    marks = re.findall(r'<rect class="station (load-\w+)" fill="(#\w+)"[^>]*><title>([^<]*)</title>', svg)
    out = {tip.split(":")[0].removeprefix("station "): (cls, fill, tip) for cls, fill, tip in marks}
    assert len(out) == len(marks), "a station drawn twice"
    return out


def _grid_rows(path: Path, title: str) -> tuple[list[str], list[tuple]]:
    """The header and body rows (to the total, included) of the summary sheet's grid table."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = [tuple(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()
    start = next(i for i, r in enumerate(rows) if r[0] == title)
    head = [h for h in rows[start + 1] if h is not None]
    body = []
    for r in rows[start + 2 :]:
        if r[0] is None:
            break
        body.append(r[: len(head)])
    return head, body


def test_loading_classes_and_their_bounds() -> None:
    assert [loading_class(v)[0] for v in (0.0, 69.99, 70.0, 99.5, 100.0, 100.01, 250.0, math.nan)] == [
        "load-low", "load-low", "load-mid", "load-mid", "load-mid", "load-high", "load-high", "load-none",
    ]  # fmt: skip
    assert loading_class(85.0) == LOAD_CLASSES[1] and loading_class(math.nan) == NO_LOAD


def test_grid_stations_reader() -> None:
    frame = grid_stations(grid_dataset())
    assert frame is not None
    st = frame.set_index("station_id")
    assert st["loading_max_pct"].tolist()[:3] == [69.9, 85.0, 112.0] and math.isnan(
        st.at["S4", "loading_max_pct"]
    )
    assert st["loading_max_year"].tolist()[:3] == [2032, 2031, 2032] and st["loading_max_year"].isna()["S4"]
    assert st.at["S2", "vm_min_pu"] == 0.951 and st.at["S2", "vm_min_year"] == 2032
    assert st["kva"].tolist() == _KVA.tolist() and st["kva_last_year"].tolist() == [630.0, 1030, 630, 250]
    assert st["reinforce_year"].tolist()[1] == 2030 and st["reinforce_year"].isna().sum() == 3
    assert grid_stations(make_plan_dataset()[0]) is None


def test_map_marks_every_station_by_its_highest_loading() -> None:
    page = render_html(_plan(grid_dataset()), "nl")
    svg = _svg(page, "grid-map")
    marks = _stations_on_map(svg)
    assert sorted(marks) == ["S1", "S2", "S3", "S4"]
    expected = {"S1": LOAD_CLASSES[0], "S2": LOAD_CLASSES[1], "S3": LOAD_CLASSES[2], "S4": NO_LOAD}
    assert {s: m[:2] for s, m in marks.items()} == expected
    assert marks["S2"][2] == (
        "station S2: 400 kVA, hoogste belasting 85,0 % (2031), laagste spanning 0,951 p.u. (2032); "
        "verzwaard in 2030 (naar 1.030 kVA)"
    )
    assert marks["S3"][2] == (
        "station S3: 630 kVA, hoogste belasting 112,0 % (2032), laagste spanning 0,915 p.u. (2032); "
        "strengen verzwaard in: 2031"
    )
    assert marks["S4"][2] == "station S4: 250 kVA"
    # the ring: only round the reinforced station, its year in the tooltip
    rings = re.findall(r'<circle class="ring"[^>]*><title>([^<]*)</title>', svg)
    assert rings == ["S2: verzwaard in 2030 (naar 1.030 kVA)"]
    cables = re.findall(r'<line class="cable-reinforced"[^>]*><title>([^<]*)</title>', svg)
    assert cables == ["kabel S1:lv001: verzwaard in 2031", "kabel S3:lv000: verzwaard in 2031"]
    assert svg.count("M") >= 3 and 'class="cables"' in svg  # every cable in the grey path
    # the legend states the classes, in the map's colours
    legend = page[page.index("</svg>", page.index('id="grid-map"')) :]
    for (_, colour), words in zip(
        LOAD_CLASSES, ("&lt; 70 %", "70–100 %", "&gt; 100 % (overbelast)"), strict=True
    ):
        assert f'<span class="sq" style="background:{colour}"></span>{words}' in legend
    assert "station verzwaard (jaar in de tooltip)" in legend and "geen gegevens" in legend


def test_map_of_the_small_plan_has_a_mark_per_station(small_plan_dir: Path) -> None:
    with xr.open_dataset(small_plan_dir / "plan.nc", engine="h5netcdf") as ds:
        ds = ds.load()
    assert "grid_station_x_rd" in ds, "the small plan models the grid"
    svg = _svg((small_plan_dir / "report.html").read_text(encoding="utf-8"), "grid-map")
    marks = _stations_on_map(svg)
    ids = [str(s) for s in ds["grid_station"].values]
    assert sorted(marks) == sorted(ids)
    load = ds["grid_station_loading_pct"].transpose("grid_station", "year").values
    for sid, row, kva in zip(ids, load, ds["grid_station_kva"].values, strict=True):
        top = float(np.nanmax(row))
        cls, _, tip = marks[sid]
        assert cls == ("load-low" if top < 70 else "load-mid" if top <= 100 else "load-high"), sid
        year = int(ds["year"].values[int(np.nanargmax(row))])
        pct = f"{top:.1f}".replace(".", ",")
        assert tip.startswith(f"station {sid}: {kva:.0f} kVA, hoogste belasting {pct} % ({year}), "), tip


def _check_grid_table(head: list[str], body: list[tuple], ds: xr.Dataset) -> None:
    """The workbook's grid rows equal plan.nc: per year its figures, reinforcements counted by hand."""
    assert head[:4] == [
        "Jaar",
        "Winteravondpiek [MW]",
        "Hoogste stationsbelasting [%]",
        "Laagste spanning [p.u.]",
    ]
    assert head[4:] == [
        "Verzwaarde MS/LS-stations [aantal]", "Verzwaarde LS-strengen [aantal]",
        "Kosten netverzwaring [EUR, niet verdisconteerd]",
    ]  # fmt: skip
    per: dict[int, list[float]] = {}
    for k, y, c in zip(ds["grid_reinforcement_kind"].values, ds["grid_reinforcement_year"].values,
                       ds["grid_reinforcement_cost_eur"].values, strict=True):  # fmt: skip
        row = per.setdefault(int(y), [0, 0, 0.0])
        row[0 if str(k) == "station" else 1] += 1
        row[2] += float(c)
    years = [int(y) for y in ds["year"].values]
    assert [r[0] for r in body] == [*years, "Totaal"]
    for r, y in zip(body, years, strict=False):
        k = years.index(y)
        assert r[1] == pytest.approx(float(ds["grid_peak_mw"][k]), rel=1e-12)
        assert r[2] == pytest.approx(float(ds["grid_station_loading_max_pct"][k]), rel=1e-12)
        assert r[3] == pytest.approx(float(ds["grid_vm_min_pu"][k]), rel=1e-12)
        stations, feeders, cost = per.get(y, [0, 0, 0.0])
        assert (r[4], r[5]) == (stations, feeders) and isinstance(r[4], int)
        assert r[6] == pytest.approx(cost, rel=1e-12)
    total = body[-1]
    assert total[4:7] == (
        sum(v[0] for v in per.values()),
        sum(v[1] for v in per.values()),
        pytest.approx(sum(v[2] for v in per.values())),
    )


def test_workbook_grid_rows_equal_the_dataset(tmp_path: Path) -> None:
    ds = grid_dataset()
    path = write_excel(_plan(ds), tmp_path / "schedule.xlsx")
    head, body = _grid_rows(path, "Elektriciteitsnet per jaar")
    _check_grid_table(head, body, ds)
    assert body[4][4:] == (1, 0, 50_000.0) and body[5][4:] == (0, 2, pytest.approx(19_345.6))


def test_workbook_english_and_without_reinforcements(tmp_path: Path) -> None:
    ds = grid_dataset(reinforcements=False)
    path = write_excel(_plan(ds), tmp_path / "schedule.xlsx", lang="en")
    head, body = _grid_rows(path, "Electricity grid per year")
    assert head == [
        "Year",
        "Winter-evening peak [MW]",
        "Highest station loading [%]",
        "Lowest voltage [p.u.]",
    ]
    assert [r[0] for r in body] == YEARS  # no reinforcement columns, no total row
    assert [r[2] for r in body] == pytest.approx(np.nanmax(_LOAD, axis=0).tolist())


def _with_reinforcements(src: Path, dst: Path) -> xr.Dataset:
    """A copy of the small plan's plan.nc planning a station (S000, 2035) and a feeder (S001, 2036)."""
    with xr.open_dataset(src / "plan.nc", engine="h5netcdf") as ds:
        ds = ds.load()
    ds = ds.drop_dims("grid_reinforcement") if "grid_reinforcement" in ds.dims else ds
    ids = [str(s) for s in ds["grid_station"].values]
    ds = ds.assign_coords(grid_reinforcement=np.array([ids[0], f"{ids[1]}/{ids[1]}:lv000"], dtype=object))
    rv = ("grid_reinforcement",)
    ds["grid_reinforcement_kind"] = (rv, np.array(["station", "feeder"], dtype=object))
    ds["grid_reinforcement_station_id"] = (rv, np.array(ids[:2], dtype=object))
    ds["grid_reinforcement_year"] = (rv, np.array([2035.0, 2036.0]))
    ds["grid_reinforcement_cost_eur"] = (rv, np.array([81_000.0, 9_500.0]))
    year = np.full(len(ids), np.nan)
    year[0] = 2035.0
    ds["grid_station_reinforce_year"] = (("grid_station",), year)
    ds["grid_station_capacity_kva"][0] = ds["grid_station_kva"][0] + 630.0 * (ds["year"] >= 2035)
    dst.mkdir()
    ds.to_netcdf(dst / "plan.nc", engine="h5netcdf")
    return ds


def test_small_plan_with_a_reinforcement_added(small_plan_dir: Path, tmp_path: Path) -> None:
    ds = _with_reinforcements(small_plan_dir, tmp_path / "plan")
    write_reports(tmp_path / "plan")
    head, body = _grid_rows(tmp_path / "plan" / "schedule.xlsx", "Elektriciteitsnet per jaar")
    _check_grid_table(head, body, ds)
    page = (tmp_path / "plan" / "report.html").read_text(encoding="utf-8")
    s0, kva = str(ds["grid_station"].values[0]), float(ds["grid_station_kva"][0]) + 630.0
    after = f"{kva:,.0f}".replace(",", ".")
    rings = re.findall(r'<circle class="ring"[^>]*><title>([^<]*)</title>', page)
    assert rings == [f"{s0}: verzwaard in 2035 (naar {after} kVA)"]
    text = _grid_text(page)
    assert "Het plan verzwaart 1 MS/LS-station en 1 LS-streng, samen € 90.500 (niet verdisconteerd), " in text
    assert "van 2035 tot en met 2036." in text
    table = page[page.index("Netverzwaringen per jaar") :]
    assert '<tr><td>2035</td><td class="n">1</td><td class="n">0</td><td class="n">81.000</td></tr>' in table


def test_grid_text_in_dutch_and_english() -> None:
    ds = grid_dataset()
    nl = _grid_text(render_html(_plan(ds), "nl"))
    en = _grid_text(render_html(_plan(ds), "en"))
    assert nl == (
        "Het elektriciteitsnet onder het plan (een synthetisch net, 4 MS/LS-stations): per gecontroleerd "
        "jaar de winteravondpiek door het net gerekend (loadflow). Het plan verzwaart 1 MS/LS-station en 2 "
        "LS-strengen, samen € 69.346 (niet verdisconteerd), van 2030 tot en met 2031. In 2032: piek 1,4 MW; "
        "het zwaarst belaste station, S3, op 112,0 % van zijn vermogen; laagste spanning 0,915 p.u. (achter "
        "S3). Dat jaar boven hun vermogen: stations 1, kabels 0; knooppunten buiten de spanningsband: 2."
    )
    assert en == (
        "The electricity grid under the plan (a synthetic grid, 4 MV/LV stations): each checked year&#x27;s "
        "winter-evening peak run through the grid (load flow). The plan reinforces 1 MV/LV station and 2 LV "
        "feeders, € 69,346 in total (undiscounted), from 2030 to 2031. In 2032: peak 1.4 MW; the most loaded "
        "station, S3, at 112.0 % of its rating; lowest voltage 0.915 p.u. (behind S3). That year over their "
        "rating: stations 1, cables 0; buses outside the voltage band: 2."
    )
    page = render_html(_plan(ds), "en")
    assert '<h2 id="elektriciteitsnet">Electricity grid</h2>' in page and 'href="#elektriciteitsnet"' in page
    assert "Grid reinforcements per year" in page and "MV/LV stations reinforced [count]" in page


def test_small_plan_text_says_no_reinforcement(small_plan_dir: Path) -> None:
    with xr.open_dataset(small_plan_dir / "plan.nc", engine="h5netcdf") as ds:
        ds = ds.load()
    page = (small_plan_dir / "report.html").read_text(encoding="utf-8")
    text = _grid_text(page)
    n = int(ds.sizes["grid_reinforcement"])
    if n == 0:
        assert "Geen netverzwaring nodig" in text and "Netverzwaringen per jaar" not in page
    else:
        assert "Het plan verzwaart " in text
    last = int(ds["year"].values[-1])
    load = ds["grid_station_loading_pct"].sel(year=last)
    top = str(ds["grid_station"].values[int(np.nanargmax(load.values))])
    pct = f"{float(ds['grid_station_loading_max_pct'].sel(year=last)):.1f}".replace(".", ",")
    vm = f"{float(ds['grid_vm_min_pu'].sel(year=last)):.3f}".replace(".", ",")
    assert f"In {last}: piek " in text and f"station, {top}, op {pct} % van zijn vermogen" in text
    assert f"laagste spanning {vm} p.u." in text


def test_checked_only_grid_says_so() -> None:
    ds = grid_dataset(reinforcements=False)
    text = _grid_text(render_html(_plan(ds), "nl"))
    assert "Het net is alleen gecontroleerd: dit plan.nc plant geen netverzwaringen" in text
    by_year = grid_by_year(ds)
    assert by_year is not None and "reinforced_stations" not in by_year.columns


def test_a_plan_without_grid_has_no_grid_parts(plan_dir: Path) -> None:
    page = (plan_dir / "report.html").read_text(encoding="utf-8")
    assert 'id="grid-map"' not in page and 'id="elektriciteitsnet"' not in page and "chart-grid" not in page
    assert grid_by_year(make_plan_dataset()[0]) is None
    wb = openpyxl.load_workbook(plan_dir / "schedule.xlsx", read_only=True)
    try:
        firsts = [r[0] for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()
    assert "Elektriciteitsnet per jaar" not in firsts and "Legenda" in firsts
