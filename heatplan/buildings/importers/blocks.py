"""Dwellings -> the block table: one row per block with the required columns, street and gas."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from heatplan.buildings.importers.aggregate import (
    block_gas,
    block_keys,
    block_owners,
    cbs_codes,
    most_common,
    weighted_median,
)
from heatplan.buildings.importers.common import by_unique
from heatplan.buildings.labels import EP_LABELS
from heatplan.buildings.schema import OPTIONAL, REQUIRED


@dataclass(frozen=True)
class BlockDefaults:
    """Values for dwellings whose files say nothing: owner, owner type, heating, cooking."""

    block_by: str = "pand"
    buurt_code: str | None = None
    owner: str = "onbekend"
    owner_type: str = "mixed"
    heating: str = "gas_boiler"
    cooking: str = "gas"


def _text(d: pd.DataFrame, col: str) -> np.ndarray:
    """A text column's stripped values ("" where missing or absent)."""
    if col not in d:
        return np.full(len(d), "", dtype=object)
    if d[col].dtype == object and not isinstance(d[col].dtype, pd.CategoricalDtype):
        return d[col].fillna("").astype(str).str.strip().to_numpy(dtype=object)
    return by_unique(d[col], lambda u: u.str.strip(), "")


def _texts(d: pd.DataFrame, codes: np.ndarray, n: int, opts: BlockDefaults) -> dict[str, np.ndarray]:
    """Most common heating, cooking and street per block (or the default)."""
    out = {}
    for col, default in (("heating", opts.heating), ("cooking", opts.cooking), ("street", "")):
        if col not in d:
            out[col] = np.full(n, default, dtype=object)
            continue
        values = _text(d, col)
        out[col] = most_common(codes, np.where(values == "", default, values), n)
    return out


def dwelling_owners(d: pd.DataFrame, opts: BlockDefaults) -> tuple[np.ndarray, np.ndarray]:
    """Owner ("" where unnamed) and owner type per dwelling.

    The owners file, else the BAG ``owner``/``owner_type`` columns, else the defaults.
    """
    owner = _text(d, "owners_file_owner")
    owner = np.where(owner == "", _text(d, "owner"), owner)
    otype = _text(d, "owners_file_type")
    otype = np.where(otype == "", _text(d, "owner_type"), otype)
    return owner, np.where(otype == "", opts.owner_type, otype)


def aggregate_blocks(d: pd.DataFrame, opts: BlockDefaults) -> tuple[pd.DataFrame, int]:
    """Aggregate dwellings to the block table (required columns + street + gas).

    Also returns the number of blocks with several owner types.
    """
    codes, ids = block_keys(d, opts.block_by)
    n = len(ids)
    area = d["area_m2"].to_numpy(float)
    count = np.bincount(codes, minlength=n)
    buurt, wijk = cbs_codes(d, opts.buurt_code)
    b_codes, b_uniques = pd.factorize(buurt, sort=True)  # ties: the smaller code
    w_codes, w_uniques = pd.factorize(wijk, sort=True)
    place = most_common(codes, b_codes.astype(np.int64) * len(w_uniques) + w_codes, n).astype(np.int64)
    texts = _texts(d, codes, n, opts)
    owner, otype = dwelling_owners(d, opts)
    block_owner, block_type, mixed = block_owners(codes, owner, otype, n, opts.owner)
    ranks = weighted_median(codes, d["label_rank"].to_numpy(int), area, n)
    gas = (
        block_gas(codes, d["gas_m3_per_yr"].to_numpy(float), n)
        if "gas_m3_per_yr" in d
        else np.full(n, np.nan)
    )
    xy = {
        c: np.round(np.bincount(codes, weights=d[c].to_numpy(float), minlength=n) / count, 1)
        for c in ("x_rd", "y_rd")
    }
    blocks = pd.DataFrame(
        {
            "block_id": ids,
            "wijk_code": np.asarray(w_uniques, dtype=object)[place % len(w_uniques)],
            "buurt_code": np.asarray(b_uniques, dtype=object)[place // len(w_uniques)],
            "owner": block_owner,
            "owner_type": block_type,
            "dwellings": count,
            "floor_area_m2": np.round(np.bincount(codes, weights=area, minlength=n), 1),
            "construction_year": weighted_median(codes, d["construction_year"].to_numpy(int), area, n),
            "dwelling_type": most_common(codes, d["dwelling_type"], n),
            "label": np.array(EP_LABELS, dtype=object)[ranks],
            **xy,
            "heating": texts["heating"],
            "cooking": texts["cooking"],
            "street": texts["street"],
            "gas_m3_per_yr": gas,
        },
        columns=[*REQUIRED, "street", "gas_m3_per_yr"],
    )
    return blocks, mixed


def write_blocks(blocks: pd.DataFrame, path: Path, comment: str = "") -> None:
    """Write a block table as CSV: the required columns and the optional ones that hold values.

    Optional columns with no value at all are left out (an all-empty column reads back as the
    same missing values). A ``comment`` becomes the first line, after ``# `` (block tables are read
    with ``#`` comments).
    """
    optional = [
        c
        for c in OPTIONAL
        if c in blocks and blocks[c].astype(str).str.strip().ne("").any() and blocks[c].notna().any()
    ]
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        if comment:
            fh.write(f"# {comment}\n")
        blocks[[*REQUIRED, *optional]].to_csv(fh, index=False)
