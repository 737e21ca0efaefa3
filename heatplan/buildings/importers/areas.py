"""CBS buurten by location, and the area to import: a municipality, a box or a polygon layer.

The CBS *wijk- en buurtkaart* GeoPackage (layer ``buurten``; older files ``buurt``; columns
``buurtcode``, ``wijkcode``, ``gemeentecode``, or ``BU_CODE``/``WK_CODE``/``GM_CODE`` in the
shapefile-era layout) is read with pyogrio, reprojected to RD New (EPSG:28992), and points are
assigned with a shapely STRtree (vectorised, no Python loop over points).

A point on the boundary of two buurten (it intersects both) goes to the buurt with the smaller
code, so the result never depends on the order of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from heatplan.buildings.importers.common import check_file, match_columns
from heatplan.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd

WHAT_BUURTEN = "the CBS wijk- en buurtkaart (a GeoPackage with a polygon layer 'buurten')"
WHAT_AREA = "a polygon layer (GeoPackage, GeoJSON or shapefile) of the area to import"
BUURT_LAYERS = ("buurten", "buurt", "cbs_buurten", "cbsbuurten")
BUURT_COLUMNS: dict[str, tuple[str, ...]] = {
    "buurt_code": ("buurtcode", "bucode", "statcode"),
    "wijk_code": ("wijkcode", "wkcode"),
    "gemeente_code": ("gemeentecode", "gmcode"),
}
RD = 28992


@dataclass(frozen=True)
class Area:
    """What part of the national files to import.

    A box (for the read) and, where the area is not that box, its polygons (for the exact test).
    """

    bbox: tuple[float, float, float, float]
    polygons: np.ndarray | None = None  # shapely geometries, EPSG:28992
    text: str = ""

    def contains(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Which points (RD New) lie in the area (boundary included)."""
        x0, y0, x1, y1 = self.bbox
        inside = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
        if self.polygons is None or not inside.any():
            return inside
        import shapely

        idx = np.flatnonzero(inside)
        hit, _ = shapely.STRtree(self.polygons).query(shapely.points(x[idx], y[idx]), predicate="intersects")
        out = np.zeros(len(x), dtype=bool)
        out[idx[np.unique(hit)]] = True
        return out


@dataclass
class Buurten:
    """CBS buurt polygons (EPSG:28992) with their buurt, wijk and municipality codes."""

    codes: np.ndarray  # buurt code per polygon (BU########)
    wijk: np.ndarray  # wijk code per polygon (WK######)
    gemeente: np.ndarray  # municipality code per polygon (GM####)
    polygons: np.ndarray  # shapely geometries
    source: str = ""
    _tree: object = field(default=None, repr=False)

    def assign(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the buurt each point lies in (smallest code on a shared boundary); -1 outside."""
        import shapely

        out = np.full(len(x), -1, dtype=np.int64)
        if not len(x) or not len(self.codes):
            return out
        tree = shapely.STRtree(self.polygons)
        pts, polys = tree.query(shapely.points(x, y), predicate="intersects")
        # order by point, then by buurt code: the first polygon per point is the smallest code
        rank = np.argsort(np.argsort(self.codes, kind="stable"), kind="stable")
        order = np.lexsort((rank[polys], pts))
        pts, polys = pts[order], polys[order]
        first = np.ones(len(pts), dtype=bool)
        first[1:] = pts[1:] != pts[:-1]
        out[pts[first]] = polys[first]
        return out

    def nearest(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the nearest buurt of each point."""
        import shapely

        if not len(x):
            return np.zeros(0, dtype=np.int64)
        tree = shapely.STRtree(self.polygons)
        pts, polys = tree.query_nearest(shapely.points(x, y), all_matches=False)
        out = np.zeros(len(x), dtype=np.int64)
        out[pts] = polys
        return out


def _pyogrio(path: Path) -> object:
    try:
        import pyogrio
    except ImportError:  # pragma: no cover - pyogrio is in the gis and test extras
        raise InputError(
            f"{path}: reading it needs pyogrio and geopandas (pip install 'heatplan[gis]')"
        ) from None
    return pyogrio


def _polygon_layers(path: Path, what: str) -> list[str]:
    """Names of the polygon layers of a GIS file."""
    pyogrio = _pyogrio(path)
    try:
        layers = pyogrio.list_layers(path)  # type: ignore[attr-defined]
    except Exception as exc:  # pyogrio raises DataSourceError and others
        raise InputError(f"{path}: not a readable GIS file ({what} expected): {exc}") from None
    polys = [str(name) for name, kind in layers if kind and "polygon" in str(kind).lower()]
    if not polys:
        found = ", ".join(f"{n} ({k or 'no geometry'})" for n, k in layers) or "none"
        raise InputError(f"{path}: no polygon layer ({what} expected); layers found: {found}")
    return polys


def _to_rd(frame: gpd.GeoDataFrame, path: Path) -> gpd.GeoDataFrame:
    """The frame in EPSG:28992 (a layer without a CRS is taken to be in RD New already)."""
    if frame.crs is None or frame.crs.to_epsg() == RD:
        return frame
    try:
        return frame.to_crs(RD)
    except Exception as exc:
        raise InputError(f"{path}: cannot reproject from {frame.crs} to EPSG:28992 ({exc})") from None


def _code_text(values: object, prefix: str, digits: int) -> np.ndarray:
    """``BU05183387`` from ``BU05183387``, ``05183387`` or ``5183387`` (numbers); others as text."""
    import pandas as pd

    text = pd.Series(values).astype(str).str.strip()
    nums = text.str.replace(r"\D", "", regex=True)
    ok = nums.str.len().between(1, digits) & (text.str.upper().str.startswith(prefix) | text.eq(nums))
    return np.asarray(text.where(~ok, prefix + nums.str.zfill(digits)), dtype=object)


def read_buurten(path: Path, gemeente: str | None = None) -> Buurten:
    """The buurt polygons of a CBS wijk- en buurtkaart (only ``gemeente``'s when given)."""
    path = Path(path)
    check_file(path, WHAT_BUURTEN)
    pyogrio = _pyogrio(path)
    polys = _polygon_layers(path, WHAT_BUURTEN)
    layer = next(
        (name for name in polys if name.lower() in BUURT_LAYERS), polys[0] if len(polys) == 1 else None
    )
    if layer is None:
        raise InputError(
            f"{path}: no polygon layer 'buurten' ({WHAT_BUURTEN} expected); "
            f"polygon layers found: {', '.join(polys)}"
        )
    fields = [str(f) for f in pyogrio.read_info(path, layer=layer)["fields"]]  # type: ignore[attr-defined]
    cols = match_columns(fields, BUURT_COLUMNS, strip_pand=False)
    if "buurt_code" not in cols:
        raise InputError(
            f"{path}: layer '{layer}' has no column 'buurtcode' ({WHAT_BUURTEN} expected); "
            f"columns found: {', '.join(fields) or '(none)'}"
        )
    where = None
    if gemeente:
        if "gemeente_code" not in cols:
            raise InputError(
                f"{path}: --gemeente needs a column 'gemeentecode' in layer '{layer}'; "
                f"columns found: {', '.join(fields)}"
            )
        where = f"\"{cols['gemeente_code']}\" = '{gemeente}'"
    try:
        frame = pyogrio.read_dataframe(path, layer=layer, columns=sorted(set(cols.values())), where=where)  # type: ignore[attr-defined]
    except Exception as exc:
        raise InputError(f"{path}: cannot read layer '{layer}' ({exc})") from None
    frame = _to_rd(frame, path)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    buurt = _code_text(frame[cols["buurt_code"]], "BU", 8)
    bad = [b for b in buurt[:1000] if not re.fullmatch(r"BU\d{8}", str(b))]
    if bad:
        raise InputError(
            f"{path}: layer '{layer}', column '{cols['buurt_code']}' = {bad[0]!r}: "
            "expected CBS buurt codes like BU05183387"
        )
    wijk = (
        _code_text(frame[cols["wijk_code"]], "WK", 6)
        if "wijk_code" in cols
        else np.array(["WK" + str(b)[2:8] for b in buurt], dtype=object)
    )
    gm = (
        _code_text(frame[cols["gemeente_code"]], "GM", 4)
        if "gemeente_code" in cols
        else np.array(["GM" + str(b)[2:6] for b in buurt], dtype=object)
    )
    return Buurten(
        np.asarray(buurt, dtype=object),
        np.asarray(wijk, dtype=object),
        np.asarray(gm, dtype=object),
        frame.geometry.to_numpy(),
        source=f"{path} layer '{layer}'",
    )


def parse_gemeente(text: str) -> str:
    """``GM0518``, ``gm0518``, ``0518`` or ``518`` -> ``GM0518``."""
    digits = re.sub(r"\D", "", text)
    if not re.fullmatch(r"(GM)?\s*\d{1,4}", text.strip().upper()) or not digits:
        raise InputError(f"--gemeente {text!r}: expected a CBS municipality code like GM0518")
    return "GM" + digits.zfill(4)


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``XMIN,YMIN,XMAX,YMAX`` in RD New metres."""
    try:
        x0, y0, x1, y1 = (float(v) for v in text.split(","))
    except ValueError:
        raise InputError(
            f"--bbox {text!r}: expected XMIN,YMIN,XMAX,YMAX in RD New metres, e.g. 76000,449000,83000,456000"
        ) from None
    if not (x0 < x1 and y0 < y1):
        raise InputError(f"--bbox {text!r}: XMIN must be below XMAX and YMIN below YMAX")
    return x0, y0, x1, y1


def area_of_gemeente(buurten: Buurten, gemeente: str, path: Path) -> Area:
    """The area of one municipality: its buurten (already read for it alone)."""
    if not len(buurten.codes):
        raise InputError(f"{path}: no buurten of municipality {gemeente} (--gemeente)")
    import shapely

    x0, y0, x1, y1 = shapely.total_bounds(buurten.polygons)
    return Area((float(x0), float(y0), float(x1), float(y1)), buurten.polygons, f"municipality {gemeente}")


def read_area(path: Path) -> Area:
    """The polygons of a GIS file's first polygon layer, as an import area."""
    path = Path(path)
    check_file(path, WHAT_AREA)
    pyogrio = _pyogrio(path)
    layer = _polygon_layers(path, WHAT_AREA)[0]
    try:
        frame = pyogrio.read_dataframe(path, layer=layer, columns=[])  # type: ignore[attr-defined]
    except Exception as exc:
        raise InputError(f"{path}: cannot read layer '{layer}' ({exc})") from None
    frame = _to_rd(frame, path)
    geoms = frame.geometry[frame.geometry.notna() & ~frame.geometry.is_empty].to_numpy()
    if not len(geoms):
        raise InputError(f"{path}: layer '{layer}' holds no polygons ({WHAT_AREA} expected)")
    import shapely

    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    return Area((float(x0), float(y0), float(x1), float(y1)), geoms, f"the polygons of {path}")
