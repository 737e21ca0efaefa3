"""Heat sources: position, regime, temperatures, capacity and the year each becomes available."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from heatplan.buildings.defaults import DATA
from heatplan.errors import InputError

SOURCE_COLUMNS = (
    "source_id", "name", "regime", "x_rd", "y_rd", "supply_temp_c", "return_temp_c",
    "capacity_mw", "available_year",
)  # fmt: skip


def _check(df: pd.DataFrame, where: str) -> pd.DataFrame:
    missing = [c for c in SOURCE_COLUMNS if c not in df]
    if missing:
        raise InputError(
            f"{where}: missing column(s) {', '.join(missing)}; expected {', '.join(SOURCE_COLUMNS)}"
        )
    problems = []
    for i, r in df.iterrows():
        line = int(str(i)) + 2 if str(i).isdigit() else i
        if r["regime"] not in ("mt", "lt"):
            problems.append(f"row {line}, column 'regime' = {r['regime']!r}: expected mt or lt")
        if not float(r["supply_temp_c"]) > float(r["return_temp_c"]):
            problems.append(f"row {line}: supply_temp_c must exceed return_temp_c")
        if not float(r["capacity_mw"]) > 0:
            problems.append(f"row {line}, column 'capacity_mw' = {r['capacity_mw']!r}: expected > 0")
    if df["source_id"].duplicated().any():
        problems.append("column 'source_id': expected unique identifiers")
    if problems:
        raise InputError(f"{where}: " + "; ".join(problems))
    out = df.copy()
    out["available_year"] = out["available_year"].astype(int)
    return out.reset_index(drop=True)


def read_sources(path: Path | None = None) -> pd.DataFrame:
    """Read heat sources from a CSV file; without a path, the embedded Zuidwest sources."""
    if path is None:
        with (DATA / "zuidwest_sources.csv").open("r", encoding="utf-8") as fh:
            return _check(pd.read_csv(fh, comment="#"), "embedded zuidwest_sources.csv")
    if not path.is_file():
        raise InputError(f"{path}: no such file (expected a heat-source table as CSV)")
    try:
        df = pd.read_csv(path, comment="#", encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSV ({exc})") from None
    return _check(df, str(path))
