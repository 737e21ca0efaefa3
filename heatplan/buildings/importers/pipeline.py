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

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from heatplan.buildings.demand import default_label
from heatplan.buildings.importers.areas import (
    Area,
    Buurten,
    area_of_gemeente,
    parse_gemeente,
    read_area,
    read_buurten,
)
from heatplan.buildings.importers.bag import ADDRESS_FIELDS, TEXT_FIELDS, BagCounts, BagRead, read_bag
from heatplan.buildings.importers.blocks import BlockDefaults, aggregate_blocks
from heatplan.buildings.importers.common import by_unique
from heatplan.buildings.importers.dwelling_types import UNKNOWN, vesta_types
from heatplan.buildings.importers.eponline import EpCounts, read_ep_online
from heatplan.buildings.importers.gas import MIN_CONNECTIONS, GasRanges, match_gas, read_gas
from heatplan.buildings.importers.owners import Owners, address_keys, match_owners, read_owners
from heatplan.buildings.importers.report import BuurtCounts, GasCounts, ImportReport, OwnerCounts
from heatplan.buildings.labels import label_rank
from heatplan.buildings.schema import validate_blocks
from heatplan.errors import InputError

#: BAG's placeholder for an unknown area.
BAG_UNKNOWN_AREA_M2 = 999999.0


@dataclass(frozen=True)
class ImportOptions(BlockDefaults):
    """Choices of ``heatplan stock import`` (defaults for blocks: see :class:`BlockDefaults`)."""

    buurten: Path | None = None
    gemeente: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    area: Path | None = None
    outside: str = "drop"  # dwellings outside every buurt: "drop", or "keep" (the nearest buurt)
    gas_use: Path | None = None
    gas_min_connections: int = MIN_CONNECTIONS
    owners: Path | None = None


@dataclass
class _SmallInputs:
    """The small files, read and checked before the large ones."""

    buurten: Buurten | None = None
    area: Area | None = None
    gas: GasRanges | None = None
    owners: Owners | None = None


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
    texts = [c for c in (*TEXT_FIELDS, *ADDRESS_FIELDS, "block_key", "buurt_from") if c in bag]
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


def _check_options(o: ImportOptions) -> None:
    if o.gemeente and not o.buurten:
        raise InputError("--gemeente needs --buurten FILE (the CBS wijk- en buurtkaart holds the outlines)")
    if sum(v is not None for v in (o.gemeente, o.bbox, o.area)) > 1:
        raise InputError("give one of --gemeente, --bbox and --area, not several")
    if o.buurten and o.buurt_code:
        raise InputError("give --buurten FILE or --buurt-code, not both")
    if o.outside not in ("drop", "keep"):
        raise InputError(f"--outside-buurten {o.outside!r}: expected drop or keep")


def _read_small(o: ImportOptions) -> _SmallInputs:
    """Read the buurten, area, gas and owners files (each fails on its own, before the big read)."""
    out = _SmallInputs()
    gemeente = parse_gemeente(o.gemeente) if o.gemeente else None
    if o.buurten:
        out.buurten = read_buurten(Path(o.buurten), gemeente)
    if gemeente and out.buurten is not None and o.buurten:
        out.area = area_of_gemeente(out.buurten, gemeente, Path(o.buurten))
    elif o.bbox:
        out.area = Area(tuple(o.bbox), None, "box " + ",".join(f"{v:g}" for v in o.bbox))  # type: ignore[arg-type]
    elif o.area:
        out.area = read_area(Path(o.area))
    if o.gas_use:
        out.gas = read_gas(Path(o.gas_use), o.gas_min_connections)
    if o.owners:
        out.owners = read_owners(Path(o.owners))
    return out


def _read_big(
    ep_online: Path, bag: Path, o: ImportOptions, small: _SmallInputs
) -> tuple[pd.DataFrame, BagCounts, pd.DataFrame, EpCounts]:
    """BAG dwellings (of the area) and EP-Online labels (of those dwellings, with an area)."""
    read = BagRead(
        block_column=None if o.block_by in ("pand", "postcode") else o.block_by,
        bbox=small.area.bbox if small.area else None,
        address=small.owners is not None and small.owners.by == "address",
        keep_ids=small.owners is not None,
        postcode=o.block_by == "postcode" or small.gas is not None,
    )
    if small.area is None:
        # The two files are read at the same time: the CSV parser releases the GIL while it tokenises.
        with ThreadPoolExecutor(max_workers=2) as pool:
            ep_job = pool.submit(read_ep_online, Path(ep_online))
            bag_job = pool.submit(read_bag, Path(bag), read)
            labels, ep_counts = ep_job.result()
            dwellings, bag_counts = bag_job.result()
        return dwellings, bag_counts, labels, ep_counts
    ids: Future[np.ndarray] = Future()

    def area_job() -> tuple[pd.DataFrame, BagCounts]:
        try:
            dwellings, counts = _read_area(Path(bag), read, small.area)  # type: ignore[arg-type]
        except BaseException as exc:
            ids.set_exception(exc)
            raise
        ids.set_result(np.unique(dwellings["vbo_id"].to_numpy()))
        return dwellings, counts

    # The BAG (the area's box, through its spatial index) and EP-Online are read at the same
    # time: EP-Online's chunks wait for the area's verblijfsobject ids, then are filtered.
    with ThreadPoolExecutor(max_workers=2) as pool:
        bag_future = pool.submit(area_job)
        ep_future = pool.submit(read_ep_online, Path(ep_online), ids)
        dwellings, bag_counts = bag_future.result()
        labels, ep_counts = ep_future.result()
    return dwellings, bag_counts, labels, ep_counts


def _read_area(bag: Path, read: BagRead, area: Area) -> tuple[pd.DataFrame, BagCounts]:
    """The BAG dwellings inside the area: read for its box, then tested against its outline."""
    dwellings, counts = read_bag(bag, read)
    if area.polygons is not None:
        inside = area.contains(dwellings["x_rd"].to_numpy(float), dwellings["y_rd"].to_numpy(float))
        counts.outside_area += int((~inside).sum())
        dwellings = dwellings[inside].reset_index(drop=True)
    return dwellings, counts


def _locate(bag: pd.DataFrame, buurten: Buurten | None, o: ImportOptions) -> pd.DataFrame:
    """CBS buurt and wijk codes by location where the BAG row has none.

    ``buurt_from``: 0 BAG column, 1 location, 2 nearest buurt, 3 --buurt-code; dwellings
    outside every buurt are dropped (``o.outside == "drop"``) or given the nearest.
    """
    has = (
        by_unique(bag["buurt_code"], lambda u: u.str.strip() != "", False)
        if "buurt_code" in bag
        else np.zeros(len(bag), dtype=bool)
    )
    src = np.where(has, 0, 3).astype(np.int8)
    if buurten is None:
        bag["buurt_from"] = src
        return bag
    todo = np.flatnonzero(~has)
    x, y = bag["x_rd"].to_numpy(float)[todo], bag["y_rd"].to_numpy(float)[todo]
    ok = np.isfinite(x) & np.isfinite(y)
    idx = np.full(len(todo), -1, dtype=np.int64)
    idx[ok] = buurten.assign(x[ok], y[ok])
    src[todo] = 1
    outside = ok & (idx < 0)
    if o.outside == "keep" and outside.any():
        idx[outside] = buurten.nearest(x[outside], y[outside])
        src[todo[outside]] = 2
    buurt = (
        bag["buurt_code"].astype(object).to_numpy() if "buurt_code" in bag else np.full(len(bag), "", object)
    )
    wijk = bag["wijk_code"].astype(object).to_numpy() if "wijk_code" in bag else np.full(len(bag), "", object)
    got = idx >= 0
    buurt[todo[got]], wijk[todo[got]] = buurten.codes[idx[got]], buurten.wijk[idx[got]]
    bag["buurt_code"], bag["wijk_code"] = pd.Categorical(buurt), pd.Categorical(wijk)
    bag["buurt_from"] = src
    drop = todo[outside & (idx < 0)]
    return bag.drop(index=drop).reset_index(drop=True) if len(drop) else bag


def _check_labels(
    report: ImportReport, labels: pd.DataFrame, bag: pd.DataFrame, ep: Path, bag_path: Path
) -> None:
    """Not one EP-Online label for any BAG dwelling: the files do not belong together."""
    if report.labels_matched or not report.dwellings:
        return
    where = " in the area" if report.area else ""
    if report.ep.labels_kept == 0:
        raise InputError(
            f"{ep}: not one usable EP-Online label of a dwelling{where} in {bag_path} "
            f"({report.ep.rows_read:,} rows read): every label would be estimated. "
            "Expected the EP-Online file of the same area as the BAG file"
        )
    sample_ep = ", ".join(f"{v:016d}" for v in labels["vbo_id"].to_numpy()[:2])
    sample_bag = ", ".join(f"{v:016d}" for v in bag["vbo_id"].to_numpy()[:2])
    raise InputError(
        f"{ep}: not one of its {report.ep.labels_kept:,} labels is of a BAG dwelling{where} in "
        f"{bag_path} (EP-Online ids such as {sample_ep}; BAG ids such as {sample_bag}): every "
        "label would be estimated. Expected the EP-Online and BAG files of the same area"
    )


def _buurt_counts(d: pd.DataFrame, buurten: Buurten | None, before: int, after: int) -> BuurtCounts:
    src = d["buurt_from"].to_numpy() if "buurt_from" in d else np.zeros(len(d), dtype=np.int8)
    counts = np.bincount(src.astype(np.int64), minlength=4)
    return BuurtCounts(
        source=buurten.source if buurten else "",
        polygons_read=len(buurten.codes) if buurten else 0,
        from_column=int(counts[0]),
        by_location=int(counts[1]),
        outside_kept=int(counts[2]),
        from_option=int(counts[3]),
        outside_dropped=before - after,
    )


def _gas(d: pd.DataFrame, gas: GasRanges, path: Path, bag: Path) -> GasCounts:
    """Each dwelling's measured gas use (column ``gas_m3_per_yr``), in place."""
    if "postcode" not in d:
        raise InputError(
            f"{bag}: --gas-use matches dwellings by postcode, and the BAG file has no postcode column"
        )
    m = match_gas(gas, d["postcode"])
    d["gas_m3_per_yr"] = m.m3_per_yr
    return GasCounts(
        source=str(path),
        layout=gas.layout,
        rows_read=gas.rows_read,
        gas_rows=gas.gas_rows,
        bad_rows=gas.bad_rows,
        ranges=len(gas.start),
        ranges_too_small=int(gas.small.sum()),
        ranges_matched=m.ranges_matched,
        dwellings_measured=m.dwellings_measured,
        dwellings_no_postcode=m.no_postcode,
        dwellings_no_range=m.no_range,
        dwellings_small_range=m.small_range,
    )


def _owners(d: pd.DataFrame, owners: Owners, keys_seen: np.ndarray, area: bool, bag: Path) -> OwnerCounts:
    """Each dwelling's owner and owner type from the owners file, in place."""
    if owners.by == "id":
        keys = d["vbo_id"].to_numpy(np.int64)
    else:
        keys = address_keys(
            d["postcode"].astype(object),
            d["house_number"].astype(object),
            d["house_letter"].astype(object) if "house_letter" in d else None,
            d["house_addition"].astype(object) if "house_addition" in d else None,
        )
    m = match_owners(owners, keys, keys_seen, area, bag)
    d["owners_file_owner"], d["owners_file_type"] = m.owner, m.owner_type
    return OwnerCounts(
        source=str(owners.path),
        matched_by="verblijfsobject id" if owners.by == "id" else "address",
        rows_read=owners.rows_read,
        rows_matched=m.rows_matched,
        rows_not_dwelling=m.rows_not_dwelling,
        rows_outside_area=m.rows_outside_area,
        dwellings_matched=m.dwellings_matched,
    )


def import_stock(
    ep_online: Path, bag: Path, options: ImportOptions | None = None
) -> tuple[pd.DataFrame, ImportReport]:
    """Read an EP-Online label file and a BAG verblijfsobject file into a validated block table."""
    o = options or ImportOptions()
    _check_options(o)
    small = _read_small(o)
    dwellings, bag_counts, labels, ep_counts = _read_big(Path(ep_online), Path(bag), o, small)
    report = ImportReport(ep=ep_counts, bag=bag_counts, area=small.area.text if small.area else "")
    if o.block_by == "pand" and "pand_id" not in dwellings:
        raise InputError(
            f"{bag}: blocks by pand need a 'pand_identificatie' column, and this file has none "
            f"(columns used: {', '.join(bag_counts.columns.values())}); "
            "give --block-by postcode or --block-by COLUMN"
        )
    if o.block_by == "postcode" and "postcode" not in dwellings:
        raise InputError(f"{bag}: --block-by postcode, but the BAG file has no postcode column")
    before = len(dwellings)
    dwellings = _locate(dwellings, small.buurten, o)
    after = len(dwellings)
    d = _dwellings(labels, dwellings, report)
    report.buurten = _buurt_counts(d, small.buurten, before, after)
    if d.empty:
        raise InputError(f"{bag}: no dwellings left after the filters ({'; '.join(report.lines()[:6])})")
    _check_labels(report, labels, dwellings, Path(ep_online), Path(bag))
    if small.gas is not None:
        report.gas = _gas(d, small.gas, Path(o.gas_use or ""), Path(bag))
    if small.owners is not None:
        report.owners = _owners(d, small.owners, bag_counts.ids_seen, small.area is not None, Path(bag))
    blocks, mixed = aggregate_blocks(d, o)
    report.blocks = len(blocks)
    report.buurten.buurten = int(blocks["buurt_code"].nunique())
    if report.gas is not None:
        report.gas.blocks_measured = int(blocks["gas_m3_per_yr"].notna().sum())
        report.gas.blocks_estimated = report.blocks - report.gas.blocks_measured
    if report.owners is not None:
        report.owners.blocks_mixed = mixed
    valid = validate_blocks(blocks, source=f"blocks imported from {ep_online} and {bag}")
    return valid, report
