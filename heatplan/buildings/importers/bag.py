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

With an area (``--gemeente``, ``--bbox``, ``--area``) a GeoPackage is read through its spatial
index for the area's box only (pyogrio ``bbox``); a CSV is streamed and rows outside the box
are dropped chunk by chunk (counted as outside the area) before anything else is parsed.

"Sloopvergunning verleend" (demolition permit granted) still stands and is kept.
"""

from __future__ import annotations

import logging
import string
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from heatplan.buildings.importers.common import (
    by_unique,
    check_encoding,
    check_file,
    iter_csv,
    layout_error,
    match_columns,
    norm_header,
    parse_id,
    parse_number,
    sniff_layout,
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
    "house_number": ("huisnummer",),
    "house_letter": ("huisletter",),
    "house_addition": ("toevoeging", "huisnummertoevoeging"),
}  # fmt: skip
#: Address fields, read only to match an owners file by address.
ADDRESS_FIELDS = ("house_number", "house_letter", "house_addition")
REQUIRED = ("vbo_id", "area_m2", "use", "construction_year")
TEXT_FIELDS = ("postcode", "street", "buurt_code", "wijk_code", "owner", "owner_type",
               "heating", "cooking")  # fmt: skip
_DEMOLISHED = r"gesloopt|niet gerealiseerd|ingetrokken|ten onrechte"
_PERMIT = r"bouwvergunning|bouw gestart|gevormd"


@dataclass
class BagCounts:
    """What happened to the rows of a BAG file."""

    rows_read: int = 0
    outside_area: int = 0
    non_residential: int = 0
    demolished: int = 0
    permit_stage: int = 0
    no_id: int = 0
    duplicates: int = 0
    dwellings: int = 0
    source: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    #: sorted ids of every row read (any use or status), kept only when asked for
    ids_seen: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


@dataclass(frozen=True)
class BagRead:
    """What to read of a BAG file besides the dwellings' core columns."""

    block_column: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    address: bool = False
    keep_ids: bool = False
    postcode: bool = True  # read the postcode column (for --block-by postcode, --gas-use, --owners)


def _wanted(read: BagRead) -> dict[str, tuple[str, ...]]:
    skip = set() if read.address else set(ADDRESS_FIELDS)
    if not read.postcode and not read.address:
        skip.add("postcode")
    wanted = {k: v for k, v in COLUMNS.items() if k not in skip}
    block_column = read.block_column
    if block_column:
        wanted["block_key"] = (norm_header(block_column, strip_pand=False),)
    return wanted


def _check_columns(path: Path, headers: list[str], cols: dict[str, str], block_column: str | None,
                   geometry: bool, address: bool = False) -> None:  # fmt: skip
    missing = [COLUMNS[f][0] for f in REQUIRED if f not in cols]
    if not geometry and "wkt" not in cols and not {"x_rd", "y_rd"} <= set(cols):
        missing.append("x and y (RD New) or geom (WKT point)")
    if block_column and "block_key" not in cols:
        missing.append(f"{block_column} (given as --block-by)")
    if address:
        missing += [f"{COLUMNS[f][0]} (to match --owners by address)" for f in ("postcode", "house_number")
                    if f not in cols]  # fmt: skip
    if missing:
        raise layout_error(path, WHAT, missing, headers)


_NOT_NUMBER = str.maketrans(dict.fromkeys(string.ascii_letters.replace("e", "").replace("E", "") + "()", " "))


def _wkt_xy(wkt: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The x and y of WKT points (``POINT (x y)``, ``POINT Z (x y z)``); NaN where unreadable.

    Fast path: all texts joined, letters and brackets blanked, and the numbers parsed in one C
    call; used when every row holds the same count of numbers (2 or 3). Otherwise (empty or
    mixed geometries) a regular expression per row.
    """
    values = wkt.to_numpy(dtype=object)
    if len(values):
        try:
            flat = np.fromstring(" \n".join(values).translate(_NOT_NUMBER), sep=" ")
        except (TypeError, ValueError):
            flat = np.zeros(0)
        for dims in (2, 3):
            if len(flat) == dims * len(values):
                xyz = flat.reshape(-1, dims)
                return xyz[:, 0].copy(), xyz[:, 1].copy()
    num = r"([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"
    xy = wkt.astype(str).str.extract(rf"\(\s*{num}\s+{num}", expand=True)
    return (pd.to_numeric(xy[0], errors="coerce").to_numpy(float),
            pd.to_numeric(xy[1], errors="coerce").to_numpy(float))  # fmt: skip


def _matches(chunk: pd.DataFrame, cols: dict[str, str], fields: tuple[str, ...], pattern: str) -> np.ndarray:
    """Rows where any of ``fields`` matches ``pattern`` (case-insensitive regex)."""
    mask = np.zeros(len(chunk), dtype=bool)
    for f in fields:
        if f in cols:
            mask |= by_unique(
                chunk[cols[f]], lambda u: u.str.contains(pattern, case=False, regex=True), False
            )
    return mask


def _xy(chunk: pd.DataFrame, cols: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """RD New x and y of each row (from x/y columns or WKT points)."""
    if {"x_rd", "y_rd"} <= set(cols):
        return (parse_number(chunk[cols["x_rd"]]).to_numpy(float),
                parse_number(chunk[cols["y_rd"]]).to_numpy(float))  # fmt: skip
    return _wkt_xy(chunk[cols["wkt"]])


def _keys(chunk: pd.DataFrame, cols: dict[str, str], address: bool) -> np.ndarray:
    """Verblijfsobject ids (or address keys) of every row of a chunk."""
    if not address:
        return parse_id(chunk[cols["vbo_id"]]).dropna().to_numpy(np.int64)
    from heatplan.buildings.importers.owners import address_keys

    part = {f: chunk[cols[f]].astype(object) if f in cols else None
            for f in ("postcode", "house_number", "house_letter", "house_addition")}  # fmt: skip
    return address_keys(part["postcode"], part["house_number"], part["house_letter"], part["house_addition"])


def _reduce_chunk(chunk: pd.DataFrame, cols: dict[str, str], counts: BagCounts, read: BagRead,
                  seen: list[np.ndarray]) -> pd.DataFrame:  # fmt: skip
    """Filter one chunk to today's dwellings in the box; numbers parsed, text as categoricals."""
    counts.rows_read += len(chunk)
    x, y = _xy(chunk, cols)
    if read.bbox is not None:
        x0, y0, x1, y1 = read.bbox
        inside = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
        counts.outside_area += int((~inside).sum())
        chunk, x, y = chunk[inside], x[inside], y[inside]
    if read.keep_ids:
        seen.append(_keys(chunk, cols, read.address))
    non_res = ~_matches(chunk, cols, ("use",), "woonfunctie")
    demolished = _matches(chunk, cols, ("status", "pand_status"), _DEMOLISHED) & ~non_res
    permit = _matches(chunk, cols, ("status", "pand_status"), _PERMIT) & ~non_res & ~demolished
    counts.non_residential += int(non_res.sum())
    counts.demolished += int(demolished.sum())
    counts.permit_stage += int(permit.sum())
    keep = ~(non_res | demolished | permit)
    chunk = chunk[keep]
    out = pd.DataFrame(
        {
            "vbo_id": parse_id(chunk[cols["vbo_id"]]),
            "area_m2": parse_number(chunk[cols["area_m2"]]),
            "construction_year": parse_number(chunk[cols["construction_year"]]),
        }
    )
    if "pand_id" in cols:
        out["pand_id"] = parse_id(chunk[cols["pand_id"]])
    out["x_rd"], out["y_rd"] = x[keep], y[keep]
    for f in (*TEXT_FIELDS, "block_key"):
        if f in cols:
            out[f] = chunk[cols[f]].astype("category")
    for f in ADDRESS_FIELDS:  # numbers in a GeoPackage, text in a CSV: text here
        if f in cols:
            values = chunk[cols[f]]
            out[f] = values.astype(str).where(values.notna()).astype("category")
    no_id = out["vbo_id"].isna()
    counts.no_id += int(no_id.sum())
    return out[~no_id]


def _read_csv(path: Path, read: BagRead, counts: BagCounts, seen: list[np.ndarray]) -> list[pd.DataFrame]:
    check_encoding(path, WHAT, [COLUMNS[f][0] for f in REQUIRED] + ["pand_identificatie", "x", "y"])
    layout = sniff_layout(path, WHAT, [COLUMNS["vbo_id"][0], COLUMNS["use"][0]], strip_pand=False)
    cols = match_columns(layout.headers, _wanted(read), strip_pand=False)
    _check_columns(path, list(layout.headers), cols, read.block_column, geometry=False, address=read.address)
    if {"x_rd", "y_rd"} <= set(cols):
        cols.pop("wkt", None)
    counts.columns, counts.source = cols, "CSV"
    text = {cols[f] for f in ("status", "use", "pand_status", *TEXT_FIELDS, *ADDRESS_FIELDS, "block_key")
            if f in cols}  # fmt: skip
    chunks = iter_csv(path, layout, sorted(set(cols.values())), sorted(text))
    return [_reduce_chunk(c, cols, counts, read, seen) for c in chunks]


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


def _read_gpkg(path: Path, read: BagRead, counts: BagCounts, seen: list[np.ndarray]) -> list[pd.DataFrame]:
    try:
        import pyogrio
    except ImportError:  # pragma: no cover - pyogrio is in the gis and test extras
        raise InputError(f"{path}: reading a GeoPackage needs pyogrio and geopandas "
                         "(pip install 'heatplan[gis]'), or give the BAG as CSV") from None  # fmt: skip
    layer = _gpkg_layer(path)
    info = pyogrio.read_info(path, layer=layer)
    fields = [str(f) for f in info["fields"]]
    cols = match_columns(fields, _wanted(read), strip_pand=False)
    cols.pop("wkt", None)
    _check_columns(path, fields, cols, read.block_column, geometry=True, address=read.address)
    counts.columns, counts.source = cols, f"GeoPackage layer '{layer}'"
    bbox = read.bbox
    crs = info.get("crs")
    if bbox is not None and crs and "28992" not in str(crs):
        bbox = _bbox_in(bbox, crs)
    try:
        gdf = pyogrio.read_dataframe(path, layer=layer, columns=sorted(set(cols.values())), bbox=bbox)
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
    # the box was applied by the read (through the spatial index); the area's exact shape later
    return [_reduce_chunk(frame, {**cols, "x_rd": "x_rd", "y_rd": "y_rd"}, counts, read, seen)]


def _bbox_in(bbox: tuple[float, float, float, float], crs: str) -> tuple[float, float, float, float]:
    """An RD New box as a box in another CRS (the box around the reprojected corners)."""
    from pyproj import Transformer

    tr = Transformer.from_crs(28992, crs, always_xy=True)
    x0, y0, x1, y1 = bbox
    xs, ys = tr.transform([x0, x0, x1, x1], [y0, y1, y0, y1])
    return float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys))


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Chunks into one frame; text columns stay categorical (categories united)."""
    cats = [c for c in parts[0] if isinstance(parts[0][c].dtype, pd.CategoricalDtype)]
    bag = pd.concat([p.drop(columns=cats) for p in parts], ignore_index=True)
    for c in cats:
        bag[c] = union_categoricals([p[c].astype("category") for p in parts], ignore_order=True)
    bag["vbo_id"] = bag["vbo_id"].astype("int64")
    return bag


def read_bag(path: Path, read: BagRead | None = None) -> tuple[pd.DataFrame, BagCounts]:
    """Today's dwellings (one row per verblijfsobject) from a BAG GeoPackage or CSV.

    ``read.block_column`` names an extra column to read (``--block-by COLUMN``), returned as
    ``block_key``; ``read.bbox`` limits the read to a box (RD New); ``read.address`` also reads
    house number, letter and addition; ``read.keep_ids`` keeps the ids of every row read in
    ``counts.ids_seen``. The frame has ``vbo_id`` (int64), ``area_m2``, ``construction_year``,
    ``x_rd``, ``y_rd`` (floats, NaN where missing), ``pand_id`` (Int64) and the text columns
    of :data:`TEXT_FIELDS` that the file has (categoricals).
    """
    path = Path(path)
    read = read or BagRead()
    check_file(path, WHAT)
    counts = BagCounts()
    seen: list[np.ndarray] = []
    with path.open("rb") as fh:
        is_sqlite = fh.read(16).startswith(b"SQLite format 3")
    if is_sqlite or path.suffix.lower() == ".gpkg":
        parts = _read_gpkg(path, read, counts, seen)
    else:
        parts = _read_csv(path, read, counts, seen)
    if counts.rows_read == counts.outside_area:
        if read.bbox is not None and (counts.rows_read or is_sqlite):
            box = ",".join(f"{v:g}" for v in read.bbox)
            raise InputError(f"{path}: no verblijfsobject inside the area to import (box {box}, RD New)")
        raise InputError(f"{path}: a header but no rows ({WHAT} expected)")
    if read.keep_ids:
        counts.ids_seen = np.unique(np.concatenate(seen)) if seen else np.zeros(0, dtype=np.int64)
    bag = _concat(parts)
    before = len(bag)
    bag = bag.drop_duplicates("vbo_id", keep="first").reset_index(drop=True)
    counts.duplicates = before - len(bag)
    counts.dwellings = len(bag)
    log.info("%s: %d BAG rows, %d dwellings", path, counts.rows_read, counts.dwellings)
    return bag, counts
