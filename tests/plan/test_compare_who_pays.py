"""`heatplan compare` shows who pays what: each party's NPV change and the housing figures per owner type."""

from __future__ import annotations

import json
from pathlib import Path

from heatplan.report.compare import compare_table


def _plan(tmp: Path, name: str, tenant_change: float, neutral: float) -> Path:
    d = tmp / name
    d.mkdir()
    summary = {
        "scenario": name,
        "gas_free_year_reached": 2040,
        "deadline_met": True,
        "cost_npv_eur": {"total": 1.0e9, "by_item": {}},
        "who_pays": {
            "npv_change_eur_by_actor": {"tenant": tenant_change, "heat_company": -tenant_change},
            "per_owner_type": {
                "corporation": {"median_change_eur_per_month": 18.45, "share_woonlastenneutraal": neutral}
            },
        },
    }
    (d / "summary.json").write_text(json.dumps(summary))
    return d


def test_compare_lists_each_partys_change_and_the_share_held_level(tmp_path: Path) -> None:
    table = compare_table([_plan(tmp_path, "off", 72.4e6, 0.0651), _plan(tmp_path, "on", -22.9e6, 0.482)])
    assert table.loc["npv_change_eur_tenant", "off"] == 72.4e6
    assert table.loc["npv_change_eur_heat_company", "on"] == 22.9e6
    assert table.loc["housing_woonlastenneutraal_pct_corporation", "on"] == 48.2
    assert table.loc["housing_median_change_eur_per_month_corporation", "off"] == 18.45
