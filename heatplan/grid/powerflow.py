"""One state of an MV/LV electricity grid solved with pandapower (pandapower stays inside this module).

A grid is three tables (:class:`Grid`): buses (``bus_id``, ``vn_kv``), MV/LV stations
(``station_id``, ``mv_bus``, ``lv_bus``, ``parallel``: transformers side by side) and cables
(``cable_id``, ``from_bus``, ``to_bus``, ``length_m``, ``parallel``), fed at one bus held at
``infeed_vm_pu``. Each station and cable gives its electrical data (STATION_PARAMS, CABLE_PARAMS) or
a ``std_type`` (a pandapower standard type) to take it from; a parameter a row gives overrides its
type's. Optional: extra infeeds (``bus_id``, ``vm_pu``, ``from_year``), in service from that year
on, and a cable's ``from_year`` and ``until_year`` (in service from, and out of service from, that
year: :meth:`GridSolver.solve`'s ``year``). A state adds the load per bus
(``bus_id``, ``p_kw``, ``q_kvar``) at the hour that is checked. :func:`run_grid` solves the AC power
flow (Newton-Raphson) and returns, per station and cable, the power through it and its loading
(current against the rated current, %), and per bus the voltage (p.u.); :func:`violations` lists
what is past the limits (loading above ``max_loading_pct``, voltage outside ``vm_band_pu``:
EN 50160's ±10 % by default).

Standard types and their data are pandapower's (``pandapower.available_std_types``: NAYY and
NA2XS2Y cables, 10/0.4 and 20/0.4 kV transformers of 0.25, 0.4 and 0.63 MVA, with their
impedances, no-load losses and ampacities); docs/grid.md.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from heatplan.errors import ConvergenceError, InputError

BUS_COLUMNS = ("bus_id", "vn_kv")
STATION_COLUMNS = ("station_id", "mv_bus", "lv_bus", "parallel")  # and std_type or STATION_PARAMS
CABLE_COLUMNS = ("cable_id", "from_bus", "to_bus", "length_m", "parallel")  # and std_type or CABLE_PARAMS
INFEED_COLUMNS = ("bus_id", "vm_pu", "from_year")
LOAD_COLUMNS = ("bus_id", "p_kw", "q_kvar")
#: a station's own transformer data (pandapower's names; the rating in kVA, not MVA)
STATION_PARAMS = ("sn_kva", "vn_hv_kv", "vn_lv_kv", "vk_percent", "vkr_percent", "pfe_kw", "i0_percent",
                  "shift_degree")  # fmt: skip
#: a cable's own data (pandapower's names: per cable, not for all side by side)
CABLE_PARAMS = ("r_ohm_per_km", "x_ohm_per_km", "c_nf_per_km", "max_i_ka")
#: what each parameter must be (besides given and a number); shift_degree: any
STATION_RULES = (("sn_kva", "> 0"), ("vn_hv_kv", "> 0"), ("vn_lv_kv", "> 0"), ("vk_percent", "> 0"),
                 ("vkr_percent", ">= 0"), ("pfe_kw", ">= 0"), ("i0_percent", ">= 0"))  # fmt: skip
CABLE_RULES = (
    ("r_ohm_per_km", ">= 0"),
    ("x_ohm_per_km", ">= 0"),
    ("c_nf_per_km", ">= 0"),
    ("max_i_ka", "> 0"),
)
#: EN 50160: supply voltage within ±10 % of nominal (10-minute means, 95 % of a week)
EN50160_BAND_PU = (0.9, 1.1)
#: Newton-Raphson iterations at most (a radial grid converges in 3-5; pandapower stops at 10 by default)
MAX_ITERATIONS = 30


@dataclass(frozen=True)
class Grid:
    """An MV/LV grid as tables (see the module docstring), fed at ``infeed_bus``.

    ``infeeds``: further infeeds (INFEED_COLUMNS), each an HV/MV station holding its bus at
    ``vm_pu`` from ``from_year`` on (missing: always).
    """

    buses: pd.DataFrame
    stations: pd.DataFrame
    cables: pd.DataFrame
    infeed_bus: str
    infeed_vm_pu: float = 1.0
    infeeds: pd.DataFrame | None = None


@dataclass(frozen=True)
class GridResult:
    """A solved state: per station, cable and bus (ids as in the grid's tables).

    A station or cable out of service in the state's year (or cut off) carries nothing (0); a bus
    cut off from every infeed has no voltage (NaN).
    """

    stations: pd.DataFrame  # station_id, p_kw (into the station, MV side), loading_pct
    cables: pd.DataFrame  # cable_id, i_a (the larger end), loading_pct
    buses: pd.DataFrame  # bus_id, vm_pu


@cache
def _std_table(kind: str) -> pd.DataFrame:
    """The standard types of ``kind`` (trafo, line) in pandapower's library; not to be changed."""
    import pandapower as pp

    return pp.available_std_types(pp.create_empty_network(), kind)


@cache
def cable_data(std_type: str) -> tuple[float, float, float]:
    """Rated current (kA), resistance and reactance (ohm/km) of a pandapower line standard type."""
    row = _std_table("line").loc[std_type]
    return float(row["max_i_ka"]), float(row["r_ohm_per_km"]), float(row["x_ohm_per_km"])


def _std_names(df: pd.DataFrame) -> pd.Series:
    """Each row's std_type ("" where none)."""
    if "std_type" not in df.columns:
        return pd.Series("", index=df.index)
    return df["std_type"].where(df["std_type"].notna(), "").astype(str)


def _own(df: pd.DataFrame, col: str) -> pd.Series:
    """A row's own value of a parameter (NaN where not given or not a number)."""
    if col not in df.columns:
        return pd.Series(np.nan, index=df.index)
    return pd.to_numeric(df[col], errors="coerce").astype(float)


def _data(df: pd.DataFrame, kind: str, cols: dict[str, tuple[str, float]]) -> pd.DataFrame:
    """Per row, pandapower's columns: the row's own (col / divisor) where given, else its std_type's."""
    std = _std_table(kind)
    data = std.reindex(_std_names(df).to_numpy())[list(cols)].astype(float)
    data.index = df.index
    for pp_col, (col, divisor) in cols.items():
        own = _own(df, col).to_numpy(float)
        data[pp_col] = np.where(np.isnan(own), data[pp_col].to_numpy(float), own / divisor)
    return data


#: pandapower's column: (the grid table's column, divisor to pandapower's unit)
_TRAFO = {"sn_mva": ("sn_kva", 1000.0), **{p: (p, 1.0) for p in STATION_PARAMS[1:]}}
_LINE = {p: (p, 1.0) for p in CABLE_PARAMS}


def trafo_data(stations: pd.DataFrame) -> pd.DataFrame:
    """Per station, its transformer's data in pandapower's names and units (sn_mva; NaN: not given)."""
    return _data(stations, "trafo", _TRAFO)


def line_data(cables: pd.DataFrame) -> pd.DataFrame:
    """Per cable, its data in pandapower's names and units (one cable; NaN: not given)."""
    return _data(cables, "line", _LINE)


def station_rating_kva(grid: Grid) -> np.ndarray:
    """Each station's rating (kVA, all its transformers side by side), in the stations' order."""
    st = grid.stations
    return trafo_data(st)["sn_mva"].to_numpy(float) * 1000.0 * st["parallel"].to_numpy(float)


def cable_rating_ka(grid: Grid) -> np.ndarray:
    """Each cable's rated current (kA, all its cables side by side), in the cables' order."""
    c = grid.cables
    return line_data(c)["max_i_ka"].to_numpy(float) * c["parallel"].to_numpy(float)


def rule_problems(
    what: str, ids: pd.Series, values: pd.DataFrame, rules: Sequence[tuple[str, str]]
) -> list[str]:
    """One line per rule some rows break ("> 0" or ">= 0"): their ids and values (the first 5 of each)."""
    out = []
    for col, rule in rules:
        v = pd.to_numeric(values[col], errors="coerce").to_numpy(float)
        bad = ~np.isnan(v) & ~((v > 0) if rule == "> 0" else (v >= 0))
        if bad.any():
            named = ids.astype(str).to_numpy()[bad]
            shown = ", ".join(named[:5]) + (" ..." if len(named) > 5 else "")
            vals = ", ".join(f"{x:g}" for x in v[bad][:5])
            out.append(f"{what} {shown}: {col} must be {rule} (is {vals})")
    return out


#: the id column of each table (named in the messages)
_IDS = {"stations": "station_id", "cables": "cable_id", "infeeds": "bus_id"}


def _listed(name: str, df: pd.DataFrame, bad: pd.Series | np.ndarray, why: str) -> list[str]:
    """``name ids: why`` for the rows ``bad`` (the first 5), or nothing."""
    if not bad.any():
        return []
    ids = df.loc[np.asarray(bad, bool), _IDS[name]].astype(str).tolist()
    return [f"{name} {', '.join(ids[:5])}{' ...' if len(ids) > 5 else ''}: {why}"]


def _not_numbers(name: str, df: pd.DataFrame, cols: Sequence[str]) -> list[str]:
    """Rows giving something that is not a number in one of ``cols`` (empty is not given)."""
    out = []
    for col in cols:
        if col in df.columns:
            text = df[col].where(df[col].notna(), "").astype(str).str.strip()
            out += _listed(name, df, (text != "") & _own(df, col).isna(), f"{col} is not a number")
    return out


def _param_problems(
    name: str, df: pd.DataFrame, data: pd.DataFrame, cols: dict[str, tuple[str, float]]
) -> list[str]:
    """Rows whose electrical data is missing (no std_type known to pandapower, no own parameters)."""
    own_names = {pp_col: col for pp_col, (col, _) in cols.items()}
    out = _not_numbers(name, df, list(own_names.values()))
    missing = data[list(own_names)].isna().any(axis=1)
    names = _std_names(df)
    unknown = sorted(set(names[missing & (names != "")]))
    if unknown:
        out.append(f"{name}: unknown std_type {', '.join(unknown[:5])} (pandapower standard types)")
    none = missing & (names == "")
    lack = [own_names[c] for c in own_names if data.loc[none, c].isna().any()]
    why = f"no std_type and no {', '.join(lack)} (give a pandapower standard type or these parameters)"
    return out + _listed(name, df, none, why)


def _electrical_problems(grid: Grid) -> list[str]:
    """Each station's and cable's data: given (own or by type), and within its rules."""
    st, c = grid.stations, grid.cables
    t, ln = trafo_data(st), line_data(c)
    out = _param_problems("stations", st, t, _TRAFO) + _param_problems("cables", c, ln, _LINE)
    out += rule_problems("stations", st["station_id"], t.assign(sn_kva=t["sn_mva"] * 1000.0), STATION_RULES)
    out += rule_problems("cables", c["cable_id"], ln, CABLE_RULES)
    out += _listed(
        "stations", st, t["vkr_percent"] > t["vk_percent"], "vkr_percent must be at most vk_percent"
    )
    out += _listed("cables", c, (ln["r_ohm_per_km"] == 0) & (ln["x_ohm_per_km"] == 0),
                   "r_ohm_per_km and x_ohm_per_km are both 0 (no impedance)")  # fmt: skip
    for name, df in (("stations", st), ("cables", c)):
        out += _listed(
            name, df, ~(pd.to_numeric(df["parallel"], errors="coerce") >= 1), "parallel must be >= 1"
        )
    out += _not_numbers("cables", c, ("length_m", "from_year", "until_year"))
    return out + rule_problems("cables", c["cable_id"], c, (("length_m", "> 0"),))


def _columns_problems(grid: Grid) -> list[str]:
    """The columns each table must have."""
    tables = [("buses", grid.buses, BUS_COLUMNS), ("stations", grid.stations, STATION_COLUMNS),
              ("cables", grid.cables, CABLE_COLUMNS)]  # fmt: skip
    if grid.infeeds is not None:
        tables.append(("infeeds", grid.infeeds, INFEED_COLUMNS))
    out = []
    for name, df, cols in tables:
        missing = [c for c in cols if c not in df.columns]
        if missing:
            out.append(f"{name}: missing column(s) {', '.join(missing)}")
    return out


def check_grid(grid: Grid, where: str = "the grid") -> None:
    """Every reference and value of the grid's tables valid, or one InputError naming them all."""
    problems = _columns_problems(grid)
    if problems:
        raise InputError(f"{where}: " + "; ".join(problems))
    buses = set(grid.buses["bus_id"].astype(str))
    if grid.infeed_bus not in buses:
        problems.append(f"infeed bus {grid.infeed_bus!r} is not a bus")
    if not (pd.to_numeric(grid.buses["vn_kv"], errors="coerce") > 0).all():
        problems.append("buses: vn_kv must be > 0")
    ends: list[tuple[str, pd.DataFrame, tuple[str, ...]]] = [
        ("stations", grid.stations, ("mv_bus", "lv_bus")),
        ("cables", grid.cables, ("from_bus", "to_bus")),
    ]
    if grid.infeeds is not None:
        ends.append(("infeeds", grid.infeeds, ("bus_id",)))
        problems += rule_problems("infeeds", grid.infeeds["bus_id"], grid.infeeds, (("vm_pu", "> 0"),))
        problems += _not_numbers("infeeds", grid.infeeds, ("vm_pu", "from_year"))
    for name, df, cols in ends:
        for end in cols:
            problems += _listed(name, df, ~df[end].astype(str).isin(buses), f"{end} is not a bus")
    problems += _electrical_problems(grid)
    if problems:
        raise InputError(f"{where}: " + "; ".join(problems))


def _in_year(from_year: np.ndarray, year: int | None, until_year: np.ndarray | None = None) -> np.ndarray:
    """In service in ``year``: from ``from_year`` (NaN: always) until before ``until_year`` (NaN: never).

    Without a year: what has no from_year (the grid before any change).
    """
    on = np.isnan(from_year) if year is None else np.isnan(from_year) | (from_year <= year)
    if until_year is not None and year is not None:
        on &= np.isnan(until_year) | (year < until_year)
    return on


def _years(df: pd.DataFrame | None, col: str = "from_year") -> np.ndarray:
    """Each row's ``col`` (NaN: none), or none without the table."""
    if df is None:
        return np.full(0, np.nan)
    if col not in df.columns:
        return np.full(len(df), np.nan)
    return pd.to_numeric(df[col], errors="coerce").to_numpy(float)


def _net(grid: Grid) -> Any:  # a pandapowerNet
    """The pandapower net of a grid, a load of 0 on every bus; elements named by the grid's ids."""
    import pandapower as pp

    net = pp.create_empty_network()
    ids = grid.buses["bus_id"].astype(str).tolist()
    idx = pp.create_buses(net, len(ids), vn_kv=grid.buses["vn_kv"].to_numpy(float), name=ids)
    bus = dict(zip(ids, (int(k) for k in idx), strict=True))
    pp.create_ext_grid(net, bus[grid.infeed_bus], vm_pu=grid.infeed_vm_pu)
    if grid.infeeds is not None:
        on = _in_year(_years(grid.infeeds), None)
        for b, vm, live in zip(grid.infeeds["bus_id"].astype(str), grid.infeeds["vm_pu"], on, strict=True):
            pp.create_ext_grid(net, bus[b], vm_pu=float(vm), name=b, in_service=bool(live))
    _stations(net, grid.stations, bus)
    _cables(net, grid.cables, bus)
    pp.create_loads(net, list(idx), p_mw=0.0, q_mvar=0.0, name=ids)
    return net


def _labels(df: pd.DataFrame) -> list[str | None]:
    """Each row's std_type as a label (None where none)."""
    return [n or None for n in _std_names(df)]


def _stations(net: Any, st: pd.DataFrame, bus: dict[str, int]) -> None:
    """MV/LV transformers from their own or their standard types' data, in one call."""
    import pandapower as pp

    if st.empty:
        return
    data = trafo_data(st)
    pp.create_transformers_from_parameters(
        net, [bus[str(b)] for b in st["mv_bus"]], [bus[str(b)] for b in st["lv_bus"]],
        **{c: data[c].to_numpy(float) for c in _TRAFO},  # (vector group: only for unbalanced flows)
        parallel=st["parallel"].to_numpy(int), name=st["station_id"].astype(str).tolist(),
        std_type=_labels(st),
    )  # fmt: skip


def _cables(net: Any, c: pd.DataFrame, bus: dict[str, int]) -> None:
    """Cables from their own or their standard types' data, in one call (in service: see solve)."""
    import pandapower as pp

    if c.empty:
        return
    data = line_data(c)
    pp.create_lines_from_parameters(
        net, [bus[str(b)] for b in c["from_bus"]], [bus[str(b)] for b in c["to_bus"]],
        length_km=c["length_m"].to_numpy(float) / 1000.0, **{k: data[k].to_numpy(float) for k in _LINE},
        parallel=c["parallel"].to_numpy(int), name=c["cable_id"].astype(str).tolist(), std_type=_labels(c),
        in_service=_in_year(_years(c), None),
    )  # fmt: skip


class GridSolver:
    """A grid built once as a pandapower net; each :meth:`solve` sets the loads and runs the power flow."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self._net = _net(grid)
        self._row = pd.Series(np.arange(len(self._net.load)), index=self._net.load["name"].to_numpy())
        self._infeed_year = _years(grid.infeeds)  # ext_grid rows 1.. in the infeeds' order
        self._cable_years = (_years(grid.cables), _years(grid.cables, "until_year"))

    def solve(self, loads: pd.DataFrame, year: int | None = None) -> GridResult:
        """The state under ``loads`` (LOAD_COLUMNS; several rows on one bus are summed) in ``year``.

        Infeeds and cables with a ``from_year`` are in service from that year on, cables with an
        ``until_year`` until the year before (without a year: the grid before any change).
        """
        import pandapower as pp

        per_bus = loads.groupby(loads["bus_id"].astype(str))[["p_kw", "q_kvar"]].sum()
        unknown = sorted(set(per_bus.index) - set(self._row.index))
        if unknown:
            raise InputError(f"loads on unknown bus(es): {', '.join(unknown[:5])}")
        net = self._net
        rows = self._row[per_bus.index].to_numpy()
        net.load["p_mw"] = 0.0
        net.load["q_mvar"] = 0.0
        net.load.loc[net.load.index[rows], "p_mw"] = per_bus["p_kw"].to_numpy(float) / 1000.0
        net.load.loc[net.load.index[rows], "q_mvar"] = per_bus["q_kvar"].to_numpy(float) / 1000.0
        if len(self._infeed_year):
            net.ext_grid.loc[net.ext_grid.index[1:], "in_service"] = _in_year(self._infeed_year, year)
        if len(self._cable_years[0]):
            net.line["in_service"] = _in_year(self._cable_years[0], year, self._cable_years[1])
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                # Newton-Raphson; the Dyn5 stations' 150° shift needs more than the default 10
                # iterations from pandapower's start values
                pp.runpp(net, max_iteration=MAX_ITERATIONS)
        except pp.powerflow.LoadflowNotConverged as exc:
            raise ConvergenceError(f"the grid's power flow did not converge: {exc}") from exc
        return _result(net)


def run_grid(grid: Grid, loads: pd.DataFrame, year: int | None = None) -> GridResult:
    """Solve one state: the AC power flow of ``grid`` under ``loads`` (LOAD_COLUMNS) in ``year``."""
    return GridSolver(grid).solve(loads, year)


def _result(net: Any) -> GridResult:
    """Per station, cable and bus, the solved state (nothing through what is out of service)."""
    rt, rl, rb = net.res_trafo, net.res_line, net.res_bus
    stations = pd.DataFrame(
        {
            "station_id": net.trafo["name"].to_numpy(),
            "p_kw": rt["p_hv_mw"].fillna(0.0).to_numpy(float) * 1000.0,
            "loading_pct": rt["loading_percent"].fillna(0.0).to_numpy(float),
        }
    )
    cables = pd.DataFrame(
        {
            "cable_id": net.line["name"].to_numpy(),
            "i_a": np.maximum(rl["i_from_ka"], rl["i_to_ka"]).fillna(0.0).to_numpy(float) * 1000.0,
            "loading_pct": rl["loading_percent"].fillna(0.0).to_numpy(float),
        }
    )
    buses = pd.DataFrame({"bus_id": net.bus["name"].to_numpy(), "vm_pu": rb["vm_pu"].to_numpy(float)})
    return GridResult(stations, cables, buses)


def violations(
    result: GridResult, max_loading_pct: float = 100.0, vm_band_pu: tuple[float, float] = EN50160_BAND_PU
) -> pd.DataFrame:
    """What is past the limits: element (station/cable/bus), id, quantity, value, limit."""
    rows: list[dict[str, object]] = []
    for element, df, ident in (
        ("station", result.stations, "station_id"),
        ("cable", result.cables, "cable_id"),
    ):
        over = df[df["loading_pct"] > max_loading_pct]
        for i, v in zip(over[ident], over["loading_pct"], strict=True):
            rows.append({"element": element, "id": str(i), "quantity": "loading_pct", "value": float(v),
                         "limit": max_loading_pct})  # fmt: skip
    lo, hi = vm_band_pu
    for b, v in zip(result.buses["bus_id"], result.buses["vm_pu"], strict=True):
        if v < lo or v > hi:
            rows.append({"element": "bus", "id": str(b), "quantity": "vm_pu", "value": float(v),
                         "limit": lo if v < lo else hi})  # fmt: skip
    return pd.DataFrame(rows, columns=["element", "id", "quantity", "value", "limit"])
