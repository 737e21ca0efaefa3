"""Owners of dwellings: a corporation's list of its holdings, matched to BAG dwellings.

The CSV maps a verblijfsobject id (``verblijfsobject_id``/``identificatie``/``vbo_id``), or an
address (``postcode`` + ``huisnummer`` [+ ``huisletter`` + ``toevoeging``]), to ``owner`` and
``owner_type`` (``corporation``, ``private_rent``, ``owner_occupied``, ``mixed``; Dutch words
such as ``corporatie``, ``particuliere huur``, ``koop``/``eigenaar-bewoner``, ``vve`` too).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from heatplan.buildings.importers.common import (
    by_unique,
    check_encoding,
    layout_error,
    match_columns,
    parse_id,
    sniff_layout,
)
from heatplan.buildings.schema import OWNER_TYPES
from heatplan.errors import InputError

WHAT = "an owners file (CSV: verblijfsobject id, or postcode + huisnummer, then owner and owner_type)"
COLUMNS: dict[str, tuple[str, ...]] = {
    "vbo_id": (
        "verblijfsobjectid",
        "verblijfsobjectidentificatie",
        "bagverblijfsobjectid",
        "vboid",
        "identificatie",
        "bagvboid",
    ),
    "postcode": ("postcode",),
    "house_number": ("huisnummer", "housenumber"),
    "house_letter": ("huisletter", "houseletter"),
    "house_addition": ("huisnummertoevoeging", "toevoeging", "addition"),
    "owner": ("owner", "eigenaar"),
    "owner_type": ("ownertype", "eigenaartype", "eigendomstype", "typeeigenaar", "eigendom"),
}
OWNER_TYPE_WORDS: dict[str, str] = {
    **{t.replace("_", ""): t for t in OWNER_TYPES},
    "corporatie": "corporation",
    "woningcorporatie": "corporation",
    "sociale huur": "corporation",
    "socialehuur": "corporation",
    "particulierehuur": "private_rent",
    "vrijesectorhuur": "private_rent",
    "verhuur": "private_rent",
    "huur": "private_rent",
    "koop": "owner_occupied",
    "koopwoning": "owner_occupied",
    "eigenaarbewoner": "owner_occupied",
    "eigenwoning": "owner_occupied",
    "gemengd": "mixed",
    "vve": "mixed",
}
_MAX_LISTED = 5


@dataclass
class Owners:
    """The owners file: one key per row (vbo id or address) with owner and owner type."""

    by: str  # "id" or "address"
    keys: np.ndarray  # int64 ids or address texts
    owner: np.ndarray
    owner_type: np.ndarray
    lines: np.ndarray  # line number in the file of each row
    path: Path
    rows_read: int = 0


def address_keys(
    postcode: pd.Series, number: pd.Series, letter: pd.Series | None, addition: pd.Series | None
) -> np.ndarray:
    """Address keys such as ``2531AA|12|A|2``.

    Postcode without spaces, house number as a whole number, letter and addition in upper case
    ("" when missing).
    """

    def clean(values: pd.Series | None, fn: object) -> pd.Series:
        if values is None:
            return pd.Series("", index=postcode.index)
        return pd.Series(by_unique(values, fn, ""), index=postcode.index)  # type: ignore[arg-type]

    pc = clean(postcode, lambda u: u.str.upper().str.replace(r"\s", "", regex=True))
    num = clean(number, lambda u: u.str.strip().str.replace(r"\.0$", "", regex=True).str.lstrip("0"))
    let = clean(letter, lambda u: u.str.strip().str.upper().replace({"NAN": "", "NONE": ""}))
    add = clean(addition, lambda u: u.str.strip().str.upper().replace({"NAN": "", "NONE": ""}))
    return (pc + "|" + num + "|" + let + "|" + add).to_numpy(dtype=object)


def _owner_types(values: pd.Series, lines: np.ndarray, path: Path, column: str) -> np.ndarray:
    words = values.str.strip().str.lower()
    keys = words.str.replace(r"[^0-9a-z ]", "", regex=True)
    mapped = keys.map(lambda k: OWNER_TYPE_WORDS.get(k, OWNER_TYPE_WORDS.get(k.replace(" ", ""))))
    bad = mapped.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{path}: line {lines[i]}, column '{column}' = {values.iloc[i]!r}: expected one of "
            f"{', '.join(OWNER_TYPES)} (or corporatie, particuliere huur, koop, vve)"
        )
    return mapped.to_numpy(dtype=object)


def read_owners(path: Path) -> Owners:
    """Read and check an owners CSV."""
    path = Path(path)
    check_encoding(path, WHAT, ["verblijfsobject_id", "owner", "owner_type"])
    layout = sniff_layout(path, WHAT, [], strip_pand=False, max_lines=1)
    cols = match_columns(layout.headers, COLUMNS, strip_pand=False)
    by_id = "vbo_id" in cols
    missing = [c for c in ("owner", "owner_type") if c not in cols]
    if not by_id and not {"postcode", "house_number"} <= set(cols):
        missing.insert(0, "verblijfsobject_id (or postcode and huisnummer)")
    if missing:
        raise layout_error(path, WHAT, missing, list(layout.headers))
    try:
        frame = pd.read_csv(path, sep=layout.sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"{path}: cannot read as CSV ({exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise InputError(f"{path}: a header but no rows ({WHAT} expected)")
    lines = np.arange(2, len(frame) + 2)
    owner = frame[cols["owner"]].str.strip()
    if owner.eq("").any():
        i = int(np.flatnonzero(owner.eq("").to_numpy())[0])
        raise InputError(
            f"{path}: line {lines[i]}, column '{cols['owner']}' is empty: expected the owner's name"
        )
    types = _owner_types(frame[cols["owner_type"]], lines, path, cols["owner_type"])
    if by_id:
        ids = parse_id(frame[cols["vbo_id"]])
        if ids.isna().any():
            i = int(np.flatnonzero(ids.isna().to_numpy())[0])
            raise InputError(
                f"{path}: line {lines[i]}, column '{cols['vbo_id']}' = "
                f"{frame[cols['vbo_id']].iloc[i]!r}: expected a BAG verblijfsobject id "
                "(16 digits, e.g. 0518010000123456)"
            )
        keys: np.ndarray = ids.to_numpy(np.int64)
    else:
        keys = address_keys(
            frame[cols["postcode"]],
            frame[cols["house_number"]],
            frame.get(cols.get("house_letter", "")),
            frame.get(cols.get("house_addition", "")),
        )
    _check_duplicates(keys, owner.to_numpy(dtype=object), types, lines, path)
    return Owners(
        "id" if by_id else "address", keys, owner.to_numpy(dtype=object), types, lines, path, len(frame)
    )


def _check_duplicates(
    keys: np.ndarray, owner: np.ndarray, types: np.ndarray, lines: np.ndarray, path: Path
) -> None:
    """The same dwelling twice with a different owner or type is an error."""
    frame = pd.DataFrame({"k": keys, "o": owner, "t": types, "line": lines})
    dup = frame[frame.duplicated("k", keep=False)]
    if dup.empty:
        return
    conflict = dup.groupby("k")[["o", "t"]].nunique().max(axis=1) > 1
    if conflict.any():
        k = conflict[conflict].index[0]
        rows = dup[dup["k"] == k]
        raise InputError(
            f"{path}: lines {', '.join(map(str, rows['line']))} give dwelling {k} different "
            f"owners ({', '.join(sorted(set(rows['o'] + ' / ' + rows['t'])))}); expected one"
        )


@dataclass
class OwnerMatch:
    """Owner and owner type per dwelling ("" where the owners file has none)."""

    owner: np.ndarray
    owner_type: np.ndarray
    rows_matched: int
    rows_not_dwelling: int  # in the BAG file, but not a dwelling kept (shop, demolished, ...)
    rows_outside_area: int
    dwellings_matched: int


def match_owners(
    owners: Owners, dwelling_keys: np.ndarray, keys_seen: np.ndarray | None, area: bool, bag: Path
) -> OwnerMatch:
    """Owners per dwelling.

    Rows whose dwelling the BAG file does not know are an error (with an area: counted as
    outside it, since the BAG was read for the area only).

    ``keys_seen``: the keys of every BAG row read (any use or status); None: the dwellings'.
    """
    first = ~pd.Series(owners.keys).duplicated().to_numpy()
    keys = owners.keys[first]
    in_dwellings = np.isin(keys, dwelling_keys)
    known = np.isin(keys, keys_seen) | in_dwellings if keys_seen is not None else in_dwellings
    unknown = ~known
    if unknown.any() and not area:
        what = "verblijfsobject id(s)" if owners.by == "id" else "address(es)"
        lines = owners.lines[first]
        shown = ", ".join(
            f"line {lines[i]}: {_show(keys[i], owners.by)}" for i in np.flatnonzero(unknown)[:_MAX_LISTED]
        )
        more = f" (and {int(unknown.sum()) - _MAX_LISTED} more)" if unknown.sum() > _MAX_LISTED else ""
        raise InputError(
            f"{owners.path}: {int(unknown.sum())} {what} not in the BAG file {bag}: "
            f"{shown}{more}; expected {what} of that file"
        )
    pos = pd.Index(keys).get_indexer(dwelling_keys)
    hit = pos >= 0
    owner = np.where(hit, owners.owner[first][pos.clip(0)], "").astype(object)
    otype = np.where(hit, owners.owner_type[first][pos.clip(0)], "").astype(object)
    return OwnerMatch(
        owner,
        otype,
        int(in_dwellings.sum()),
        int((known & ~in_dwellings).sum()),
        int(unknown.sum()),
        int(hit.sum()),
    )


def _show(key: object, by: str) -> str:
    if by == "id":
        return f"{int(key):016d}"  # type: ignore[call-overload]
    pc, num, let, add = str(key).split("|")
    return f"{pc} {num}{let}{('-' + add) if add else ''}"
