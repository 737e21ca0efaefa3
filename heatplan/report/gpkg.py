"""blocks.gpkg (EPSG:28992): layers ``blocks`` (points), ``pipes`` (lines) and ``sources`` (points).

A plan with the electricity-grid check adds ``grid_stations`` (points: rating, loading per year and
the highest) and ``grid_cables`` (lines: type, cables side by side, highest loading).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from heatplan.errors import InputError
from heatplan.report.plan_data import Plan, block_frame, grid_frames, pipes_frame, sources_frame

log = logging.getLogger(__name__)

CRS = "EPSG:28992"
LAYERS = ("blocks", "pipes", "sources")
_BLOCK_COLUMNS = (
    "block_id", "street", "wijk_code", "buurt_code", "owner", "owner_type", "dwellings", "label_now",
    "label_target", "option", "insulation_year", "induction_year", "connection_year", "gas_free_year",
    "demolition_year", "new_build_year", "cost_eur", "verified_ok", "fail_reason",
)  # fmt: skip


def _geo() -> tuple[Any, Any]:
    """The modules geopandas and shapely, or one clear error."""
    try:
        import geopandas
        import shapely
    except ImportError as exc:  # pragma: no cover - geopandas is a dependency
        raise InputError(
            f"blocks.gpkg needs geopandas and pyogrio: pip install 'heatplan[gis]' ({exc})"
        ) from None
    return geopandas, shapely


def layers(plan: Plan) -> dict[str, Any]:
    """The layers as GeoDataFrames (EPSG:28992)."""
    gpd, shapely = _geo()
    b = block_frame(plan.ds)
    blocks = gpd.GeoDataFrame(
        b[list(_BLOCK_COLUMNS)].copy(), geometry=gpd.points_from_xy(b["x_rd"], b["y_rd"]), crs=CRS
    )
    blocks["verified_ok"] = blocks["verified_ok"].astype(bool)
    p = pipes_frame(plan.ds)
    coords = np.stack(
        [p[["from_x", "from_y"]].to_numpy(float), p[["to_x", "to_y"]].to_numpy(float)], axis=1
    ).reshape(len(p), 2, 2)
    pipes = gpd.GeoDataFrame(
        p[["pipe_id", "regime", "dn", "length_m", "build_year", "kind"]].copy(),
        geometry=shapely.linestrings(coords) if len(p) else gpd.GeoSeries([], crs=CRS),
        crs=CRS,
    )
    s = sources_frame(plan.ds)
    sources = gpd.GeoDataFrame(
        s[["source_id", "name", "regime", "capacity_mw", "available_year"]].copy(),
        geometry=gpd.points_from_xy(s["x_rd"], s["y_rd"]),
        crs=CRS,
    )
    out = {"blocks": blocks, "pipes": pipes, "sources": sources}
    grid = grid_frames(plan.ds)
    if grid is not None:
        st, c = grid
        out["grid_stations"] = gpd.GeoDataFrame(
            st.drop(columns=["x_rd", "y_rd"]), geometry=gpd.points_from_xy(st["x_rd"], st["y_rd"]), crs=CRS
        )
        ends = np.stack(
            [c[["from_x", "from_y"]].to_numpy(float), c[["to_x", "to_y"]].to_numpy(float)], axis=1
        )
        out["grid_cables"] = gpd.GeoDataFrame(
            c.drop(columns=["from_x", "from_y", "to_x", "to_y"]), geometry=shapely.linestrings(ends), crs=CRS
        )
    return out


def write_gpkg(plan: Plan, path: Path) -> Path:
    """Write the layers to ``path`` (GeoPackage; the name need not end in .gpkg)."""
    path = Path(path)
    # GDAL wants the .gpkg extension; atomic_file's temporary name ends in .tmp, so write beside it.
    work = path.with_name(path.name + ".gpkg")
    work.unlink(missing_ok=True)
    geometry_type = {"blocks": "Point", "pipes": "LineString", "sources": "Point", "grid_stations": "Point",
                     "grid_cables": "LineString"}  # fmt: skip
    try:
        for name, gdf in layers(plan).items():
            gdf.to_file(work, layer=name, driver="GPKG", engine="pyogrio", geometry_type=geometry_type[name])
            log.debug("blocks.gpkg: layer %s, %d features", name, len(gdf))
        work.replace(path)
    finally:
        work.unlink(missing_ok=True)
    return path
