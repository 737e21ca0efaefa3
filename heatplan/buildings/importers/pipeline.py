"""EP-Online + BAG -> the block table: join, fill gaps, aggregate, validate.

The rules (docs/data-formats.md):

* the dwellings are BAG's residential verblijfsobjecten standing today (see
  :mod:`~heatplan.buildings.importers.bag`); EP-Online labels are joined on verblijfsobject id,
  the latest ``Opnamedatum`` per dwelling (see :mod:`~heatplan.buildings.importers.eponline`);
* construction year: BAG ``bouwjaar``, else EP-Online ``Bouwjaar``; floor area: BAG
  ``oppervlakte`` (999999 and <= 0 count as missing), else EP-Online's thermal-zone area, else
  the median area of the imported dwellings;
* dwelling type: :mod:`~heatplan.buildings.importers.dwelling_types`;
* a dwelling without a label gets Vesta's default envelope label for its type and period;
* per block: dwellings counted, areas summed, centroid of the verblijfsobject points,
  area-weighted median label and construction year, most common type, buurt, owner, street;
* owner "onbekend", owner type "mixed", heating "gas_boiler", cooking "gas" unless the BAG file
  has ``owner``/``owner_type``/``heating``/``cooking`` columns.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from heatplan.buildings.demand import default_label
from heatplan.buildings.importers.aggregate import (
    block_keys,
    cbs_codes,
    most_common,
    weighted_median,
)
from heatplan.buildings.importers.bag import TEXT_FIELDS, BagCounts, read_bag
from heatplan.buildings.importers.common import by_unique
from heatplan.buildings.importers.dwelling_types import UNKNOWN, vesta_types
from heatplan.buildings.importers.eponline import EpCounts, read_ep_online
from heatplan.buildings.labels import EP_LABELS, label_rank
from heatplan.buildings.schema import OPTIONAL, REQUIRED, validate_blocks
from heatplan.errors import InputError

#: BAG's placeholder for an unknown area.
BAG_UNKNOWN_AREA_M2 = 999999.0


@dataclass(frozen=True)
class ImportOptions:
    """Choices of ``heatplan stock import``."""

    block_by: str = "pand"
    buurt_code: str | None = None
    owner: str = "onbekend"
    owner_type: str = "mixed"
    heating: str = "gas_boiler"
    cooking: str = "gas"


@dataclass
class ImportReport:
    """Counts of one import, for the command's printout and for tests."""

    ep: EpCounts
    bag: BagCounts
    labels_matched: int = 0
    labels_no_bag_match: int = 0
    no_construction_year: int = 0
    no_location: int = 0
    areas_filled: int = 0
    dwellings: int = 0
    labels_estimated: int = 0
    blocks: int = 0

    def lines(self) -> list[str]:
        """The printout, one line per figure."""
        ep, bag = self.ep, self.bag
        return [
            f"EP-Online ({ep.layout} layout): {ep.rows_read:,} rows read",
            f"  dropped: {ep.non_residential:,} non-residential, {ep.permit_stage:,} permit stage, "
            f"{ep.no_vbo_id:,} without verblijfsobject id, {ep.no_label:,} without a valid label, "
            f"{ep.older_duplicates:,} older labels of the same dwelling",
            f"  labels kept: {ep.labels_kept:,}; used {self.labels_matched:,}, "
            f"no BAG match {self.labels_no_bag_match:,}",
            f"BAG ({bag.source}): {bag.rows_read:,} rows read",
            f"  dropped: {bag.non_residential:,} non-residential, {bag.demolished:,} demolished, "
            f"{bag.permit_stage:,} permit stage / not built, {bag.no_id + bag.duplicates:,} "
            f"without id or repeated, {self.no_construction_year:,} without construction year, "
            f"{self.no_location:,} without location",
            f"dwellings kept: {self.dwellings:,} ({self.labels_estimated:,} labels estimated "
            f"from type x period, {self.areas_filled:,} floor areas filled)",
            f"blocks written: {self.blocks:,}",
        ]


def _valid(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """``values`` where ``lo <= value <= hi`` (other values NaN)."""
    v = np.asarray(values, dtype=float)
    return np.where((v >= lo) & (v <= hi), v, np.nan)


def _join_labels(labels: pd.DataFrame, bag: pd.DataFrame) -> dict[str, np.ndarray]:
    """EP-Online columns aligned with the BAG rows (label rank -1 and NaN where no label)."""
    lab_vbo = labels["vbo_id"].to_numpy()  # sorted and unique (see eponline._latest)
    vbo = bag["vbo_id"].to_numpy()
    pos = np.searchsorted(lab_vbo, vbo).clip(0, max(len(lab_vbo) - 1, 0))
    hit = lab_vbo[pos] == vbo if len(lab_vbo) else np.zeros(len(vbo), dtype=bool)
    out = {"label_rank": np.where(hit, labels["label_rank"].to_numpy()[pos] if len(lab_vbo) else -1, -1)}
    for col, fill in (("type_code", UNKNOWN), ("ep_construction_year", np.nan), ("ep_area_m2", np.nan)):
        values = labels[col].to_numpy()[pos] if col in labels and len(lab_vbo) else fill
        out[col] = np.where(hit, values, fill)
    return out


def _dwellings(labels: pd.DataFrame, bag: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """BAG dwellings with label rank, type, year and area; labels estimated where missing."""
    ep = _join_labels(labels, bag)
    report.labels_matched = int((ep["label_rank"] >= 0).sum())
    report.labels_no_bag_match = report.ep.labels_kept - report.labels_matched
    year = _valid(bag["construction_year"].to_numpy(float), 1500, 2100)
    year = np.where(np.isnan(year), _valid(ep["ep_construction_year"], 1500, 2100), year)
    x, y = bag["x_rd"].to_numpy(float), bag["y_rd"].to_numpy(float)
    no_year = np.isnan(year)
    no_xy = ~(np.isfinite(x) & np.isfinite(y)) & ~no_year
    report.no_construction_year, report.no_location = int(no_year.sum()), int(no_xy.sum())
    keep = ~(no_year | no_xy)
    area = _valid(bag["area_m2"].to_numpy(float), 1e-9, BAG_UNKNOWN_AREA_M2 - 1)
    area = np.where(np.isnan(area), _valid(ep["ep_area_m2"], 1e-9, np.inf), area)[keep]
    report.areas_filled = int(np.isnan(area).sum())
    area = np.where(np.isnan(area), np.nanmedian(area) if report.areas_filled < len(area) else 75.0, area)
    texts = [c for c in (*TEXT_FIELDS, "block_key") if c in bag]
    d = pd.DataFrame(
        {
            "vbo_id": bag["vbo_id"].to_numpy()[keep],
            "pand_id": bag["pand_id"].fillna(0).to_numpy(np.int64)[keep] if "pand_id" in bag else 0,
            "area_m2": area,
            "construction_year": np.round(year[keep]).astype(int),
            "x_rd": x[keep],
            "y_rd": y[keep],
            "label_rank": ep["label_rank"][keep].astype(int),
            **{c: bag[c][keep].reset_index(drop=True) for c in texts},
        }
    )
    if "pand_id" not in bag:
        d = d.drop(columns="pand_id")
    pand = d["pand_id"].to_numpy() if "pand_id" in d else np.zeros(len(d), dtype=np.int64)
    _, inverse, counts = np.unique(pand, return_inverse=True, return_counts=True)
    pand_size = np.where(pand > 0, counts[inverse], 1)
    d["dwelling_type"] = vesta_types(ep["type_code"][keep].astype(int), pand_size)
    _estimate_labels(d, report)
    report.dwellings = len(d)
    return d


def _estimate_labels(d: pd.DataFrame, report: ImportReport) -> None:
    """Vesta's default label (by type and period) where a dwelling has none, in place."""
    missing = d["label_rank"].to_numpy() < 0
    report.labels_estimated = int(missing.sum())
    if not missing.any():
        return
    guess = default_label(d.loc[missing, ["dwelling_type", "construction_year"]].reset_index(drop=True))
    if guess.isna().any():  # pragma: no cover - the Vesta table covers every type x period
        raise InputError("no default label for some dwelling type x construction period")
    d.loc[missing, "label_rank"] = label_rank(guess)


def _texts(d: pd.DataFrame, codes: np.ndarray, n: int, options: ImportOptions) -> dict[str, np.ndarray]:
    """Most common owner, owner type, heating, cooking and street per block (or the default)."""
    out = {}
    for col, default in (("owner", options.owner), ("owner_type", options.owner_type),
                         ("heating", options.heating), ("cooking", options.cooking),
                         ("street", "")):  # fmt: skip
        if col not in d:
            out[col] = np.full(n, default, dtype=object)
            continue
        values = by_unique(d[col], lambda u: u.str.strip(), "")
        out[col] = most_common(codes, np.where(values == "", default, values), n)
    return out


def _blocks(d: pd.DataFrame, options: ImportOptions) -> pd.DataFrame:
    """Aggregate dwellings to the block table (required columns + street)."""
    codes, ids = block_keys(d, options.block_by)
    n = len(ids)
    area = d["area_m2"].to_numpy(float)
    count = np.bincount(codes, minlength=n)
    buurt, wijk = cbs_codes(d, options.buurt_code)
    b_codes, b_uniques = pd.factorize(buurt)
    w_codes, w_uniques = pd.factorize(wijk)
    place = most_common(codes, b_codes.astype(np.int64) * len(w_uniques) + w_codes, n).astype(np.int64)
    texts = _texts(d, codes, n, options)
    ranks = weighted_median(codes, d["label_rank"].to_numpy(int), area, n)
    return pd.DataFrame(
        {
            "block_id": ids,
            "wijk_code": np.asarray(w_uniques, dtype=object)[place % len(w_uniques)],
            "buurt_code": np.asarray(b_uniques, dtype=object)[place // len(w_uniques)],
            "owner": texts["owner"],
            "owner_type": texts["owner_type"],
            "dwellings": count,
            "floor_area_m2": np.round(np.bincount(codes, weights=area, minlength=n), 1),
            "construction_year": weighted_median(codes, d["construction_year"].to_numpy(int), area, n),
            "dwelling_type": most_common(codes, d["dwelling_type"], n),
            "label": np.array(EP_LABELS, dtype=object)[ranks],
            "x_rd": np.round(np.bincount(codes, weights=d["x_rd"].to_numpy(float), minlength=n) / count, 1),
            "y_rd": np.round(np.bincount(codes, weights=d["y_rd"].to_numpy(float), minlength=n) / count, 1),
            "heating": texts["heating"],
            "cooking": texts["cooking"],
            "street": texts["street"],
        },
        columns=[*REQUIRED, "street"],
    )


def write_blocks(blocks: pd.DataFrame, path: Path) -> None:
    """Write a block table as CSV: the required columns and the optional ones that hold values.

    Optional columns with no value at all are left out (an all-empty column reads back as the
    same missing values).
    """
    optional = [c for c in OPTIONAL if c in blocks and blocks[c].astype(str).str.strip().ne("").any()
                and blocks[c].notna().any()]  # fmt: skip
    blocks[[*REQUIRED, *optional]].to_csv(path, index=False)


def import_stock(
    ep_online: Path, bag: Path, options: ImportOptions | None = None
) -> tuple[pd.DataFrame, ImportReport]:
    """Read an EP-Online label file and a BAG verblijfsobject file into a validated block table."""
    options = options or ImportOptions()
    block_column = None if options.block_by in ("pand", "postcode") else options.block_by
    # The two files are read at the same time: the CSV parser releases the GIL while it tokenises.
    with ThreadPoolExecutor(max_workers=2) as pool:
        ep_job = pool.submit(read_ep_online, Path(ep_online))
        bag_job = pool.submit(read_bag, Path(bag), block_column)
        labels, ep_counts = ep_job.result()
        dwellings, bag_counts = bag_job.result()
    report = ImportReport(ep=ep_counts, bag=bag_counts)
    if options.block_by == "pand" and "pand_id" not in dwellings:
        raise InputError(
            f"{bag}: blocks by pand need a 'pand_identificatie' column, and this file has none "
            f"(columns used: {', '.join(bag_counts.columns.values())}); "
            "give --block-by postcode or --block-by COLUMN"
        )
    if options.block_by == "postcode" and "postcode" not in dwellings:
        raise InputError(f"{bag}: --block-by postcode, but the BAG file has no postcode column")
    d = _dwellings(labels, dwellings, report)
    if d.empty:
        raise InputError(f"{bag}: no dwellings left after the filters ({'; '.join(report.lines()[3:5])})")
    blocks = _blocks(d, options)
    report.blocks = len(blocks)
    valid = validate_blocks(blocks, source=f"blocks imported from {ep_online} and {bag}")
    return valid, report
