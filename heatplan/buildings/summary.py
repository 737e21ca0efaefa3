"""Totals of a block table: by wijk, buurt, owner type, label, construction period, heating."""

from __future__ import annotations

from typing import Any

import pandas as pd

from heatplan.buildings.labels import EP_LABELS
from heatplan.buildings.stock import today_mask

PERIOD_BINS = (("before 1945", None, 1944), ("1945-1980", 1945, 1980), ("after 1980", 1981, None))


def construction_period(years: pd.Series) -> pd.Series:
    """Coarse period used in the published Zuidwest figures (before 1945, 1945-1980, after 1980)."""
    out = pd.Series("1945-1980", index=years.index)
    out[years < 1945] = "before 1945"
    out[years > 1980] = "after 1980"
    return out


def _counts(dwellings: pd.Series, key: pd.Series, order: list[str] | None = None) -> dict[str, int]:
    s = dwellings.groupby(key).sum()
    keys = [k for k in order if k in s.index] if order else sorted(s.index)
    return {str(k): int(s[k]) for k in keys}


def summarise(blocks: pd.DataFrame) -> dict[str, Any]:
    """The stock summary as plain data (dwellings are today's dwellings unless named otherwise)."""
    today = blocks[today_mask(blocks)]
    future = blocks[~today_mask(blocks)]
    n = today["dwellings"]
    demolished = today["demolition_year"].notna()
    renovated = today["renovation_year"].notna()
    return {
        "blocks": len(blocks),
        "blocks_today": len(today),
        "dwellings": int(n.sum()),
        "new_build_dwellings": int(future["dwellings"].sum()),
        "new_build_blocks": len(future),
        "demolished_dwellings": int(today.loc[demolished, "dwellings"].sum()),
        "renovated_dwellings": int(today.loc[renovated, "dwellings"].sum()),
        "floor_area_m2": float(today["floor_area_m2"].sum()),
        "by_wijk": _counts(n, today["wijk_code"]),
        "by_buurt": _counts(n, today["buurt_code"]),
        "by_owner_type": _counts(n, today["owner_type"]),
        "by_owner": _counts(n, today["owner"]),
        "by_label": _counts(n, today["label"], list(reversed(EP_LABELS))),
        "by_construction_period": _counts(
            n, construction_period(today["construction_year"]), [p[0] for p in PERIOD_BINS]
        ),
        "by_dwelling_type": _counts(n, today["dwelling_type"]),
        "by_heating": _counts(n, today["heating"]),
        "by_cooking": _counts(n, today["cooking"]),
    }
