"""A deterministic synthetic MV/LV grid for a district's blocks (issue 15; docs/grid.md).

1. **Station areas.** The blocks are split by recursive bisection (along the wider axis, at the
   dwelling-weighted median) until each area's peak today fits the largest station of the series
   at ``today_max_loading`` ([grid], defaults.toml).
2. **Stations.** One MV/LV station per area at its dwelling-weighted centre; its transformer is
   the smallest of ``station_series_kva`` whose rating carries the area's peak at
   ``today_max_loading``.
3. **LV cables.** Per area a minimum spanning tree over the station and its blocks (straight
   lines times the detour factor); each cable carries ``parallel`` cables of ``lv_cable_std_type``,
   as many as its downstream peak today needs at ``today_max_loading``.
4. **MV feeders.** A minimum spanning tree over the infeed and the stations with
   ``mv_cable_std_type``, sized the same way.

Today's peak per dwelling is Vesta's appliances peak times its simultaneity ([economics.grid]),
plus an all-electric heat pump's extra for blocks heated by heat pumps today; power factor
``power_factor``. The infeed (the HV/MV station) is at ``infeed_xy`` (default: the blocks'
dwelling-weighted centre: an estimate, ours, as the real station is not in the data).

5. **The new 150 kV station** (with ``hv_station_year``): a second HV/MV infeed, bus ``hv150``, in
   service from that year, joined by MV cables to the two nearest stations' MV buses.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd

from heatplan.grid.powerflow import Grid, cable_data
from heatplan.scenario.figures import figures


def today_peak_kw(blocks: pd.DataFrame) -> np.ndarray:
    """Each block's share of the winter-evening peak today (kW, large-group simultaneity)."""
    g = figures().economics.grid
    n = blocks["dwellings"].to_numpy(float)
    hp = (blocks["heating"] == "heat_pump").to_numpy()
    per_dw = g.simultaneity * np.where(
        hp, g.heat_pump_peak_kw_per_dwelling, g.appliances_peak_kw_per_dwelling
    )
    return n * per_dw


def _areas(xy: np.ndarray, weight: np.ndarray, peak: np.ndarray, cap_kw: float) -> list[np.ndarray]:
    """Index groups from recursive bisection until each group's peak is at most ``cap_kw``."""
    out, todo = [], [np.arange(len(xy))]
    while todo:
        idx = todo.pop()
        if peak[idx].sum() <= cap_kw or len(idx) == 1:
            out.append(idx)
            continue
        axis = int(np.ptp(xy[idx], axis=0).argmax())
        order = idx[np.argsort(xy[idx, axis], kind="stable")]
        cum = np.cumsum(weight[order])
        cut = int(np.clip(np.searchsorted(cum, cum[-1] / 2.0), 1, len(order) - 1))
        todo += [order[cut:], order[:cut]]
    return sorted(out, key=lambda a: int(a.min()))


def _tree(xy: np.ndarray, detour: float) -> list[tuple[int, int, float]]:
    """Edges (parent, child, length_m) of the minimum spanning tree over ``xy``, rooted at 0."""
    g = nx.Graph()
    n = len(xy)
    for i in range(n):
        for j in range(i + 1, n):
            g.add_edge(i, j, weight=float(np.hypot(*(xy[i] - xy[j]))))
    t = nx.minimum_spanning_tree(g) if n > 1 else g
    return [(int(a), int(b), max(t[a][b]["weight"], 1.0) * detour) for a, b in nx.bfs_edges(t, 0)]


def _size_cables(
    edges: list[tuple[int, int, float]],
    below_kw: np.ndarray,
    std_type: str,
    vn_kv: float,
    max_drop: float,
    share: float | None = None,
) -> np.ndarray:
    """Cables side by side per edge, for today's loading and voltage drop.

    Today's peak loads them at most ``today_max_loading`` of their ampacity, and the voltage drop
    from the root to every node stays within ``max_drop`` (p.u.). The drop of an edge is
    ``(R·P + X·Q) / U²`` of the peak below it, divided by the cables side by side; where a path's
    drop is over, the edge on it with the largest drop gets one more cable. ``share``: the loading
    today instead of ``today_max_loading``.
    """
    f = figures().grid
    share = f.today_max_loading if share is None else share
    amp, r_km, x_km = cable_data(std_type)
    q_share = power_factor_tan()
    p_w = np.array([below_kw[b] for _, b, _ in edges]) * 1000.0
    i_ka = p_w / 1e6 / f.power_factor / (math.sqrt(3) * vn_kv)
    par = np.maximum(1, np.ceil(i_ka / (amp * share) - 1e-9)).astype(int)
    length_km = np.array([length for _, _, length in edges]) / 1000.0
    drop_1 = (r_km + x_km * q_share) * length_km * p_w / (vn_kv * 1000.0) ** 2  # with one cable
    parent = {b: (k, a) for k, (a, b, _) in enumerate(edges)}
    for _ in range(20 * max(len(edges), 1)):
        drop = drop_1 / par
        node = {0: 0.0}
        for k, (a, b, _) in enumerate(edges):  # breadth-first: a parent before its children
            node[b] = node[a] + drop[k]
        worst = max(node, key=lambda v: node[v])
        if node[worst] <= max_drop:
            break
        path, v = [], worst
        while v in parent:
            k, v = parent[v]
            path.append(k)
        par[max(path, key=lambda k: drop[k])] += 1
    return par


def _downstream(edges: list[tuple[int, int, float]], node_kw: np.ndarray) -> np.ndarray:
    """Peak (kW) below each edge's child, edges in breadth-first order."""
    below = node_kw.astype(float).copy()
    for a, b, _ in reversed(edges):
        below[a] += below[b]
    return below


def _station_kva(peak_kw: float, pf: float, share: float) -> tuple[float, int]:
    """The smallest station of the series for ``peak_kw`` (and how many side by side)."""
    series = sorted(figures().grid.station_series_kva)
    need = peak_kw / pf / share
    for kva in series:
        if need <= kva:
            return kva, 1
    return series[-1], math.ceil(need / series[-1])


def _lv(
    area: int, xy0: np.ndarray, blocks: pd.DataFrame, peak: np.ndarray, detour: float, share: float
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Buses and cables of one station's LV tree (node 0: the station's LV busbar)."""
    f = figures().grid
    xy = np.vstack([xy0, blocks[["x_rd", "y_rd"]].to_numpy(float)])
    names = [f"S{area:03d}:lv"] + [f"B:{b}" for b in blocks["block_id"].astype(str)]
    edges = _tree(xy, detour)
    below = _downstream(edges, np.concatenate([[0.0], peak]))
    par = _size_cables(edges, below, f.lv_cable_std_type, 0.4, f.lv_max_drop, share)
    buses = [
        {"bus_id": names[k], "vn_kv": 0.4, "x_rd": xy[k, 0], "y_rd": xy[k, 1]} for k in range(1, len(xy))
    ]
    cables = [
        {"cable_id": f"S{area:03d}:lv{k:03d}", "from_bus": names[a], "to_bus": names[b], "length_m": length,
         "std_type": f.lv_cable_std_type, "parallel": int(par[k])}
        for k, (a, b, length) in enumerate(edges)
    ]  # fmt: skip
    return buses, cables


def synthetic_grid(
    blocks: pd.DataFrame,
    infeed_xy: tuple[float, float] | None = None,
    hv_station_xy: tuple[float, float] | None = None,
    hv_station_year: int | None = None,
    loading_today: float | None = None,
) -> tuple[Grid, pd.DataFrame]:
    """The district's synthetic grid, and per block its LV bus and station (block_id, bus_id, station_id).

    With ``hv_station_year``, the new 150 kV station feeds the MV grid from that year on
    (:func:`_hv_station`; the programme plan, measure 65, names "een nieuw 150 kV-station met een
    MS-verbinding door Zuidwest" but not its site). It stands at ``hv_station_xy``, by default the
    dwelling-weighted centre of the southern half of the blocks (an estimate, ours).
    ``loading_today``: the share of their rating today's peak loads the MV/LV stations and LV cables
    with (default ``today_max_loading``; higher: a grid with less room left, as a congested one).
    """
    f, detour = figures().grid, figures().distribution_pipe.detour_factor
    share = f.today_max_loading if loading_today is None else loading_today
    xy = blocks[["x_rd", "y_rd"]].to_numpy(float)
    w = blocks["dwellings"].to_numpy(float)
    peak = today_peak_kw(blocks)
    cap_kw = max(f.station_series_kva) * f.power_factor * share
    areas = _areas(xy, np.maximum(w, 1.0), peak, cap_kw)
    centre = np.average(xy, axis=0, weights=np.maximum(w, 1.0))
    hv_xy = np.asarray(infeed_xy if infeed_xy is not None else centre, float)
    buses: list[dict[str, object]] = [
        {"bus_id": "infeed", "vn_kv": f.mv_kv, "x_rd": hv_xy[0], "y_rd": hv_xy[1]}
    ]
    stations, cables, where = [], [], []
    st_xy, st_kw = [hv_xy], [0.0]
    for k, idx in enumerate(areas):
        sxy = np.average(xy[idx], axis=0, weights=np.maximum(w[idx], 1.0))
        kva, par = _station_kva(float(peak[idx].sum()), f.power_factor, share)
        sid = f"S{k:03d}"
        buses += [{"bus_id": f"{sid}:mv", "vn_kv": f.mv_kv, "x_rd": sxy[0], "y_rd": sxy[1]},
                  {"bus_id": f"{sid}:lv", "vn_kv": 0.4, "x_rd": sxy[0], "y_rd": sxy[1]}]  # fmt: skip
        stations.append({"station_id": sid, "mv_bus": f"{sid}:mv", "lv_bus": f"{sid}:lv",
                         "std_type": f"{kva / 1000:g} MVA {f.mv_kv:g}/0.4 kV", "parallel": par})  # fmt: skip
        lv_buses, lv_cables = _lv(k, sxy, blocks.iloc[idx], peak[idx], detour, share)
        buses += lv_buses
        cables += lv_cables
        where += [(b, f"B:{b}", sid) for b in blocks["block_id"].iloc[idx].astype(str)]
        st_xy.append(sxy)
        st_kw.append(float(peak[idx].sum()))
    mv, below = _mv(np.array(st_xy), np.array(st_kw), detour)
    cables += mv
    grid = Grid(pd.DataFrame(buses), pd.DataFrame(stations), pd.DataFrame(cables), infeed_bus="infeed")
    if hv_station_year is not None:
        at = np.asarray(hv_station_xy, float) if hv_station_xy is not None else _south_centre(xy, w)
        grid = _hv_station(grid, at, np.array(st_xy[1:]), below[1:], hv_station_year, detour)
    return grid, pd.DataFrame(where, columns=["block_id", "bus_id", "station_id"])


def _south_centre(xy: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The dwelling-weighted centre of the blocks south of the dwelling-weighted median y (estimate, ours)."""
    weight = np.maximum(w, 1.0)
    order = np.argsort(xy[:, 1], kind="stable")
    cum = np.cumsum(weight[order])
    south = order[: max(1, int(np.searchsorted(cum, cum[-1] / 2.0)) + 1)]
    return np.average(xy[south], axis=0, weights=weight[south])


def _hv_station(
    grid: Grid, at: np.ndarray, st_xy: np.ndarray, st_below_kw: np.ndarray, year: int, detour: float
) -> Grid:
    """``grid`` with the HV/MV infeed ``hv150`` at ``at`` from ``year``, cabled to the two nearest stations.

    From ``year`` the new station takes over each of the two and what lies beyond it on its feeder:
    the MV cable into it from the first infeed is opened (``until_year``: a normally-open point, so
    the grid stays radial) and a new MV cable from ``hv150`` (``from_year``) feeds it instead, sized
    as :func:`_size_cables` sizes an MV feeder, for the peak today at and beyond the station and the
    MV voltage-drop budget over its length. Before ``year``, ``hv150`` stands alone.
    """
    f = figures().grid
    dist = np.hypot(*(st_xy - at).T)
    near = np.argsort(dist, kind="stable")[:2]
    bus = {"bus_id": "hv150", "vn_kv": f.mv_kv, "x_rd": float(at[0]), "y_rd": float(at[1])}
    cables = grid.cables.assign(until_year=np.nan)
    new = []
    for n, k in enumerate(near):
        length = max(float(dist[k]), 1.0) * detour
        par = _size_cables([(0, 1, length)], np.array([0.0, st_below_kw[k]]), f.mv_cable_std_type, f.mv_kv,
                           f.mv_max_drop)  # fmt: skip
        new.append({"cable_id": f"hv150:mv{n}", "from_bus": "hv150", "to_bus": f"S{k:03d}:mv",
                    "length_m": length, "std_type": f.mv_cable_std_type, "parallel": int(par[0]),
                    "from_year": year})  # fmt: skip
        cables.loc[cables["to_bus"] == f"S{k:03d}:mv", "until_year"] = year  # its one feeding MV cable
    infeeds = pd.DataFrame({"bus_id": ["hv150"], "vm_pu": [grid.infeed_vm_pu], "from_year": [year]})
    return Grid(
        pd.concat([grid.buses, pd.DataFrame([bus])], ignore_index=True),
        grid.stations,
        pd.concat([cables, pd.DataFrame(new)], ignore_index=True),
        infeed_bus=grid.infeed_bus,
        infeed_vm_pu=grid.infeed_vm_pu,
        infeeds=infeeds,
    )


def _mv(xy: np.ndarray, node_kw: np.ndarray, detour: float) -> tuple[list[dict[str, object]], np.ndarray]:
    """MV cables: a spanning tree from the infeed (node 0) over the stations (node k: station k-1).

    Also each node's peak today at and beyond it (kW).
    """
    f = figures().grid
    names = ["infeed"] + [f"S{k:03d}:mv" for k in range(len(xy) - 1)]
    edges = _tree(xy, detour)
    below = _downstream(edges, node_kw)
    par = _size_cables(edges, below, f.mv_cable_std_type, f.mv_kv, f.mv_max_drop)
    return [
        {"cable_id": f"mv{k:03d}", "from_bus": names[a], "to_bus": names[b], "length_m": length,
         "std_type": f.mv_cable_std_type, "parallel": int(par[k])}
        for k, (a, b, length) in enumerate(edges)
    ], below  # fmt: skip


def power_factor_tan() -> float:
    """Reactive per active power of the load at the peak (tan of the power factor's angle)."""
    return math.tan(math.acos(figures().grid.power_factor))


def block_loads(blocks: pd.DataFrame, block_bus: pd.DataFrame, p_kw: np.ndarray) -> pd.DataFrame:
    """Each block's peak ``p_kw`` as a load on its LV bus (bus_id, p_kw, q_kvar at the power factor)."""
    bus = block_bus.set_index("block_id")["bus_id"].reindex(blocks["block_id"].astype(str)).to_numpy()
    return pd.DataFrame({"bus_id": bus, "p_kw": p_kw, "q_kvar": p_kw * power_factor_tan()})


def today_loads(blocks: pd.DataFrame, block_bus: pd.DataFrame) -> pd.DataFrame:
    """Today's winter-evening peak per block as loads on its LV bus (bus_id, p_kw, q_kvar)."""
    return block_loads(blocks, block_bus, today_peak_kw(blocks))
