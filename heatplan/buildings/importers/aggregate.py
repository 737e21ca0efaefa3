"""Dwellings to blocks: grouping keys, weighted medians and most-common values per block."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from heatplan.buildings.importers.common import by_unique
from heatplan.errors import InputError


def weighted_median(codes: np.ndarray, values: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """Lower weighted median of ``values`` per group ``codes`` (0..n-1), weighted by ``weights``.

    The smallest value at which the cumulative weight reaches half the group's total; with two
    equal halves the lower value wins (for label ranks: the worse label).
    """
    order = np.lexsort((values, codes))
    b, v, w = codes[order], values[order], weights[order].astype(float)
    total = np.bincount(b, weights=w, minlength=n)
    offset = np.concatenate([[0.0], np.cumsum(total)[:-1]])
    within = np.cumsum(w) - offset[b]
    reached = np.flatnonzero(within >= total[b] * (0.5 - 1e-9))
    groups, first = np.unique(b[reached], return_index=True)
    out = np.empty(n, dtype=values.dtype)
    out[groups] = v[reached[first]]
    return out


def most_common(codes: np.ndarray, values: pd.Series | np.ndarray, n: int) -> np.ndarray:
    """Most common value per group (ties: the value that sorts first)."""
    vcodes, uniques = pd.factorize(values, sort=True)
    counted = (
        pd.DataFrame({"b": codes, "v": vcodes})
        .groupby(["b", "v"], sort=False)
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["b", "n", "v"], ascending=[True, False, True], kind="stable")
        .drop_duplicates("b")
    )
    out = np.empty(n, dtype=object)
    out[counted["b"].to_numpy()] = np.asarray(uniques, dtype=object)[counted["v"].to_numpy()]
    return out


def _pand_keys(dwellings: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Codes and ids of the pand of each dwelling (pand id 0: none; then ``vbo-<id>``)."""
    vbo = dwellings["vbo_id"].to_numpy(np.int64)
    pand = dwellings["pand_id"].to_numpy(np.int64) if "pand_id" in dwellings else np.zeros_like(vbo)
    key = np.where(pand > 0, pand, -vbo)
    codes, uniques = pd.factorize(key, sort=True)
    ids = np.array([f"{u:016d}" if u > 0 else f"vbo-{-u:016d}" for u in uniques], dtype=object)
    return codes, ids


def block_keys(dwellings: pd.DataFrame, block_by: str) -> tuple[np.ndarray, np.ndarray]:
    """Block code of every dwelling and the block ids: by BAG pand, postcode or a column.

    A dwelling without a value for the chosen key falls back on its pand, and one without a
    pand on its own verblijfsobject id (``vbo-<id>``). Codes index the ids (sorted).
    """
    codes, ids = _pand_keys(dwellings)
    if block_by == "pand":
        return codes, ids
    col = "postcode" if block_by == "postcode" else "block_key"
    if col not in dwellings:
        raise InputError(f"--block-by {block_by}: the BAG file has no such column")
    if block_by == "postcode":
        text = by_unique(dwellings[col], lambda u: u.str.strip().str.upper().str.replace(" ", ""), "")
    else:
        text = by_unique(dwellings[col], lambda u: u.str.strip(), "")
    key = np.where(text == "", ids[codes], text)
    new_codes, uniques = pd.factorize(key, sort=True)
    return new_codes, np.asarray(uniques, dtype=object)


def cbs_codes(dwellings: pd.DataFrame, buurt_code: str | None) -> tuple[np.ndarray, np.ndarray]:
    """CBS buurt and wijk code of every dwelling: BAG columns first, then ``buurt_code``.

    The wijk code follows from the buurt code (``BU0518xxyy`` lies in ``WK0518xx``) where the
    BAG has no wijk column. Codes may be written with or without the ``BU``/``WK`` prefix.
    """
    n = len(dwellings)
    empty = np.full(n, "", dtype=object)
    buurt = (
        by_unique(dwellings["buurt_code"], lambda u: _code(u, "BU", 8), "")
        if "buurt_code" in dwellings
        else empty
    )
    if buurt_code:
        given = str(_code(pd.Series([buurt_code]), "BU", 8).iloc[0])
        if not re.fullmatch(r"BU\d{8}", given):
            raise InputError(f"--buurt-code {buurt_code!r}: expected a CBS buurt code like BU05183387")
        buurt = np.where(buurt == "", given, buurt)
    missing = int((buurt == "").sum())
    if missing:
        raise InputError(
            f"{missing:,} dwelling(s) have no CBS buurt code: the BAG file has no usable "
            "'buurtcode' column for them. Give --buurt-code BU######## (e.g. BU05183387), "
            "or add a 'buurtcode' column to the BAG CSV."
        )
    wijk = (
        by_unique(dwellings["wijk_code"], lambda u: _code(u, "WK", 6), "")
        if "wijk_code" in dwellings
        else empty
    )
    codes, uniques = pd.factorize(buurt)
    from_buurt = np.array(["WK" + str(b)[2:8] for b in uniques], dtype=object)[codes]
    return buurt, np.where(wijk == "", from_buurt, wijk)


def _code(values: pd.Series, prefix: str, digits: int) -> pd.Series:
    """``BU05183387`` / ``05183387`` / ``BU 0518 33 87`` -> ``BU05183387``; other text unchanged."""
    text = values.astype(str).str.strip().replace({"nan": "", "None": ""})
    nums = text.str.replace(r"\D", "", regex=True)
    return (prefix + nums).where(nums.str.len().eq(digits), text)


def block_owners(codes: np.ndarray, owner: np.ndarray, owner_type: np.ndarray, n: int,
                 default_owner: str) -> tuple[np.ndarray, np.ndarray, int]:  # fmt: skip
    """Owner and owner type per block, and how many blocks are mixed.

    ``owner`` per dwelling ("" where unnamed), ``owner_type`` per dwelling (always set). A block
    whose dwellings have several owner types is ``mixed`` (an owners' association); its owner is
    the named owner of most of its dwellings (ties: alphabetical), else ``default_owner``.
    """
    t_codes, t_uniques = pd.factorize(owner_type, sort=True)
    lo = np.full(n, np.iinfo(np.int64).max)
    hi = np.full(n, -1)
    np.minimum.at(lo, codes, t_codes)
    np.maximum.at(hi, codes, t_codes)
    mixed = lo != hi
    types = np.where(mixed, "mixed", np.asarray(t_uniques, dtype=object)[lo.clip(0, len(t_uniques) - 1)])
    named = owner != ""
    owners = np.full(n, default_owner, dtype=object)
    if named.any():
        top = most_common(codes[named], owner[named], n)
        has = np.bincount(codes[named], minlength=n) > 0
        owners[has] = top[has]
    return owners, types.astype(object), int(mixed.sum())


def block_gas(codes: np.ndarray, m3_per_yr: np.ndarray, n: int) -> np.ndarray:
    """Measured gas use per block.

    The sum over its dwellings when every dwelling has a value, else NaN (the whole block is
    left to the estimate).
    """
    measured = np.isfinite(m3_per_yr)
    total = np.bincount(codes, weights=np.where(measured, m3_per_yr, 0.0), minlength=n)
    complete = np.bincount(codes, weights=measured, minlength=n) == np.bincount(codes, minlength=n)
    return np.where(complete, np.round(total, 1), np.nan)
