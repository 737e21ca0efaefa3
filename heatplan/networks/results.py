"""Tables and files from a simulation Dataset: pipes.csv, consumers.csv, GeoJSON, summary, NetCDF."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from heatplan import failures
from heatplan.io import atomic_dir
from heatplan.networks.layout import Layout
from heatplan.networks.verdict import failures_table

PIPE_COLUMNS = (
    "pipe_id",
    "edge_id",
    "kind",
    "line",
    "from_node",
    "to_node",
    "length_m",
    "inner_diameter_m",
    "outer_diameter_m",
    "dn",
    "u_w_per_m2k",
    "t_soil_c",
    "roughness_mm",
    "mdot_kg_per_s",
    "v_m_per_s",
    "t_from_c",
    "t_to_c",
    "p_from_bar",
    "p_to_bar",
    "pressure_gradient_pa_per_m",
    "heat_loss_w",
    "source_id",
)
CONSUMER_COLUMNS = (
    "block_id",
    "source_id",
    "label",
    "dwellings",
    "node_supply",
    "node_return",
    "heat_w",
    "mdot_kg_per_s",
    "t_supply_c",
    "t_return_c",
    "return_setpoint_c",
    "dp_bar",
    "required_supply_c",
    "simulated",
    "ok",
    "reason",
)
CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}


def pipes_table(ds: xr.Dataset) -> pd.DataFrame:
    """One row per simulated pipe (supply and return)."""
    if "pipe" not in ds.dims:
        return pd.DataFrame(columns=list(PIPE_COLUMNS))
    df = ds[[v for v in ds.data_vars if ds[v].dims == ("pipe",)]].to_dataframe().reset_index()
    df = df.rename(
        columns={"pipe": "pipe_id", "pipe_source_id": "source_id", "pipe_mdot_kg_per_s": "mdot_kg_per_s"}
    )
    return df[list(PIPE_COLUMNS)]


def reasons(ds: xr.Dataset) -> np.ndarray:
    """Per block, why it fails in plain words ("" if ok), from the verdict's typed variables."""
    by_block = failures.block_reasons(failures_table(ds))
    return np.array([by_block.get(str(b), "") for b in ds["block"].to_numpy()], dtype=str)


def consumers_table(ds: xr.Dataset) -> pd.DataFrame:
    """One row per connected block (``reason`` in plain words)."""
    df = ds[[v for v in ds.data_vars if ds[v].dims == ("block",)]].to_dataframe().reset_index()
    df["reason"] = reasons(ds)
    return df.rename(columns={"block": "block_id"})[list(CONSUMER_COLUMNS)]


def network_problems(ds: xr.Dataset) -> list[str]:
    """The source failures (capacity, pump head) in plain words."""
    table = failures_table(ds)
    return [failures.words(r) for _, r in table[table["element"] != "block"].iterrows()]


def _clean(x: Any) -> Any:
    """JSON-safe scalar (NaN becomes null)."""
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def summary(ds: xr.Dataset) -> dict[str, Any]:
    """Totals and the failing blocks."""
    a = ds.attrs
    failing = ds["block"].to_numpy()[~ds["ok"].to_numpy().astype(bool)].tolist()
    return {
        "converged": bool(a.get("converged", 0)),
        "solved_with": a.get("solved_with", ""),
        "regime": a.get("regime"),
        "load_fraction": _clean(a.get("load_fraction")),
        "hot_water_only": bool(a.get("hot_water_only", 0)),
        "n_consumers": int(a.get("n_consumers", 0)),
        "heat_delivered_mw": _clean(a.get("heat_delivered_w", 0.0) / 1e6),
        "heat_source_mw": _clean(a.get("heat_source_w", 0.0) / 1e6),
        "heat_loss_pct": _clean(a.get("heat_loss_pct", 0.0)),
        "pump_power_kw": _clean(a.get("pump_power_kw", 0.0)),
        "min_supply_temp_c": _clean(a.get("min_supply_temp_c")),
        "energy_balance_residual_pct": _clean(a.get("energy_balance_residual_pct", 0.0)),
        "network_ok": bool(a.get("network_ok", 1)),
        "network_problems": network_problems(ds),
        "n_failing_blocks": len(failing),
        "failing_blocks": failing,
    }


def _node_xy(layout: Layout) -> dict[str, tuple[float, float]]:
    n = layout.nodes
    return dict(zip(n.index, zip(n["x_rd"].astype(float), n["y_rd"].astype(float), strict=True), strict=True))


def geojson(ds: xr.Dataset, layout: Layout) -> dict[str, Any]:
    """Pipes (line strings) and blocks (points) with their results, EPSG:28992."""
    xy = _node_xy(layout)
    feats: list[dict[str, Any]] = []
    for row in pipes_table(ds).to_dict("records"):
        a, b = xy[row["from_node"].rsplit(":", 1)[0]], xy[row["to_node"].rsplit(":", 1)[0]]
        props = {"feature": "pipe", **{k: _clean(v) for k, v in row.items()}}
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [list(a), list(b)]},
                "properties": props,
            }
        )
    cons = consumers_table(ds)
    cons["x_rd"], cons["y_rd"] = ds["x_rd"].to_numpy(), ds["y_rd"].to_numpy()
    for row in cons.to_dict("records"):
        geom = {"type": "Point", "coordinates": [row.pop("x_rd"), row.pop("y_rd")]}
        feats.append(
            {
                "type": "Feature",
                "geometry": geom,
                "properties": {"feature": "block", **{k: _clean(v) for k, v in row.items()}},
            }
        )
    return {"type": "FeatureCollection", "name": "heatplan network", "crs": CRS, "features": feats}


def to_netcdf_ready(ds: xr.Dataset) -> xr.Dataset:
    """Booleans as int8, object variables as strings and list attributes as JSON (for h5netcdf)."""
    out = ds.copy()
    for v in list(out.data_vars) + list(out.coords):
        if out[v].dtype == bool:
            out[v] = out[v].astype("int8")
        elif out[v].dtype == object:
            out[v] = out[v].astype(str)
    out.attrs = {k: (json.dumps(v) if isinstance(v, (list, dict)) else v) for k, v in out.attrs.items()}
    return out


def write_outputs(ds: xr.Dataset, layout: Layout, out: Path) -> None:
    """Write network.nc, pipes.csv, consumers.csv, network.geojson, summary.json (atomically).

    The per-block ``reason`` (plain words) is made here, from the verdict's typed variables.
    """
    with atomic_dir(out, "network") as tmp:
        to_netcdf_ready(ds.assign(reason=("block", reasons(ds)))).to_netcdf(
            tmp / "network.nc", engine="h5netcdf"
        )
        pipes_table(ds).to_csv(tmp / "pipes.csv", index=False)
        consumers_table(ds).to_csv(tmp / "consumers.csv", index=False)
        (tmp / "network.geojson").write_text(json.dumps(geojson(ds, layout)), encoding="utf-8")
        (tmp / "summary.json").write_text(
            json.dumps(summary(ds), indent=2, ensure_ascii=False), encoding="utf-8"
        )
