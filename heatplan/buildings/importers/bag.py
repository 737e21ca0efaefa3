"""Read BAG verblijfsobjecten and keep the dwellings that stand today.

Input: the PDOK GeoPackage (layer ``verblijfsobject``) or a CSV with the same columns.

Rules (each dropped row is counted under its reason, in this order):

* non-residential: ``gebruiksdoel`` does not contain ``woonfunctie``;
* demolished or withdrawn: pand status "Pand gesloopt", "Niet gerealiseerd pand", "Pand ten
  onrechte opgevoerd", or verblijfsobject status "Verblijfsobject ingetrokken", "Niet
  gerealiseerd verblijfsobject", "Verblijfsobject ten onrechte opgevoerd";
* permit stage (not built yet): pand status "Bouwvergunning verleend", "Bouw gestart", or
  verblijfsobject status "Verblijfsobject gevormd";
* no identifier, or a repeated identifier (the first row is kept).

"Sloopvergunning verleend" (demolition permit granted) still stands and is kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from heatplan.buildings.importers.common import (
    by_unique,
    check_encoding,
    iter_csv,
    layout_error,
    match_columns,
    norm_header,
    parse_id,
    parse_number,
    sniff_layout,
    text_of,
)
from heatplan.errors import InputError

log = logging.getLogger(__name__)

WHAT = "a BAG verblijfsobject table (PDOK bag-light layer 'verblijfsobject' or CSV)"
LAYER = "verblijfsobject"
COLUMNS: dict[str, tuple[str, ...]] = {
    "vbo_id": ("identificatie", "verblijfsobjectidentificatie", "verblijfsobjectid",
               "bagverblijfsobjectid", "vboid"),
    "area_m2": ("oppervlakte", "oppervlakteverblijfsobject", "gebruiksoppervlakte"),
    "status": ("status", "verblijfsobjectstatus"),
    "use": ("gebruiksdoel", "verblijfsobjectgebruiksdoel"),
    "construction_year": ("bouwjaar", "oorspronkelijkbouwjaar", "pandbouwjaar"),
    "pand_id": ("pandidentificatie", "pandid", "bagpandid", "pandidentificaties"),
    "pand_status": ("pandstatus",),
    "postcode": ("postcode",),
    "street": ("openbareruimtenaam", "straatnaam", "straat"),
    "x_rd": ("xrd", "x", "xcoordinaat", "rdx"),
    "y_rd": ("yrd", "y", "ycoordinaat", "rdy"),
    "wkt": ("geom", "geometrie", "geometry", "wkt", "wktgeom"),
    "buurt_code": ("buurtcode", "cbsbuurtcode", "buurt"),
    "wijk_code": ("wijkcode", "cbswijkcode", "wijk"),
    "owner": ("owner", "eigenaar"),
    "owner_type": ("ownertype", "eigenaartype", "eigendomstype"),
    "heating": ("heating", "verwarming"),
    "cooking": ("cooking", "koken"),
}  # fmt: skip
REQUIRED = ("vbo_id", "area_m2", "use", "construction_year")
TEXT_FIELDS = ("postcode", "street", "buurt_code", "wijk_code", "owner", "owner_type",
               "heating", "cooking")  # fmt: skip
_DEMOLISHED = r"gesloopt|niet gerealiseerd|ingetrokken|ten onrechte"
_PERMIT = r"bouwvergunning|bouw gestart|gevormd"


@dataclass
class BagCounts:
    """What happened to the rows of a BAG file."""

    rows_read: int = 0
    non_residential: int = 0
    demolished: int = 0
    permit_stage: int = 0
    no_id: int = 0
    duplicates: int = 0
    dwellings: int = 0
    source: str = ""
    columns: dict[str, str] = field(default_factory=dict)


def _wanted(block_column: str | None) -> dict[str, tuple[str, ...]]:
    wanted = dict(COLUMNS)
    if block_column:
        wanted["block_key"] = (norm_header(block_column, strip_pand=False),)
    return wanted


def _check_columns(path: Path, headers: list[str], cols: dict[str, str], block_column: str | None,
                   geometry: bool) -> None:  # fmt: skip
    missing = [COLUMNS[f][0] for f in REQUIRED if f not in cols]
    if not geometry and "wkt" not in cols and not {"x_rd", "y_rd"} <= set(cols):
        missing.append("x and y (RD New) or geom (WKT point)")
    if block_column and "block_key" not in cols:
        missing.append(f"{block_column} (given as --block-by)")
    if missing:
        raise layout_error(path, WHAT, missing, headers)


def _wkt_xy(wkt: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The x and y of WKT points (``POINT (x y)``, ``POINT Z (x y z)``)."""
    num = r"([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"
    xy = wkt.str.extract(rf"\(\s*{num}\s+{num}", expand=True)
    return pd.to_numeric(xy[0], errors="coerce"), pd.to_numeric(xy[1], errors="coerce")


def _matches(chunk: pd.DataFrame, cols: dict[str, str], fields: tuple[str, ...], pattern: str) -> np.ndarray:
    """Rows where any of ``fields`` matches ``pattern`` (case-insensitive regex)."""
    mask = np.zeros(len(chunk), dtype=bool)
    for f in fields:
        if f in cols:
            mask |= by_unique(
                chunk[cols[f]], lambda u: u.str.contains(pattern, case=False, regex=True), False
            )
    return mask


def _reduce_chunk(chunk: pd.DataFrame, cols: dict[str, str], counts: BagCounts) -> pd.DataFrame:
    """Filter one chunk to today's dwellings; numbers parsed, text kept as categoricals."""
    counts.rows_read += len(chunk)
    non_res = ~_matches(chunk, cols, ("use",), "woonfunctie")
    demolished = _matches(chunk, cols, ("status", "pand_status"), _DEMOLISHED) & ~non_res
    permit = _matches(chunk, cols, ("status", "pand_status"), _PERMIT) & ~non_res & ~demolished
    counts.non_residential += int(non_res.sum())
    counts.demolished += int(demolished.sum())
    counts.permit_stage += int(permit.sum())
    chunk = chunk[~(non_res | demolished | permit)]
    out = pd.DataFrame(
        {
            "vbo_id": parse_id(chunk[cols["vbo_id"]]),
            "area_m2": parse_number(chunk[cols["area_m2"]]),
            "construction_year": parse_number(chunk[cols["construction_year"]]),
        }
    )
    if "pand_id" in cols:
        out["pand_id"] = parse_id(chunk[cols["pand_id"]])
    if {"x_rd", "y_rd"} <= set(cols):
        out["x_rd"] = parse_number(chunk[cols["x_rd"]])
        out["y_rd"] = parse_number(chunk[cols["y_rd"]])
    else:
        out["x_rd"], out["y_rd"] = _wkt_xy(text_of(chunk[cols["wkt"]]))
    for f in (*TEXT_FIELDS, "block_key"):
        if f in cols:
            out[f] = chunk[cols[f]].astype("category")
    no_id = out["vbo_id"].isna()
    counts.no_id += int(no_id.sum())
    return out[~no_id]


def _read_csv(path: Path, block_column: str | None, counts: BagCounts) -> list[pd.DataFrame]:
    check_encoding(path, WHAT, [COLUMNS[f][0] for f in REQUIRED] + ["pand_identificatie", "x", "y"])
    layout = sniff_layout(path, WHAT, [COLUMNS["vbo_id"][0], COLUMNS["use"][0]], strip_pand=False)
    cols = match_columns(layout.headers, _wanted(block_column), strip_pand=False)
    _check_columns(path, list(layout.headers), cols, block_column, geometry=False)
    counts.columns, counts.source = cols, "CSV"
    text = {cols[f] for f in ("status", "use", "pand_status", *TEXT_FIELDS, "block_key") if f in cols}
    chunks = iter_csv(path, layout, sorted(set(cols.values())), sorted(text))
    return [_reduce_chunk(c, cols, counts) for c in chunks]


def _gpkg_layer(path: Path) -> str:
    import pyogrio

    try:
        layers = [str(row[0]) for row in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises DataSourceError and others
        raise InputError(f"{path}: not a readable GeoPackage ({exc})") from None
    if LAYER in layers:
        return LAYER
    if len(layers) == 1:
        return layers[0]
    raise InputError(f"{path}: no layer '{LAYER}' in this GeoPackage; layers found: {', '.join(layers)}")


def _read_gpkg(path: Path, block_column: str | None, counts: BagCounts) -> list[pd.DataFrame]:
    try:
        import pyogrio
    except ImportError:  # pragma: no cover - pyogrio is in the gis and test extras
        raise InputError(f"{path}: reading a GeoPackage needs pyogrio and geopandas "
                         "(pip install 'heatplan[gis]'), or give the BAG as CSV") from None  # fmt: skip
    layer = _gpkg_layer(path)
    fields = [str(f) for f in pyogrio.read_info(path, layer=layer)["fields"]]
    cols = match_columns(fields, _wanted(block_column), strip_pand=False)
    cols.pop("wkt", None)
    _check_columns(path, fields, cols, block_column, geometry=True)
    counts.columns, counts.source = cols, f"GeoPackage layer '{layer}'"
    try:
        gdf = pyogrio.read_dataframe(path, layer=layer, columns=sorted(set(cols.values())))
    except Exception as exc:
        raise InputError(f"{path}: cannot read layer '{layer}' ({exc})") from None
    if gdf.crs is not None and gdf.crs.to_epsg() != 28992:
        gdf = gdf.to_crs(28992)
    geom = gdf.geometry
    if not (geom.geom_type == "Point").all():
        geom = geom.centroid
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    frame["x_rd"] = geom.x.to_numpy(dtype=float)
    frame["y_rd"] = geom.y.to_numpy(dtype=float)
    return [_reduce_chunk(frame, {**cols, "x_rd": "x_rd", "y_rd": "y_rd"}, counts)]


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Chunks into one frame; text columns stay categorical (categories united)."""
    cats = [c for c in parts[0] if isinstance(parts[0][c].dtype, pd.CategoricalDtype)]
    bag = pd.concat([p.drop(columns=cats) for p in parts], ignore_index=True)
    for c in cats:
        bag[c] = union_categoricals([p[c].astype("category") for p in parts], ignore_order=True)
    bag["vbo_id"] = bag["vbo_id"].astype("int64")
    return bag


def read_bag(path: Path, block_column: str | None = None) -> tuple[pd.DataFrame, BagCounts]:
    """Today's dwellings (one row per verblijfsobject) from a BAG GeoPackage or CSV.

    ``block_column`` names an extra column to read (``--block-by COLUMN``), returned as
    ``block_key``. The frame has ``vbo_id`` (int64), ``area_m2``, ``construction_year``,
    ``x_rd``, ``y_rd`` (floats, NaN where missing), ``pand_id`` (Int64) and the text columns
    of :data:`TEXT_FIELDS` that the file has (categoricals).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file (expected {WHAT})")
    counts = BagCounts()
    with path.open("rb") as fh:
        is_sqlite = fh.read(16).startswith(b"SQLite format 3")
    if is_sqlite or path.suffix.lower() == ".gpkg":
        parts = _read_gpkg(path, block_column, counts)
    else:
        parts = _read_csv(path, block_column, counts)
    bag = _concat(parts)
    before = len(bag)
    bag = bag.drop_duplicates("vbo_id", keep="first").reset_index(drop=True)
    counts.duplicates = before - len(bag)
    counts.dwellings = len(bag)
    log.info("%s: %d BAG rows, %d dwellings", path, counts.rows_read, counts.dwellings)
    return bag, counts
