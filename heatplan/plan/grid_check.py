"""The electricity grid under every planned year, with the plan's reinforcements (issue 15; docs/grid.md).

The district's grid (the synthetic MV/LV grid of ``heatplan.grid.synthetic``, or a real one given
with ``--grid``) is laid over every block of the stock. Each planned year's load at the
winter-evening peak is, per block standing that year, today's base (appliances, and the heat
pumps there today) plus other growth (``grid.other_growth_kw_per_dwelling``, electric cars) plus
what the plan adds by then: induction, individual heat pumps and LT boosters
(``optimisation.results.electricity_peak_by_block``); the networks' pumps and the LT sources'
collective heat pumps draw at the MV bus nearest their source. The stations and feeders the plan
reinforces by that year carry their reinforcement (a 630 kVA transformer beside the station; one
more cable along the feeder), and the 150 kV station feeds the MV grid from
``grid.hv_station_year``. Every year is solved with pandapower (a state solved before, same loads
and same grid, is not solved again); what is past the limits is a typed failure
(:class:`heatplan.failures.Kind` ``OVERLOAD``/``VOLTAGE``) naming the station or feeder behind it,
and the plan's loop turns it into a cut (``plan.grid_feedback``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from heatplan import failures
from heatplan.buildings.stock import existing_mask
from heatplan.economics.prices import KWH_PER_GJ
from heatplan.errors import ConvergenceError
from heatplan.grid import Grid, GridResult, GridSolver, station_rating_kva, violations
from heatplan.grid.capacity import STEP_STATION_STD_TYPE, GridElements, grid_elements
from heatplan.grid.synthetic import block_loads, synthetic_grid, today_peak_kw
from heatplan.optimisation import Result
from heatplan.optimisation.inputs import OPTIONS, price_path
from heatplan.optimisation.results import electricity_peak_by_block, options_in_use
from heatplan.planfile import GRID_YEAR_FIELDS
from heatplan.scenario import Scenario

#: per checked year (plan.nc ``grid_<column>``; the summary reads the same list)
YEAR_COLUMNS = GRID_YEAR_FIELDS
#: kVA a station reinforcement adds (the transformer of STEP_STATION_STD_TYPE)
STEP_KVA = 630.0
#: the state columns of the grid's failures (as the heat networks' year, regime, load)
GRID_REGIME, GRID_LOAD = "grid", "winter peak"


@dataclass(frozen=True)
class GridModel:
    """The grid a plan is checked on, its stations and feeders, and where the blocks hang."""

    grid: Grid
    where: pd.DataFrame  # block_id, bus_id, station_id
    elements: GridElements
    source: str  # "synthetic" or the grid file's name

    def element_of(self) -> tuple[dict[str, str], dict[str, str]]:
        """Per LV bus and per LV cable the feeder it lies on (a station's busbar: the station)."""
        bus, cable = {}, {}
        for eid, buses, cables in self.elements.table[["element_id", "buses", "cables"]].itertuples(
            index=False
        ):
            bus.update(dict.fromkeys(buses, eid))
            cable.update(dict.fromkeys(cables, eid))
        return bus, cable


def grid_model(stock: pd.DataFrame, scenario: Scenario, files: tuple[Path, Path] | None = None) -> GridModel:
    """The synthetic grid of ``stock`` (or the real grid ``files`` = (network JSON, block map))."""
    if files is not None:
        from heatplan.grid.files import read_grid

        grid, where = read_grid(files[0], files[1], stock)
        source = files[0].name
    else:
        g = scenario.grid
        grid, where = synthetic_grid(
            stock, hv_station_year=g.hv_station_year, loading_today=g.synthetic_loading_today_pct / 100.0
        )
        source = "synthetic"
    return GridModel(grid, where, grid_elements(grid, where, stock, scenario.grid.max_loading_pct), source)


def reinforced(gm: GridModel, reinforce_year: np.ndarray, year: int) -> Grid:
    """The grid with every reinforcement in service by ``year`` (``reinforce_year`` per element).

    A station gets a 630 kVA transformer beside it (its own data from pandapower's standard type);
    every cable of a feeder one more cable side by side.
    """
    t = gm.elements.table
    done = t[np.asarray(reinforce_year) <= year]
    if done.empty:
        return gm.grid
    st = gm.grid.stations
    extra = st[st["station_id"].isin(done.loc[done["kind"] == "station", "element_id"])].copy()
    if not extra.empty:
        vn = gm.grid.buses.set_index("bus_id").loc[extra["mv_bus"], "vn_kv"].to_numpy(float)
        extra["station_id"] = extra["station_id"].astype(str) + "+"
        extra["std_type"] = [STEP_STATION_STD_TYPE.replace("10/", f"{v:g}/") for v in vn]
        extra["parallel"] = 1
        own = [
            c for c in extra.columns if c not in ("station_id", "mv_bus", "lv_bus", "std_type", "parallel")
        ]
        extra[own] = np.nan  # every figure from the standard type
    cables = gm.grid.cables.copy()
    more = {c for cs in done["cables"] for c in cs}
    cables.loc[cables["cable_id"].astype(str).isin(more), "parallel"] += 1
    stations = pd.concat([st, extra], ignore_index=True) if not extra.empty else st
    return replace(gm.grid, stations=stations, cables=cables)


@dataclass
class GridYears:
    """Per planned year the grid's figures (YEAR_COLUMNS), each station's loading, the failures."""

    years: pd.DataFrame  # index year
    station_loading_pct: pd.DataFrame  # index station_id, columns years
    stations: int
    cables: int
    station_table: pd.DataFrame | None = None  # station_id, x_rd, y_rd, kva (rating today)
    cable_table: pd.DataFrame | None = None  # cable_id, ends, type, parallel, length_m, highest_loading_pct
    failures: pd.DataFrame = field(default_factory=failures.empty)  # with year, regime, load
    reinforcements: pd.DataFrame | None = None  # element_id, kind, station_id, year, cost_eur
    station_peak_kw: pd.DataFrame | None = None  # index station_id, columns years
    station_vm_min_pu: pd.DataFrame | None = None  # index station_id, columns years
    station_capacity_kva: pd.DataFrame | None = None  # index station_id, columns years
    simulations: int = 0


class GridChecker:
    """Checks a plan's years on one grid; states solved before are not solved again."""

    def __init__(
        self, stock: pd.DataFrame, scenario: Scenario, gm: GridModel, sources: pd.DataFrame | None = None
    ) -> None:
        self.stock, self.scenario, self.gm = stock, scenario, gm
        self.source_bus = _source_buses(gm, sources)
        self._solvers: dict[tuple[int, ...], GridSolver] = {}
        self._done: dict[tuple[Any, ...], GridResult | None] = {}
        self.simulations = 0
        #: (element, first failing year) -> the plan's load limit cut so far (plan.grid_feedback)
        self.cut_limits: dict[tuple[str, int], float] = {}
        self.bus_element, self.cable_element = gm.element_of()
        lv = gm.grid.stations.set_index("lv_bus")["station_id"]
        ids = gm.grid.stations["station_id"].astype(str).to_numpy()
        self.rating_kva = pd.Series(station_rating_kva(gm.grid), index=ids)
        pos = pd.Series(np.arange(len(gm.elements)), index=gm.elements.table["element_id"].astype(str))
        self.station_rows = pos.reindex(ids).to_numpy()
        self.station_of_bus = {**gm.where.set_index("bus_id")["station_id"].to_dict(), **lv.to_dict()}

    def loads(self, result: Result, years: list[int]) -> dict[int, pd.DataFrame]:
        """Per year the loads on the grid's buses (bus_id, p_kw, q_kvar)."""
        stock, inp, s = self.stock, result.session.inputs, result.schedule
        added = pd.DataFrame(
            electricity_peak_by_block(inp, s, pumps=False), index=inp.block_ids, columns=inp.years
        )
        added = added.reindex(stock["block_id"].astype(str)).fillna(0.0)
        growth = price_path(self.scenario.grid.other_growth_kw_per_dwelling, np.asarray(years))
        n = stock["dwellings"].to_numpy(float)
        base = today_peak_kw(stock)
        at_source = _source_loads(result, self.source_bus)
        out = {}
        for k, y in enumerate(years):
            col = y if y in added.columns else added.columns[-1]
            p = (base + n * growth[k]) * existing_mask(stock, y).to_numpy() + added[col].to_numpy()
            out[y] = pd.concat(
                [block_loads(stock, self.gm.where, p), at_source.get(col, _NO_LOAD)], ignore_index=True
            )
        return out

    def solve(self, year: int, loads: pd.DataFrame, reinforce_year: np.ndarray) -> GridResult | None:
        """The state of one year (None: the power flow did not converge)."""
        on = tuple(np.nonzero(reinforce_year <= year)[0].tolist())
        hv = self.scenario.grid.hv_station_year
        key = (on, hv is not None and year >= hv, pd.util.hash_pandas_object(loads, index=False).sum())
        if key not in self._done:
            if on not in self._solvers:
                self._solvers[on] = GridSolver(reinforced(self.gm, reinforce_year, year))
            try:
                self._done[key] = self._solvers[on].solve(loads, year=year)
            except ConvergenceError:
                self._done[key] = None
            self.simulations += 1
        return self._done[key]

    def typed(self, res: GridResult, year: int) -> pd.DataFrame:
        """What is past the limits in one year, as a failures table with the state columns."""
        g = self.scenario.grid
        v = violations(res, g.max_loading_pct, (g.vm_min_pu, g.vm_max_pu))
        rows = []
        for r in v.itertuples(index=False):
            if r.element == "bus":
                behind = self.bus_element.get(r.id, self.station_of_bus.get(r.id, ""))
                rows.append(failures.row("bus", r.id, failures.Kind.VOLTAGE, r.value, r.limit, "p.u.", behind,
                                         below=r.value < r.limit))  # fmt: skip
            else:
                ident = str(r.id).rstrip("+") if r.element == "station" else str(r.id)
                behind = ident if r.element == "station" else self.cable_element.get(r.id, "")
                kind = failures.Kind.OVERLOAD
                rows.append(failures.row(r.element, ident, kind, r.value, r.limit, "%", behind))
        f = failures.table(rows)
        for k, (col, val) in enumerate(
            zip(failures.STATE_COLUMNS, (year, GRID_REGIME, GRID_LOAD), strict=True)
        ):
            f.insert(k, col, val)
        return f.drop_duplicates(subset=["element", "id", "kind"])


_NO_LOAD = pd.DataFrame(columns=["bus_id", "p_kw", "q_kvar"])


def _source_buses(gm: GridModel, sources: pd.DataFrame | None) -> dict[str, str]:
    """Per heat source the station MV bus nearest it (its pumps and collective heat pumps draw there)."""
    b = gm.grid.buses
    mv = b[b["bus_id"].isin(gm.grid.stations["mv_bus"])]
    if sources is None or mv.empty or "x_rd" not in mv or "x_rd" not in sources:
        return {}
    xy = mv[["x_rd", "y_rd"]].to_numpy(float)
    out = {}
    for sid, x, y in sources[["source_id", "x_rd", "y_rd"]].itertuples(index=False):
        out[str(sid)] = str(mv["bus_id"].iloc[int(np.hypot(xy[:, 0] - x, xy[:, 1] - y).argmin())])
    return out


def _source_loads(result: Result, source_bus: dict[str, str]) -> dict[int, pd.DataFrame]:
    """Per modelled year the network pumps and collective heat pumps as loads at the sources' MV buses."""
    from heatplan.grid.synthetic import power_factor_tan

    inp, s = result.session.inputs, result.schedule
    if not source_bus:
        return {}
    opt, start = options_in_use(inp, s)
    on = inp.years[None, :] >= start[:, None]
    mt, lt = (opt == OPTIONS.index("mt"))[:, None] & on, (opt == OPTIONS.index("lt"))[:, None] & on
    # kWh electric per GJ of heat over kWh per GJ: kW electric per kW of heat at the source
    per_kw = inp.network_kwh_per_gj.get("lt", {}).get("collective_heat_pumps", 0.0) / KWH_PER_GJ
    pumps = mt * inp.elec_kw["pump_mt"][:, None] + lt * inp.elec_kw["pump_lt"][:, None]
    coll = lt * (inp.source_kw[:, 1] * per_kw)[:, None]
    src = np.where(opt >= 0, inp.block_source[np.arange(inp.n_blocks), np.clip(opt, 0, 1)], "")
    out = {}
    for t, y in enumerate(inp.years):
        kw = pd.Series(pumps[:, t] + coll[:, t]).groupby(src).sum()
        kw = kw[kw.index.isin(list(source_bus)) & (kw > 0)]
        df = pd.DataFrame({"bus_id": [source_bus[str(k)] for k in kw.index], "p_kw": kw.to_numpy(float)})
        df["q_kvar"] = df["p_kw"] * power_factor_tan()
        out[int(y)] = df
    return out


def check_years(checker: GridChecker, result: Result, years: list[int]) -> GridYears:
    """The grid under each of ``years`` of the plan, with the plan's reinforcements."""
    gm = checker.gm
    r_year = _reinforce_years(result, gm)
    rows, fails = [], []
    per: dict[str, dict[int, pd.Series]] = {"loading": {}, "peak": {}, "vm": {}, "kva": {}}
    cable_max = np.zeros(len(gm.grid.cables))
    for y, loads in checker.loads(result, years).items():
        res = checker.solve(y, loads, r_year)
        peak_mw = loads["p_kw"].sum() / 1000.0
        if res is None:
            rows.append({"year": y, "peak_mw": peak_mw, "converged": False})
            f = failures.table(
                [failures.row("state", "", failures.Kind.NOT_CONVERGED, context="the grid's power flow")]
            )
            for k, (col, val) in enumerate(
                zip(failures.STATE_COLUMNS, (y, GRID_REGIME, GRID_LOAD), strict=True)
            ):
                f.insert(k, col, val)
            fails.append(f)
            continue
        f = checker.typed(res, y)
        fails.append(f)
        rows.append(_year_row(y, peak_mw, res, f))
        _per_station(checker, res, y, r_year, per)
        cable_max = np.maximum(cable_max, _cable_loading(gm, res))
    table = pd.DataFrame(rows, columns=["year", *YEAR_COLUMNS]).set_index("year")
    stations, cables = _geometry(gm.grid)
    cables["highest_loading_pct"] = cable_max
    cables["reinforce_year"] = _cable_years(gm, r_year)
    return GridYears(
        table, pd.DataFrame(per["loading"]), len(gm.grid.stations), len(gm.grid.cables), stations, cables,
        pd.concat(fails, ignore_index=True) if fails else failures.empty(), _reinforcement_table(result, gm),
        pd.DataFrame(per["peak"]), pd.DataFrame(per["vm"]), pd.DataFrame(per["kva"]), checker.simulations,
    )  # fmt: skip


def _cable_years(gm: GridModel, r_year: np.ndarray) -> np.ndarray:
    """Per cable the year its feeder is reinforced (NaN: not)."""
    year: dict[str, float] = {}
    for cs, y in zip(gm.elements.table["cables"], r_year, strict=True):
        if y < 9000:
            year.update(dict.fromkeys(cs, float(y)))
    return gm.grid.cables["cable_id"].astype(str).map(year).to_numpy(float)


def _year_row(y: int, peak_mw: float, res: GridResult, f: pd.DataFrame) -> dict[str, object]:
    return {
        "year": y, "peak_mw": peak_mw, "converged": True,
        "station_loading_max_pct": res.stations["loading_pct"].max(),
        "cable_loading_max_pct": res.cables["loading_pct"].max(),
        "vm_min_pu": res.buses["vm_pu"].min(),
        "stations_over": int((f["element"] == "station").sum()),
        "cables_over": int((f["element"] == "cable").sum()),
        "buses_out_of_band": int((f["element"] == "bus").sum()),
    }  # fmt: skip


def _reinforce_years(result: Result, gm: GridModel) -> np.ndarray:
    """Per element of ``gm`` the year the plan's reinforcement is in service (NEVER: none)."""
    from heatplan.optimisation.inputs import NEVER

    g, s = result.session.inputs.grid, result.schedule
    out = np.full(len(gm.elements), NEVER)
    if g is None or not len(s.reinforce_year):
        return out
    pos = pd.Series(np.arange(len(gm.elements)), index=gm.elements.table["element_id"].astype(str))
    out[pos.reindex(g.element_id).to_numpy()] = s.reinforce_year
    return out


def _reinforcement_table(result: Result, gm: GridModel) -> pd.DataFrame:
    """The plan's reinforcements: element, kind, station, year in service, cost (EUR, undiscounted)."""
    g, s = result.session.inputs.grid, result.schedule
    cols = ["element_id", "kind", "station_id", "year", "cost_eur"]
    if g is None or not len(s.reinforce_year):
        return pd.DataFrame(columns=cols)
    on = s.reinforce_year < 9000
    t = gm.elements.table.set_index("element_id").loc[g.element_id[on]]
    out = pd.DataFrame({"element_id": g.element_id[on], "kind": g.kind[on],
                        "station_id": t["station_id"].to_numpy(), "year": s.reinforce_year[on],
                        "cost_eur": g.cost_eur[on]})  # fmt: skip
    return out.sort_values(["year", "element_id"]).reset_index(drop=True)


def _per_station(
    checker: GridChecker, res: GridResult, y: int, r_year: np.ndarray, per: dict[str, dict[int, pd.Series]]
) -> None:
    """Per station (a reinforced one with its added transformer) the year's loading, peak, voltage, rating."""
    st = res.stations.assign(station_id=res.stations["station_id"].astype(str).str.rstrip("+"))
    grouped = st.groupby("station_id", sort=False)
    per["loading"][y] = grouped["loading_pct"].max()
    per["peak"][y] = grouped["p_kw"].sum()
    vm = res.buses.assign(station_id=res.buses["bus_id"].map(checker.station_of_bus)).dropna(
        subset=["station_id"]
    )
    per["vm"][y] = vm.groupby("station_id")["vm_pu"].min()
    per["kva"][y] = checker.rating_kva + STEP_KVA * pd.Series(
        r_year[checker.station_rows] <= y, index=checker.rating_kva.index
    )


def _cable_loading(gm: GridModel, res: GridResult) -> np.ndarray:
    return res.cables.set_index("cable_id")["loading_pct"].reindex(gm.grid.cables["cable_id"]).to_numpy(float)


def _geometry(grid: Grid) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stations (position, rating) and cables (end points, type) of the grid, for the map layers."""
    at = grid.buses.set_index("bus_id")[["x_rd", "y_rd"]]
    st = grid.stations
    kva = pd.Series(station_rating_kva(grid))
    stations = pd.DataFrame(
        {"station_id": st["station_id"].to_numpy(), "x_rd": at.loc[st["lv_bus"], "x_rd"].to_numpy(),
         "y_rd": at.loc[st["lv_bus"], "y_rd"].to_numpy(), "kva": kva.to_numpy(float)}
    )  # fmt: skip
    c = grid.cables
    a, b = at.loc[c["from_bus"]].to_numpy(float), at.loc[c["to_bus"]].to_numpy(float)
    cables = pd.DataFrame(
        {"cable_id": c["cable_id"].to_numpy(), "from_x": a[:, 0], "from_y": a[:, 1], "to_x": b[:, 0],
         "to_y": b[:, 1], "std_type": c["std_type"].to_numpy(), "parallel": c["parallel"].to_numpy(int),
         "length_m": c["length_m"].to_numpy(float)}
    )  # fmt: skip
    return stations, cables


def _reinforcement_vars(gy: GridYears, coords: dict[str, Any]) -> dict[str, Any]:
    """Per station the year it is reinforced (NaN: not); every reinforcement over ``grid_reinforcement``."""
    cols = ["element_id", "kind", "station_id", "year", "cost_eur"]
    r = gy.reinforcements if gy.reinforcements is not None else pd.DataFrame(columns=cols)
    st = r[r["kind"] == "station"].set_index("element_id")["year"].astype(float)
    out: dict[str, Any] = {
        "grid_station_reinforce_year": ("grid_station", st.reindex(coords["grid_station"]).to_numpy(float))
    }
    coords["grid_reinforcement"] = r["element_id"].astype(str).to_numpy()
    for col in ("kind", "station_id"):
        out[f"grid_reinforcement_{col}"] = ("grid_reinforcement", r[col].astype(str).to_numpy())
    for col in ("year", "cost_eur"):
        out[f"grid_reinforcement_{col}"] = ("grid_reinforcement", r[col].to_numpy(float))
    return out


def grid_vars(gy: GridYears | None, years: list[int]) -> tuple[dict[str, Any], dict[str, Any]]:
    """plan.nc variables of the grid check (``grid_*`` over ``year``; station loading), and coords."""
    if gy is None:
        return {}, {}
    t = gy.years.reindex(years)
    data: dict[str, Any] = {}
    for col in YEAR_COLUMNS:
        v = t[col].astype(float).to_numpy()
        data[f"grid_{col}"] = ("year", v)
    load = gy.station_loading_pct.reindex(columns=years)
    data["grid_station_loading_pct"] = (("grid_station", "year"), load.to_numpy(float))
    coords: dict[str, Any] = {"grid_station": load.index.astype(str).to_numpy()}
    for name, df in (("peak_kw", gy.station_peak_kw), ("vm_min_pu", gy.station_vm_min_pu),
                     ("capacity_kva", gy.station_capacity_kva)):  # fmt: skip
        if df is not None:
            v = df.reindex(index=coords["grid_station"], columns=years).to_numpy(float)
            data[f"grid_station_{name}"] = (("grid_station", "year"), v)
    data.update(_reinforcement_vars(gy, coords))
    if gy.station_table is not None:
        st = gy.station_table.set_index("station_id").reindex(coords["grid_station"])
        for col in ("x_rd", "y_rd", "kva"):
            data[f"grid_station_{col}"] = ("grid_station", st[col].to_numpy(float))
    if gy.cable_table is not None:
        c = gy.cable_table
        coords["grid_cable"] = c["cable_id"].astype(str).to_numpy()
        # per cable its highest loading over the years ("grid_cable_loading_max_pct" is the
        # per-year column of YEAR_COLUMNS: the same name over grid_cable once overwrote it)
        for col in ("from_x", "from_y", "to_x", "to_y", "length_m", "highest_loading_pct", "reinforce_year"):
            data[f"grid_cable_{col}"] = ("grid_cable", c[col].to_numpy(float))
        data["grid_cable_parallel"] = ("grid_cable", c["parallel"].to_numpy(int))
        data["grid_cable_std_type"] = ("grid_cable", c["std_type"].astype(str).to_numpy())
    clash = {f"grid_{col}" for col in YEAR_COLUMNS} & {k for k, (dims, _) in data.items() if dims != "year"}
    assert not clash, f"grid variables named twice: {sorted(clash)}"
    return data, coords
