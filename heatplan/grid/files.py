"""A real grid instead of the synthetic one: a pandapower network (JSON) and a map of blocks to its buses.

``read_grid(grid_path, map_path, blocks)`` returns what :func:`heatplan.grid.synthetic.synthetic_grid`
returns: the grid's tables (:class:`~heatplan.grid.powerflow.Grid`) and per block its LV bus and
station (block_id, bus_id, station_id). The network is a pandapower JSON file
(``pandapower.to_json``); its buses, two-winding transformers (the stations), lines (the cables)
and external grids (the infeeds: the first one's bus feeds the grid, further ones are extra
infeeds, always in service) become the grid's tables, each element named by its ``name`` where
that is set and unique in its table, else by its table and index (``bus12``, ``trafo3``,
``line7``). Only what is in service counts: out-of-service elements, and lines and transformers
behind an open switch, are left out; buses joined by a closed bus-bus switch are one bus. The
net's loads, generators and shunts are not read (the plan sets the loads). The map is a CSV with
``block_id,bus_id``: every block of the stock on one low-voltage bus of the net; its station is the
transformer whose LV side reaches that bus through lines (the nearest by line length). Anything
wrong is one :class:`~heatplan.errors.InputError` naming the file, the row or element and what is
expected (docs/grid.md, *A real grid*).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from heatplan.errors import InputError
from heatplan.grid.powerflow import Grid, check_grid, rule_problems

MAP_COLUMNS = ("block_id", "bus_id")
#: the objects (module, class) a pandapower network JSON holds; the file is refused before pandapower
#: reads it if it names any other (pandapower's reader imports and calls what a file names)
SAFE_OBJECTS = frozenset({
    ("pandapower.auxiliary", "pandapowerNet"), ("pandas.core.frame", "DataFrame"),
    ("pandas.core.series", "Series"), ("geopandas.geodataframe", "GeoDataFrame"),
})  # fmt: skip
#: branch elements heatplan does not convert: a net with one of them in service is refused
UNSUPPORTED = ("trafo3w", "impedance", "dcline", "tcsc", "line_dc", "vsc", "b2b_vsc", "bi_vsc")
#: low voltage: below 1 kV (IEC 60038); blocks hang on LV buses
LV_MAX_KV = 1.0
EXPECTED = "a pandapower network saved with pandapower.to_json"


def read_grid(grid_path: Path, map_path: Path, blocks: pd.DataFrame) -> tuple[Grid, pd.DataFrame]:
    """The grid of ``grid_path`` and per block of ``blocks`` its bus and station (``map_path``)."""
    grid_path, map_path = Path(grid_path), Path(map_path)
    net = _load_net(grid_path)
    grid, bus_of = _grid(net, grid_path)
    check_grid(grid, str(grid_path))
    rows = _read_map(map_path, grid_path, bus_of, grid, blocks)
    rows["station_id"] = _stations_of(grid, rows, map_path, grid_path)
    order = blocks["block_id"].astype(str).to_numpy()
    return grid, rows.set_index("block_id").loc[order].reset_index()[["block_id", "bus_id", "station_id"]]


def _load_net(path: Path) -> Any:  # a pandapowerNet
    """The pandapower net of ``path``, once the file is known to be one (and to name nothing else)."""
    import pandapower as pp

    if not path.is_file():
        raise InputError(f"{path}: no such file (expected {EXPECTED})")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a text file (expected {EXPECTED})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON (line {exc.lineno}: {exc.msg}; expected {EXPECTED})") from None
    if not isinstance(doc, dict) or (doc.get("_module"), doc.get("_class")) != (
        "pandapower.auxiliary", "pandapowerNet"
    ):  # fmt: skip
        raise InputError(f"{path}: JSON, but not a pandapower network (expected {EXPECTED})")
    other = sorted(_objects(doc) - SAFE_OBJECTS)
    if other:
        shown = ", ".join(f"{m}.{c}" for m, c in other[:3])
        raise InputError(
            f"{path}: holds objects heatplan does not load ({shown}); a pandapower network's tables are "
            "pandas DataFrames: save the net without controllers or other objects"
        )
    try:
        return pp.from_json(str(path))
    except Exception as exc:  # pandapower's reader fails in many ways on a damaged file: all are the file's
        raise InputError(f"{path}: could not be read as a pandapower network ({exc})") from None


def _objects(doc: Any) -> set[tuple[str, str]]:
    """Every (module, class) a pandapower JSON document names, nested JSON strings included."""
    found: set[tuple[str, str]] = set()
    todo = [doc]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            if "_module" in item or "_class" in item:
                found.add((str(item.get("_module")), str(item.get("_class"))))
            todo += item.values()
        elif isinstance(item, list):
            todo += item
        elif isinstance(item, str) and item[:1] in "{[" and '"_module"' in item:
            try:
                todo.append(json.loads(item))
            except json.JSONDecodeError:
                continue
    return found


def _ids(df: pd.DataFrame, prefix: str) -> pd.Series:
    """Each element's id: its name where set and unique in the table, else prefix + index."""
    fallback = pd.Series([f"{prefix}{i}" for i in df.index], index=df.index, dtype=object)
    if "name" not in df.columns:
        return fallback
    name = df["name"].where(df["name"].notna(), "").astype(str).str.strip()
    ok = (name != "") & name.map(name.value_counts()).eq(1)
    ids = name.where(ok, fallback)
    return ids if ids.is_unique else fallback


def _fused(net: Any) -> pd.Series:
    """Per in-service bus (index), the bus it is one with (closed bus-bus switches): the lowest index."""
    live = net.bus.index[net.bus["in_service"].astype(bool)]
    g = nx.Graph()
    g.add_nodes_from(int(b) for b in live)
    sw = net.switch
    bb = sw[(sw["et"] == "b") & sw["closed"].astype(bool)]
    g.add_edges_from(
        (int(a), int(b)) for a, b in zip(bb["bus"], bb["element"], strict=True) if a in g and b in g
    )
    rep = {b: min(comp) for comp in nx.connected_components(g) for b in comp}
    return pd.Series(rep, dtype=int).reindex(live)


def _cut(net: Any, et: str) -> set[int]:
    """Elements of kind ``et`` (l: line, t: transformer) cut off by an open switch."""
    sw = net.switch
    return {int(e) for e in sw.loc[(sw["et"] == et) & ~sw["closed"].astype(bool), "element"]}


def _live(net: Any, table: str, ends: tuple[str, str], rep: pd.Series, et: str) -> pd.DataFrame:
    """The in-service rows of ``table`` on in-service buses, not cut off by a switch."""
    df = net[table]
    on = df["in_service"].astype(bool) & ~df.index.isin(list(_cut(net, et)))
    for end in ends:
        on &= df[end].isin(rep.index)
    return df[on]


def _grid(net: Any, path: Path) -> tuple[Grid, pd.Series]:
    """The grid's tables from the net, and per bus id of the file its bus in the grid (NaN: none)."""
    rep = _fused(net)
    ids = _ids(net.bus, "bus")
    grid_id = pd.Series(ids.reindex(rep.to_numpy()).to_numpy(), index=rep.index)  # live bus -> grid bus
    lines = _live(net, "line", ("from_bus", "to_bus"), rep, "l")
    lines = lines[rep.reindex(lines["from_bus"]).to_numpy() != rep.reindex(lines["to_bus"]).to_numpy()]
    trafos = _live(net, "trafo", ("hv_bus", "lv_bus"), rep, "t")
    ext = net.ext_grid[net.ext_grid["in_service"].astype(bool) & net.ext_grid["bus"].isin(rep.index)]
    problems = _net_problems(net, lines, trafos, ext, ids)
    if problems:
        raise InputError(f"{path}: " + "; ".join(problems))
    kept = sorted(set(rep.to_numpy()))
    buses = pd.DataFrame({"bus_id": ids.reindex(kept).to_numpy(),
                          "vn_kv": net.bus.loc[kept, "vn_kv"].to_numpy(float)})  # fmt: skip
    buses[["x_rd", "y_rd"]] = _xy(net.bus.loc[kept])
    first, more = ext.iloc[0], ext.iloc[1:]
    infeeds = pd.DataFrame({"bus_id": grid_id.reindex(more["bus"]).to_numpy(dtype=object),
                            "vm_pu": more["vm_pu"].to_numpy(float), "from_year": np.nan})  # fmt: skip
    grid = Grid(
        buses,
        _station_table(trafos, _ids(net.trafo, "trafo"), grid_id),
        _cable_table(lines, _ids(net.line, "line"), grid_id),
        infeed_bus=str(grid_id[int(first["bus"])]),
        infeed_vm_pu=float(first["vm_pu"]),
        infeeds=infeeds if len(infeeds) else None,
    )
    return grid, pd.Series(grid_id.reindex(ids.index).to_numpy(dtype=object), index=ids.to_numpy())


#: what each in-service element's data must be, in the file's own names
NET_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "trafo": (("sn_mva", "> 0"), ("vn_hv_kv", "> 0"), ("vn_lv_kv", "> 0"), ("vk_percent", "> 0"),
              ("vkr_percent", ">= 0"), ("pfe_kw", ">= 0"), ("i0_percent", ">= 0"), ("parallel", "> 0")),
    "line": (("length_km", "> 0"), ("max_i_ka", "> 0"), ("df", "> 0"), ("r_ohm_per_km", ">= 0"),
             ("x_ohm_per_km", ">= 0"), ("c_nf_per_km", ">= 0"), ("parallel", "> 0")),
    "ext_grid": (("vm_pu", "> 0"),),
}  # fmt: skip


def _net_problems(
    net: Any, lines: pd.DataFrame, trafos: pd.DataFrame, ext: pd.DataFrame, bus_ids: pd.Series
) -> list[str]:
    """What heatplan cannot take from the net: each problem names the element and what is expected."""
    out = []
    if ext.empty:
        out.append("no external grid (ext_grid) in service: one is needed as the infeed (the HV/MV station)")
    for name in UNSUPPORTED:
        df = net.get(name)
        if (
            df is not None
            and len(df)
            and df.get("in_service", pd.Series(True, index=df.index)).astype(bool).any()
        ):
            out.append(
                f"{len(df)} {name} element(s): not read by heatplan (two-winding transformers and lines only)"
            )
    bus = net.bus[net.bus["in_service"].astype(bool)]
    out += rule_problems("bus", bus_ids.reindex(bus.index), bus, (("vn_kv", "> 0"),))
    for table, df, prefix in (
        ("trafo", trafos, "trafo"),
        ("line", lines, "line"),
        ("ext_grid", ext, "ext_grid"),
    ):
        ids = _ids(net[table], prefix).reindex(df.index)
        out += rule_problems(table, ids, df, NET_RULES[table])
    ids = _ids(net.trafo, "trafo").reindex(trafos.index)
    over = _num(trafos, "vkr_percent") > _num(trafos, "vk_percent")
    if over.any():
        out.append(f"trafo {', '.join(ids[over].tolist()[:5])}: vkr_percent must be at most vk_percent")
    derated = _num(trafos, "df", 1.0) != 1.0
    if derated.any():
        out.append(f"trafo {', '.join(ids[derated].tolist()[:5])}: df (derating) must be 1 (not read)")
    out += _tap_problems(trafos, ids)
    return out


def _num(df: pd.DataFrame, col: str, default: float = np.nan) -> pd.Series:
    """A column as numbers (NaN: not a number), or ``default`` where the table has no such column."""
    if col not in df.columns:
        return pd.Series(default, index=df.index, dtype=float)
    return pd.to_numeric(df[col], errors="coerce").astype(float)


def _tap_columns(trafos: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Per transformer the tap's steps off neutral (0: none), its step (%) and its changer type."""
    step = _num(trafos, "tap_step_percent").fillna(0.0)
    diff = (_num(trafos, "tap_pos") - _num(trafos, "tap_neutral")).fillna(0.0).where(step != 0, 0.0)
    if "tap_changer_type" in trafos.columns:
        return diff, step, trafos["tap_changer_type"].astype(object)
    return diff, step, pd.Series("Ratio", index=trafos.index, dtype=object)  # before pandapower 3


def _tap_problems(trafos: pd.DataFrame, ids: pd.Series) -> list[str]:
    """Transformers whose tap is off neutral in a way heatplan does not model (phase-shifting, tabular)."""
    diff, _, kind = _tap_columns(trafos)
    table = pd.Series(False, index=trafos.index)
    if "tap_dependency_table" in trafos.columns:
        table = (
            trafos["tap_dependency_table"].astype(object).where(trafos["tap_dependency_table"].notna(), False)
        )
    odd = (diff != 0) & (
        (kind == "Ideal") | (_num(trafos, "tap_step_degree").fillna(0.0) != 0) | table.astype(bool)
    )
    odd |= _num(trafos, "tap2_pos").notna() & (_num(trafos, "tap2_pos") != _num(trafos, "tap2_neutral"))
    if not odd.any():
        return []
    return [f"trafo {', '.join(ids[odd].astype(str).tolist()[:5])}: a phase-shifting, tabular or second tap "
            "changer off its neutral position is not read (set tap_pos to tap_neutral)"]  # fmt: skip


def _tapped(trafos: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The rated voltages (kV) at the tap's position: pandapower's ratio and symmetrical tap changers."""
    diff, step, kind = _tap_columns(trafos)
    factor = (1.0 + diff * step / 100.0).where(kind.isin(["Ratio", "Symmetrical"]), 1.0).to_numpy(float)
    side = (
        trafos["tap_side"].astype(object).to_numpy()
        if "tap_side" in trafos.columns
        else np.full(len(trafos), None)
    )
    hv = trafos["vn_hv_kv"].to_numpy(float) * np.where(side == "hv", factor, 1.0)
    lv = trafos["vn_lv_kv"].to_numpy(float) * np.where(side == "lv", factor, 1.0)
    return hv, lv


def _xy(bus: pd.DataFrame) -> np.ndarray:
    """Each bus's point (the net's ``geo``, GeoJSON), NaN where none."""
    out = np.full((len(bus), 2), np.nan)
    if "geo" not in bus.columns:
        return out
    for k, geo in enumerate(bus["geo"]):
        try:
            point = json.loads(geo) if isinstance(geo, str) else geo
            if isinstance(point, dict) and point.get("type") == "Point":
                out[k] = [float(v) for v in point["coordinates"][:2]]
        except (ValueError, TypeError, KeyError, IndexError):
            continue
    return out


def _label(df: pd.DataFrame) -> np.ndarray:
    """Each element's std_type as a label (None where none)."""
    if "std_type" not in df.columns:
        return np.full(len(df), None, dtype=object)
    return df["std_type"].astype(object).where(df["std_type"].notna(), None).to_numpy()


def _station_table(trafos: pd.DataFrame, ids: pd.Series, grid_id: pd.Series) -> pd.DataFrame:
    """The grid's stations: one per in-service transformer, with its own data (taps folded in)."""
    hv, lv = _tapped(trafos)
    return pd.DataFrame({
        "station_id": ids.reindex(trafos.index).to_numpy(dtype=object),
        "mv_bus": grid_id.reindex(trafos["hv_bus"]).to_numpy(dtype=object),
        "lv_bus": grid_id.reindex(trafos["lv_bus"]).to_numpy(dtype=object),
        "parallel": trafos["parallel"].to_numpy(int), "std_type": _label(trafos),
        "sn_kva": trafos["sn_mva"].to_numpy(float) * 1000.0, "vn_hv_kv": hv, "vn_lv_kv": lv,
        **{c: trafos[c].to_numpy(float) for c in ("vk_percent", "vkr_percent", "pfe_kw", "i0_percent")},
        "shift_degree": pd.to_numeric(trafos["shift_degree"], errors="coerce").fillna(0.0).to_numpy(float),
    })  # fmt: skip


def _cable_table(lines: pd.DataFrame, ids: pd.Series, grid_id: pd.Series) -> pd.DataFrame:
    """The grid's cables: one per in-service line, with its own data (its derating in its rated current)."""
    return pd.DataFrame({
        "cable_id": ids.reindex(lines.index).to_numpy(dtype=object),
        "from_bus": grid_id.reindex(lines["from_bus"]).to_numpy(dtype=object),
        "to_bus": grid_id.reindex(lines["to_bus"]).to_numpy(dtype=object),
        "length_m": lines["length_km"].to_numpy(float) * 1000.0,
        "parallel": lines["parallel"].to_numpy(int), "std_type": _label(lines),
        **{c: lines[c].to_numpy(float) for c in ("r_ohm_per_km", "x_ohm_per_km", "c_nf_per_km")},
        "max_i_ka": lines["max_i_ka"].to_numpy(float) * lines["df"].to_numpy(float),
    })  # fmt: skip


def _rows(frame: pd.DataFrame, mask: pd.Series | np.ndarray) -> str:
    """``row 3`` / ``rows 3, 5, ...`` of a CSV (row 1: the header)."""
    rows = [str(int(i) + 2) for i in frame.index[np.asarray(mask, bool)]]
    return ("row " if len(rows) == 1 else "rows ") + ", ".join(rows[:5]) + (" ..." if len(rows) > 5 else "")


def _first(values: pd.Series, mask: pd.Series | np.ndarray) -> str:
    """The first 5 of ``values`` where ``mask``, comma-separated."""
    shown = values[np.asarray(mask, bool)].astype(str).tolist()
    return ", ".join(shown[:5]) + (" ..." if len(shown) > 5 else "")


def _read_table(path: Path) -> pd.DataFrame:
    """The map's rows as text (block_id, bus_id stripped)."""
    if not path.is_file():
        raise InputError(f"{path}: no such file (expected a CSV with columns {', '.join(MAP_COLUMNS)})")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSV ({str(exc).strip()})") from None
    missing = [c for c in MAP_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(missing)} (expected {', '.join(MAP_COLUMNS)}; has "
            f"{', '.join(map(str, raw.columns[:6])) or 'none'})"
        )
    return raw[list(MAP_COLUMNS)].apply(lambda c: c.str.strip())


def _read_map(
    map_path: Path, grid_path: Path, bus_of: pd.Series, grid: Grid, blocks: pd.DataFrame
) -> pd.DataFrame:
    """The map's rows (index: row in the file - 2): block_id, and bus_id as the grid's bus."""
    m = _read_table(map_path)
    problems = []
    empty = (m["block_id"] == "") | (m["bus_id"] == "")
    if empty.any():
        problems.append(f"{_rows(m, empty)}: block_id and bus_id must both be given")
    twice = m["block_id"].duplicated(keep=False) & ~empty
    if twice.any():
        shown = ", ".join(sorted(set(m.loc[twice, "block_id"]))[:5])
        problems.append(f"{_rows(m, twice)}: block(s) {shown} given more than once (one bus per block)")
    stock = blocks["block_id"].astype(str)
    extra = ~m["block_id"].isin(set(stock)) & ~empty
    if extra.any():
        problems.append(
            f"{_rows(m, extra)}: block(s) {', '.join(m.loc[extra, 'block_id'].tolist()[:5])} not in the stock"
        )
    unknown = ~m["bus_id"].isin(bus_of.index) & ~empty
    if unknown.any():
        shown = _first(m["bus_id"].map(repr), unknown)
        problems.append(f"{_rows(m, unknown)}: bus {shown} not in {grid_path} (a bus's name there, or "
                        "bus<index> where it has none or shares it)")  # fmt: skip
    at = bus_of.reindex(m["bus_id"]).to_numpy(dtype=object)
    off = ~unknown & ~empty & pd.isna(at)
    if off.any():
        problems.append(f"{_rows(m, off)}: bus {_first(m['bus_id'], off)} out of service in {grid_path}")
    kv = grid.buses.set_index("bus_id")["vn_kv"].reindex(at).to_numpy(float)
    high = ~np.isnan(kv) & (kv >= LV_MAX_KV)
    if high.any():
        problems.append(f"{_rows(m, high)}: bus {_first(m['bus_id'], high)} at {kv[high][0]:g} kV, not a "
                        f"low-voltage bus (below {LV_MAX_KV:g} kV)")  # fmt: skip
    lacking = stock[~stock.isin(set(m["block_id"]))].tolist()
    if lacking:
        problems.append(f"{len(lacking)} block(s) of the stock have no bus: {', '.join(lacking[:5])}"
                        f"{' ...' if len(lacking) > 5 else ''} (every block needs one row)")  # fmt: skip
    if problems:
        raise InputError(f"{map_path}: " + "; ".join(problems))
    return pd.DataFrame({"block_id": m["block_id"], "bus_id": at}, index=m.index)


def _stations_of(grid: Grid, rows: pd.DataFrame, map_path: Path, grid_path: Path) -> pd.Series:
    """Each row's station: the transformer whose LV side reaches its bus through lines (the nearest)."""
    g = nx.Graph()
    g.add_nodes_from(grid.buses["bus_id"])
    c = grid.cables.sort_values("length_m", kind="stable", ascending=False)  # the shortest of parallel routes
    g.add_edges_from(
        (a, b, {"m": m}) for a, b, m in zip(c["from_bus"], c["to_bus"], c["length_m"], strict=True)
    )
    st = grid.stations.drop_duplicates("lv_bus")
    _, paths = nx.multi_source_dijkstra(g, set(st["lv_bus"]), weight="m")
    by_lv = dict(zip(st["lv_bus"], st["station_id"], strict=True))
    station = pd.Series(
        [by_lv[paths[b][0]] if b in paths else None for b in rows["bus_id"]], index=rows.index
    )
    problems = []
    alone = station.isna()
    if alone.any():
        problems.append(f"{_rows(rows, alone)}: bus {_first(rows['bus_id'], alone)} reached from no "
                        f"transformer's LV side through the lines of {grid_path}")  # fmt: skip
    g.add_edges_from(zip(grid.stations["mv_bus"], grid.stations["lv_bus"], strict=True))
    fed = set(nx.node_connected_component(g, grid.infeed_bus))
    for b in [] if grid.infeeds is None else grid.infeeds["bus_id"]:
        fed |= nx.node_connected_component(g, b)
    cut = ~alone & ~rows["bus_id"].isin(fed)
    if cut.any():
        problems.append(f"{_rows(rows, cut)}: bus {_first(rows['bus_id'], cut)} not connected to an "
                        f"infeed (ext_grid) of {grid_path}")  # fmt: skip
    if problems:
        raise InputError(f"{map_path}: " + "; ".join(problems))
    return station
