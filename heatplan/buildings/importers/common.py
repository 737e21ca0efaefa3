"""Shared helpers of the EP-Online and BAG importers: header matching, CSV layout, id parsing."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from heatplan.errors import InputError

#: Rows per chunk when streaming a large CSV.
CHUNK_ROWS = 250_000
_NON_ALNUM = re.compile(r"[^0-9a-z]")


def norm_header(name: object, strip_pand: bool = True) -> str:
    """Header key: lower case, letters and digits only, no ``Pand_`` prefix (if ``strip_pand``)."""
    text = str(name).strip().lower()
    if strip_pand and text.startswith("pand_"):
        text = text[5:]
    return _NON_ALNUM.sub("", text)


def match_columns(
    headers: Sequence[str], wanted: Mapping[str, tuple[str, ...]], strip_pand: bool = True
) -> dict[str, str]:
    """Map each wanted field to the first header whose key is one of its aliases (keys)."""
    by_key: dict[str, str] = {}
    for h in headers:
        by_key.setdefault(norm_header(h, strip_pand), h)
    found: dict[str, str] = {}
    for field, aliases in wanted.items():
        for alias in aliases:
            if alias in by_key:
                found[field] = by_key[alias]
                break
    return found


def layout_error(
    path: Path, what: str, missing: Sequence[str], found: Sequence[str], extra: str = ""
) -> InputError:
    """One clear message: which file, which columns were expected and which were found."""
    shown = ", ".join(str(f) for f in found[:60]) or "(none)"
    more = f" ... ({len(found)} in all)" if len(found) > 60 else ""
    return InputError(
        f"{path}: not a layout heatplan knows as {what}{extra}. "
        f"Missing column(s): {', '.join(missing)}. Columns found: {shown}{more}"
    )


@dataclass(frozen=True)
class CsvLayout:
    """Where a CSV's header is and how it is separated."""

    header_line: int  # 0-based line number of the header
    sep: str
    headers: tuple[str, ...]


def sniff_layout(
    path: Path, what: str, required_keys: Sequence[str], strip_pand: bool = True, max_lines: int = 6
) -> CsvLayout:
    """Find the header among the first lines (skipping metadata lines) and the separator."""
    if not path.is_file():
        raise InputError(f"{path}: no such file (expected {what})")
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            lines = [fh.readline() for _ in range(max_lines)]
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not readable as UTF-8 text ({what} expected): {exc}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    best: tuple[int, str, list[str]] | None = None
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        sep = max((";", ",", "\t", "|"), key=line.count)
        fields = next(csv.reader([line.rstrip("\r\n")], delimiter=sep))
        keys = {norm_header(f, strip_pand) for f in fields}
        if all(k in keys for k in required_keys):
            return CsvLayout(i, sep, tuple(f.strip() for f in fields))
        if best is None or len(fields) > len(best[2]):
            best = (i, sep, fields)
    found = [f.strip() for f in best[2]] if best else []
    missing = [k for k in required_keys if k not in {norm_header(f, strip_pand) for f in found}]
    raise layout_error(path, what, missing, found)


_DECIMAL_COMMA = re.compile(r"-?\d+,\d+")
_DECIMAL_POINT = re.compile(r"-?\d+\.\d+")


def guess_decimal(path: Path, layout: CsvLayout, lines: int = 200) -> str:
    """``,`` if the first data lines write numbers with a decimal comma (and ``;`` separates)."""
    if layout.sep == ",":
        return "."
    comma = point = 0
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        for _ in range(layout.header_line + 1):
            fh.readline()
        for line in fh.readlines(1 << 20)[:lines]:
            for value in line.rstrip("\r\n").split(layout.sep):
                comma += bool(_DECIMAL_COMMA.fullmatch(value))
                point += bool(_DECIMAL_POINT.fullmatch(value))
    return "," if comma > point else "."


def iter_csv(
    path: Path, layout: CsvLayout, usecols: Sequence[str], text_cols: Sequence[str]
) -> Iterator[pd.DataFrame]:
    """Stream the wanted columns of a CSV in chunks of :data:`CHUNK_ROWS` rows.

    ``text_cols`` are read as categoricals (cheap for repeated values such as status, label,
    date, street); the other columns are typed by the parser (identifiers and numbers become
    numbers where every value in the chunk is one, else text). Only empty fields are missing.
    """
    decimal = guess_decimal(path, layout)
    try:
        reader = pd.read_csv(
            path, sep=layout.sep, skiprows=layout.header_line, header=0, usecols=list(usecols),
            dtype=dict.fromkeys(text_cols, "category"), keep_default_na=False, na_values=[""],
            decimal=decimal, encoding="utf-8-sig", chunksize=CHUNK_ROWS, engine="c",
        )  # fmt: skip
        with reader:
            yield from reader
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError, csv.Error) as exc:
        raise InputError(f"{path}: cannot read as CSV ({type(exc).__name__}: {exc})") from None


def by_unique(values: pd.Series, fn: Callable[[pd.Series], object], missing: object) -> np.ndarray:
    """``fn`` applied to each distinct value (as text) and spread back over the rows.

    ``fn`` takes a string Series of the distinct values and returns one result per value;
    missing values get ``missing``. Cheap for categoricals and repeated texts.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = pd.Series(np.asarray(uniques, dtype=object)).astype(str)
    res = np.asarray(fn(text))
    return np.append(res, np.array([missing], dtype=res.dtype))[codes]


def text_of(values: pd.Series) -> pd.Series:
    """Values as stripped text, ``""`` where missing."""
    return values.astype(object).where(values.notna(), "").astype(str).str.strip()


def parse_id(values: pd.Series) -> pd.Series:
    """BAG identifiers as Int64 (leading zeros and prefixes like ``NL.IMBAG.Pand.`` removed).

    A field with several identifiers (comma- or space-separated) gives the first. Empty or
    unreadable fields give ``<NA>``.
    """
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.round().astype("Int64")
    s = text_of(values)
    num = pd.to_numeric(s, errors="coerce")
    bad = num.isna() & s.str.len().gt(0)
    if bad.any():
        digits = s[bad].str.extract(r"(\d{10,16})", expand=False)
        num[bad] = pd.to_numeric(digits, errors="coerce")
    return num.round().astype("Int64")


def parse_number(values: pd.Series) -> pd.Series:
    """Numbers written with a decimal comma or point (``28,5`` or ``28.5``) as float."""
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype(float)
    s = text_of(values)
    num = pd.to_numeric(s, errors="coerce")
    retry = num.isna() & s.str.len().gt(0)
    if retry.any():
        num[retry] = pd.to_numeric(s[retry].str.replace(",", ".", regex=False), errors="coerce")
    return num.astype(float)


_DATE_FORMATS = ("%Y%m%d", "ISO8601", "%d-%m-%Y", "%d/%m/%Y", "%d-%m-%Y %H:%M:%S")


def _date_keys(text: pd.Series) -> np.ndarray:
    """Distinct date texts -> yyyymmdd keys (0 where unreadable); best format tried first."""
    out = np.zeros(len(text), dtype=np.int32)
    s = text.str.strip()
    s = s[s.str.len().gt(0)]
    if s.empty:
        return out
    sample = s.iloc[:200]
    fmts = sorted(
        _DATE_FORMATS, key=lambda f: -int(pd.to_datetime(sample, format=f, errors="coerce").notna().sum())
    )
    for fmt in fmts:
        if s.empty:
            break
        parsed = pd.to_datetime(s, format=fmt, errors="coerce")
        ok = parsed.notna()
        p = parsed[ok]
        out[p.index.to_numpy()] = (p.dt.year * 10000 + p.dt.month * 100 + p.dt.day).to_numpy(np.int32)
        s = s[~ok]
    return out


def parse_date_key(values: pd.Series) -> pd.Series:
    """Dates (``YYYYMMDD``, ISO, ``DD-MM-YYYY``) as an int32 ``yyyymmdd`` key; 0 where missing."""
    return pd.Series(by_unique(values, _date_keys, np.int32(0)), index=values.index)


def check_file(path: Path, what: str) -> None:
    """Raise a clear InputError if ``path`` is missing, not a file, or empty."""
    if not path.exists():
        raise InputError(f"{path}: no such file (expected {what})")
    if not path.is_file():
        raise InputError(f"{path}: not a file (expected {what})")
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head.removeprefix(codecs.BOM_UTF8).strip():
        raise InputError(f"{path}: the file is empty (expected {what})")


def check_encoding(path: Path, what: str, expected: Sequence[str]) -> None:
    """Raise a clear InputError if ``path`` is missing, empty, or does not start as UTF-8 text."""
    check_file(path, what)
    with path.open("rb") as fh:
        head = fh.read(4096)
    hint = f"expected {what}, a UTF-8 CSV with columns {', '.join(expected)}"
    if b"\x00" in head or head.startswith(b"SQLite format 3"):
        raise InputError(f"{path}: a binary file, not a CSV text file ({hint})")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc}); {hint}") from None
