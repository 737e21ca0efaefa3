"""Measured gas use: the grid operators' yearly small-consumer open data (kleinverbruik).

Stedin, Liander and Enexis each publish, per year, one row per postcode range and product:
``POSTCODE_VAN``, ``POSTCODE_TOT`` (six-character postcodes), ``PRODUCTSOORT`` (``GAS`` or
``ELK``), ``AANSLUITINGEN_AANTAL`` (connections), ``FYSIEKE_STATUS_PERC`` (share of active
connections, %) and ``SJV_GEMIDDELD`` (average standard yearly use: m³ for gas). Files up to
2013 name the last three ``Aantal Aansluitingen``, ``%Fysieke status`` and ``SJV``. The
separator (tab at Stedin, ``;`` at Enexis, ``,`` or ``;`` at Liander) and the decimal mark are
found from the file.

Each dwelling gets the average of the gas range its postcode lies in; a range with fewer active
connections than the minimum is left to the estimate (and counted), as are dwellings without a
postcode or outside every range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from heatplan.buildings.importers.common import (
    by_unique,
    check_encoding,
    iter_csv,
    layout_error,
    match_columns,
    parse_number,
    sniff_layout,
)
from heatplan.errors import InputError

WHAT = "a grid operator's small-consumer (kleinverbruik) file (Stedin, Liander or Enexis CSV)"
COLUMNS: dict[str, tuple[str, ...]] = {
    "pc_from": ("postcodevan",),
    "pc_to": ("postcodetot",),
    "product": ("productsoort",),
    "connections": ("aansluitingenaantal", "aantalaansluitingen", "aansluitingaantal"),
    "active_pct": ("fysiekestatusperc", "fysiekestatus"),
    "sjv": ("sjvgemiddeld", "sjagemiddeld", "sjv"),
    "connection_type": ("soortaansluiting", "soortaansluitingnaam"),
}
REQUIRED = ("pc_from", "pc_to", "connections", "sjv")
#: Fewer active connections than this in a range: left to the estimate. The operators publish
#: no range with fewer than 10 connections; with part of them inactive a range can drop below.
MIN_CONNECTIONS = 10
_PC6 = re.compile(r"\d{4}[A-Z]{2}")


@dataclass
class GasRanges:
    """Gas ranges of a kleinverbruik file, sorted by their first postcode."""

    start: np.ndarray  # postcode keys (see pc6_keys), int64
    end: np.ndarray
    m3_per_yr: np.ndarray  # average standard yearly use per connection
    small: np.ndarray  # too few active connections: left to the estimate
    layout: str
    rows_read: int = 0
    gas_rows: int = 0
    bad_rows: int = 0


@dataclass
class GasMatch:
    """Gas use per dwelling and what happened."""

    m3_per_yr: np.ndarray  # NaN where left to the estimate
    dwellings_measured: int
    no_postcode: int
    no_range: int
    small_range: int
    ranges_matched: int


def pc6_keys(postcodes: pd.Series | np.ndarray) -> np.ndarray:
    """Six-character postcodes (``2531 AA``, ``2531aa``) as ordered integers; -1 where not one."""

    def keys(u: pd.Series) -> np.ndarray:
        text = u.str.upper().str.replace(r"\s", "", regex=True)
        ok = text.str.fullmatch(_PC6.pattern).fillna(False).to_numpy(bool)
        t = text.where(ok, "0000AA")
        digits = pd.to_numeric(t.str[:4]).to_numpy(np.int64)
        a = np.array([ord(c[0]) - 65 for c in t.str[4]], dtype=np.int64) if len(t) else np.zeros(0, np.int64)
        b = np.array([ord(c[0]) - 65 for c in t.str[5]], dtype=np.int64) if len(t) else np.zeros(0, np.int64)
        return np.where(ok, digits * 676 + a * 26 + b, -1)

    return by_unique(pd.Series(postcodes), keys, np.int64(-1)).astype(np.int64)


def _gas_rows(frame: pd.DataFrame, cols: dict[str, str], path: Path) -> np.ndarray:
    """Which rows are gas: ``PRODUCTSOORT`` GAS/G; else a gas meter type (G4, G6, ...)."""
    if "product" in cols:
        return by_unique(
            frame[cols["product"]], lambda u: u.str.strip().str.upper().isin(["GAS", "G"]), False
        )
    if "connection_type" in cols:
        return by_unique(
            frame[cols["connection_type"]], lambda u: u.str.strip().str.upper().str.match(r"G\d"), False
        )
    if "gas" in path.name.lower():
        return np.ones(len(frame), dtype=bool)
    raise InputError(
        f"{path}: no column PRODUCTSOORT (GAS/ELK) nor SOORT_AANSLUITING, and the file name "
        "does not say gas: cannot tell gas rows from electricity rows"
    )


def read_gas(path: Path, min_connections: int = MIN_CONNECTIONS) -> GasRanges:
    """The gas ranges of a grid operator's kleinverbruik CSV."""
    path = Path(path)
    check_encoding(path, WHAT, ["POSTCODE_VAN", "POSTCODE_TOT", "AANSLUITINGEN_AANTAL", "SJV_GEMIDDELD"])
    try:
        layout = sniff_layout(path, WHAT, ["postcodevan", "postcodetot"], strip_pand=False)
    except InputError:
        layout = None
    cols = match_columns(layout.headers, COLUMNS, strip_pand=False) if layout else {}
    if layout is None or any(f not in cols for f in REQUIRED):
        found = list(layout.headers) if layout else _first_line(path)
        missing = [
            ("POSTCODE_VAN", "POSTCODE_TOT", "AANSLUITINGEN_AANTAL", "SJV_GEMIDDELD")[i]
            for i, f in enumerate(REQUIRED)
            if f not in cols
        ]
        raise layout_error(path, WHAT, missing, found)
    name = "2009-2013 (SJV)" if norm(cols["sjv"]) == "sjv" else "2014 and later (SJV_GEMIDDELD)"
    text = [cols[f] for f in ("pc_from", "pc_to", "product", "connection_type") if f in cols]
    parts = list(iter_csv(path, layout, sorted(set(cols.values())), text))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(cols.values()))
    if frame.empty:
        raise InputError(f"{path}: a header but no rows ({WHAT} expected)")
    gas = _gas_rows(frame, cols, path)
    g = frame[gas]
    start, end = pc6_keys(g[cols["pc_from"]]), pc6_keys(g[cols["pc_to"]])
    conns = parse_number(g[cols["connections"]]).to_numpy(float)
    active = (
        parse_number(g[cols["active_pct"]]).to_numpy(float)
        if "active_pct" in cols
        else np.full(len(g), 100.0)
    )
    sjv = parse_number(g[cols["sjv"]]).to_numpy(float)
    bad = (start < 0) | (end < start) | ~np.isfinite(sjv) | (sjv < 0) | ~np.isfinite(conns)
    s, e, avg, act = _merge(
        start[~bad], end[~bad], sjv[~bad], conns[~bad], np.nan_to_num(active[~bad], nan=100.0)
    )
    small = ~(act >= min_connections) | ~np.isfinite(avg)
    out = GasRanges(s, e, avg, small, name, len(frame), int(gas.sum()), int(bad.sum()))
    if not out.gas_rows:
        raise InputError(f"{path}: no gas rows (PRODUCTSOORT GAS) among its {len(frame):,} rows")
    return out


def norm(header: str) -> str:
    """Header key (lower case, letters and digits only)."""
    return re.sub(r"[^0-9a-z]", "", header.lower())


def _first_line(path: Path) -> list[str]:
    with path.open("r", encoding="utf-8-sig", errors="replace") as fh:
        line = fh.readline().rstrip("\r\n")
    sep = max(("\t", ";", ",", "|"), key=line.count)
    return [h.strip().strip('"') for h in line.split(sep)]


def _merge(
    start: np.ndarray, end: np.ndarray, sjv: np.ndarray, conns: np.ndarray, active_pct: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Rows of the same range (e.g. one per street) into one: connection-weighted average."""
    frame = pd.DataFrame({"s": start, "e": end, "w": sjv * conns, "c": conns, "a": conns * active_pct / 100})
    grouped = frame.groupby(["s", "e"], sort=True).sum()
    s = grouped.index.get_level_values(0).to_numpy(np.int64)
    e = grouped.index.get_level_values(1).to_numpy(np.int64)
    c = grouped["c"].to_numpy(float)
    avg = np.where(c > 0, grouped["w"].to_numpy(float) / np.where(c > 0, c, 1), np.nan)
    return s, e, avg, grouped["a"].to_numpy(float)


def match_gas(ranges: GasRanges, postcodes: pd.Series | np.ndarray) -> GasMatch:
    """Each dwelling's gas use: the average of the range its postcode lies in.

    Ranges are sorted by their first postcode; a postcode goes to the last range starting at or
    before it if that range reaches it, else to the earlier range reaching furthest (nested or
    overlapping ranges).
    """
    key = pc6_keys(postcodes)
    n = len(key)
    idx = np.full(n, -1, dtype=np.int64)
    if len(ranges.start):
        cand = np.searchsorted(ranges.start, key, side="right") - 1
        ok = (cand >= 0) & (key >= 0)
        c = cand.clip(0)
        reach = np.maximum.accumulate(ranges.end)
        furthest = _running_argmax(ranges.end)
        direct = ok & (ranges.end[c] >= key)
        nested = ok & ~direct & (reach[c] >= key)
        idx = np.where(direct, c, np.where(nested, furthest[c], -1))
    has = idx >= 0
    small = has & ranges.small[idx.clip(0)]
    use = has & ~small
    m3 = np.where(use, ranges.m3_per_yr[idx.clip(0)] if len(ranges.start) else np.nan, np.nan)
    return GasMatch(
        m3_per_yr=m3,
        dwellings_measured=int(use.sum()),
        no_postcode=int((key < 0).sum()),
        no_range=int(((key >= 0) & ~has).sum()),
        small_range=int(small.sum()),
        ranges_matched=len(np.unique(idx[use])),
    )


def _running_argmax(values: np.ndarray) -> np.ndarray:
    """Index of the largest value so far, at each position (the first of equals)."""
    reach = np.maximum.accumulate(values)
    is_new = np.r_[True, reach[1:] > reach[:-1]]
    return np.maximum.accumulate(np.where(is_new, np.arange(len(values)), 0))
