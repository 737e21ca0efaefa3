"""Read RVO EP-Online energy labels (v2 ``Pand_…`` and v4 layouts) into one label per dwelling.

Only the columns needed are read, in chunks; each chunk is filtered and reduced to compact
types before the next one is read, so memory follows the number of kept labels, not the file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from heatplan.buildings.importers.common import (
    by_unique,
    check_encoding,
    iter_csv,
    match_columns,
    parse_date_key,
    parse_id,
    parse_number,
    sniff_layout,
)
from heatplan.buildings.importers.dwelling_types import UNKNOWN, type_code
from heatplan.buildings.labels import EP_LABELS
from heatplan.errors import InputError

log = logging.getLogger(__name__)

WHAT = "an EP-Online label file (v2 'Pand_…' or v4 layout)"
#: Field -> accepted header keys (see :func:`~heatplan.buildings.importers.common.norm_header`).
COLUMNS: dict[str, tuple[str, ...]] = {
    "vbo_id": ("bagverblijfsobjectid",),
    "label": ("energieklasse",),
    "survey_date": ("opnamedatum",),
    "registration_date": ("registratiedatum",),
    "status": ("status",),
    "building_class": ("gebouwklasse",),
    "building_type": ("gebouwtype",),
    "building_subtype": ("gebouwsubtype",),
    "construction_year": ("bouwjaar",),
    "area_m2": ("gebruiksoppervlaktethermischezone", "gebruiksoppervlakte"),
}
REQUIRED = ("vbo_id", "label", "survey_date")
#: Verblijfsobject ids to keep (sorted), a Future of them, or None for all.
KeepIds = np.ndarray | Future[np.ndarray] | None
_LABEL_RANK = {lab: np.int8(i) for i, lab in enumerate(EP_LABELS)}


@dataclass
class EpCounts:
    """What happened to the rows of an EP-Online file."""

    rows_read: int = 0
    outside_area: int = 0
    non_residential: int = 0
    permit_stage: int = 0
    no_vbo_id: int = 0
    no_label: int = 0
    older_duplicates: int = 0
    labels_kept: int = 0
    layout: str = ""
    columns: dict[str, str] = field(default_factory=dict)


TEXT_FIELDS = ("label", "survey_date", "registration_date", "status", "building_class",
               "building_type", "building_subtype")  # fmt: skip


def _label_ranks(text: pd.Series) -> np.ndarray:
    """Label texts as rank 0 (G) .. 11 (A+++++); -1 where not a label."""
    clean = text.str.strip().str.upper().str.replace(" ", "", regex=False)
    return clean.map(_LABEL_RANK).fillna(-1).astype(np.int8).to_numpy()


def _type_codes(chunk: pd.DataFrame, cols: dict[str, str]) -> np.ndarray:
    """Dwelling type code per row from Gebouwtype and Gebouwsubtype (each pair matched once)."""
    parts = [chunk[cols[f]] for f in ("building_type", "building_subtype") if f in cols]
    if len(parts) == 1:
        return by_unique(parts[0], lambda u: [type_code(t) for t in u], np.int8(UNKNOWN)).astype(np.int8)
    a, ua = pd.factorize(parts[0])
    b, ub = pd.factorize(parts[1])
    pair, upair = pd.factorize(pd.Series((a + 1).astype(np.int64) * (len(ub) + 1) + (b + 1)))
    ta = np.append("", np.asarray(ua, dtype=object).astype(str))
    tb = np.append("", np.asarray(ub, dtype=object).astype(str))
    upair = np.asarray(upair)
    codes = np.array(
        [type_code(f"{ta[k // (len(ub) + 1)]} | {tb[k % (len(ub) + 1)]}") for k in upair], dtype=np.int8
    )
    return codes[pair]


def _in_sorted(values: np.ndarray, sorted_ids: np.ndarray) -> np.ndarray:
    """Which ``values`` are among ``sorted_ids`` (sorted, unique)."""
    if not len(sorted_ids):
        return np.zeros(len(values), dtype=bool)
    pos = np.searchsorted(sorted_ids, values).clip(0, len(sorted_ids) - 1)
    return sorted_ids[pos] == values


def _reduce_chunk(chunk: pd.DataFrame, cols: dict[str, str], counts: EpCounts,
                  keep_ids: np.ndarray | None = None) -> pd.DataFrame:  # fmt: skip
    """Filter one chunk and keep compact columns: vbo_id, rank, dates, type code, year, area.

    With ``keep_ids`` (sorted), rows of other verblijfsobjecten are dropped first (counted as
    outside the area), before anything else is parsed.
    """
    counts.rows_read += len(chunk)
    if keep_ids is not None:
        ids = parse_id(chunk[cols["vbo_id"]]).fillna(-1).to_numpy(np.int64)
        inside = _in_sorted(ids, keep_ids) | (ids < 0)  # rows without an id: counted below
        counts.outside_area += int((~inside).sum())
        chunk = chunk[inside]
    keep = np.ones(len(chunk), dtype=bool)
    if "building_class" in cols:
        klass = by_unique(chunk[cols["building_class"]], lambda u: u.str.strip().str.upper().str[:1], "")
        non_res = (klass != "W") & (klass != "")
        counts.non_residential += int(non_res.sum())
        keep &= ~non_res
    if "status" in cols:
        permit = by_unique(chunk[cols["status"]], lambda u: u.str.contains("vergunning", case=False), False)
        permit &= keep
        counts.permit_stage += int(permit.sum())
        keep &= ~permit
    chunk = chunk[keep]
    vbo = parse_id(chunk[cols["vbo_id"]])
    rank = by_unique(chunk[cols["label"]], _label_ranks, np.int8(-1))
    no_id = vbo.isna().to_numpy()
    no_label = (rank < 0) & ~no_id
    counts.no_vbo_id += int(no_id.sum())
    counts.no_label += int(no_label.sum())
    ok = ~(no_id | no_label)
    chunk = chunk[ok]
    out = pd.DataFrame(
        {
            "vbo_id": vbo[ok].astype("int64").to_numpy(),
            "label_rank": rank[ok],
            "survey_date": parse_date_key(chunk[cols["survey_date"]]).to_numpy(),
        }
    )
    if "registration_date" in cols:
        out["registration_date"] = parse_date_key(chunk[cols["registration_date"]]).to_numpy()
    if "building_type" in cols or "building_subtype" in cols:
        out["type_code"] = _type_codes(chunk, cols)
    if "construction_year" in cols:
        out["ep_construction_year"] = parse_number(chunk[cols["construction_year"]]).to_numpy()
    if "area_m2" in cols:
        out["ep_area_m2"] = parse_number(chunk[cols["area_m2"]]).to_numpy()
    return out


def _latest(labels: pd.DataFrame) -> pd.DataFrame:
    """One row per dwelling: the latest survey date, then registration date, then file order."""
    when = labels["survey_date"].to_numpy().astype(np.int64) * 100_000_000
    if "registration_date" in labels:
        when += labels["registration_date"].to_numpy()
    order = np.lexsort((when, labels["vbo_id"].to_numpy()))  # stable: file order last
    vbo = labels["vbo_id"].to_numpy()[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = vbo[1:] != vbo[:-1]
    return labels.iloc[order[last]].reset_index(drop=True)


def _reduce_all(
    chunks: Iterator[pd.DataFrame], cols: dict[str, str], counts: EpCounts, keep_ids: KeepIds
) -> list[pd.DataFrame]:
    """Reduce the chunks; with a future ``keep_ids``, chunks read before it is done wait (raw)."""
    parts: list[pd.DataFrame] = []
    waiting: list[pd.DataFrame] = []
    for chunk in chunks:
        if isinstance(keep_ids, Future) and not keep_ids.done():
            waiting.append(chunk)
            continue
        ids = keep_ids.result() if isinstance(keep_ids, Future) else keep_ids
        parts += [_reduce_chunk(c, cols, counts, ids) for c in [*waiting, chunk]]
        waiting = []
    if waiting:
        ids = keep_ids.result() if isinstance(keep_ids, Future) else keep_ids
        parts += [_reduce_chunk(c, cols, counts, ids) for c in waiting]
    return parts


def read_ep_online(path: Path, keep_ids: KeepIds = None) -> tuple[pd.DataFrame, EpCounts]:
    """The latest valid label per verblijfsobject in an EP-Online CSV, and what was dropped.

    ``keep_ids`` (sorted int64 verblijfsobject ids, or a Future of them): keep only the labels
    of these dwellings, dropping the others chunk by chunk while the file streams. With a
    Future (the BAG still being read on another thread) the file is parsed meanwhile, and the
    chunks read before the ids are known wait, unreduced, for them.

    Returns a frame with ``vbo_id`` (int64, unique), ``label`` (EP label text), ``survey_date``
    (yyyymmdd) and, where the file has them, ``type_code`` (from Gebouwtype and Gebouwsubtype,
    see :mod:`~heatplan.buildings.importers.dwelling_types`),
    ``ep_construction_year`` and ``ep_area_m2``.
    """
    path = Path(path)
    check_encoding(path, WHAT, [COLUMNS[f][0] for f in REQUIRED])
    layout = sniff_layout(path, WHAT, [COLUMNS[f][0] for f in REQUIRED])
    cols = match_columns(layout.headers, COLUMNS)
    counts = EpCounts(layout="v2" if layout.headers[0].lower().startswith("pand_") else "v4")
    counts.columns = cols
    log.info("%s: EP-Online %s layout, header on line %d", path, counts.layout, layout.header_line + 1)
    text_cols = [cols[f] for f in TEXT_FIELDS if f in cols]
    chunks = iter_csv(path, layout, list(cols.values()), text_cols)
    parts = _reduce_all(chunks, cols, counts, keep_ids)
    if counts.rows_read == 0:
        raise InputError(f"{path}: a header but no rows ({WHAT} expected)")
    if not parts:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in cols.values()})
        parts = [_reduce_chunk(empty, cols, counts)]
    labels = pd.concat(parts, ignore_index=True)
    labels = _latest(labels)
    counts.older_duplicates = (
        counts.rows_read - counts.outside_area - counts.non_residential - counts.permit_stage
    )
    counts.older_duplicates -= counts.no_vbo_id + counts.no_label + len(labels)
    counts.labels_kept = len(labels)
    labels["label"] = np.array(EP_LABELS, dtype=object)[labels["label_rank"].to_numpy()]
    return labels.drop(columns=["registration_date"], errors="ignore"), counts
