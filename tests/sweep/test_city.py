"""City scale: the synthetic city, the division of city-wide limits, and the joined plan's check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from heatplan.batch.city import CityLimits, first_division, plan_city, redivide, synthetic_city
from heatplan.buildings.stock import today_mask
from heatplan.scenario import load_scenario


def test_synthetic_city_is_deterministic_and_districts_are_distinct():
    a, b = synthetic_city(2, 0.02), synthetic_city(2, 0.02)
    pd.testing.assert_frame_equal(a[1].stock, b[1].stock)
    ids = pd.concat([d.stock["block_id"] for d in a])
    assert ids.is_unique
    assert set(a[0].stock["wijk_code"]).isdisjoint(a[1].stock["wijk_code"])
    # districts lie apart, each with its own sources (and its own branch of the shared source)
    assert a[1].stock["x_rd"].min() - a[0].stock["x_rd"].max() > 3000
    assert a[0].sources["source_id"].str.startswith("D000_").all()
    assert "D001_shared" in set(a[1].sources["source_id"])
    full = synthetic_city(1, 1.0)[0].stock
    n_today = full.loc[today_mask(full), "dwellings"].sum()
    assert 0.8 * 33_623 <= n_today <= 1.2 * 33_623


def test_redivide_moves_slack_to_the_district_that_misses():
    limits = CityLimits(switch_dwellings_per_yr=300.0, shared_source_mw=10.0)
    needs = {"a": 1000.0, "b": 2000.0}
    alloc = first_division(needs, limits)
    assert alloc["a"]["switch"] == pytest.approx(100.0) and alloc["b"]["switch"] == pytest.approx(200.0)
    figs = {
        "a": {"deadline_met": True, "switched": [60.0, 70.0, 0.0], "shared_load_mw": [1.0, 2.0, 2.0],
              "investment_eur": [0.0]},
        "b": {"deadline_met": False, "switched": [200.0] * 3, "shared_load_mw": [6.0] * 3,
              "investment_eur": [0.0]},
    }  # fmt: skip
    new = redivide(alloc, figs, needs, limits)
    assert new["a"]["switch"] == pytest.approx(70.0 * 1.05)  # keeps its peak use and a margin
    assert new["b"]["switch"] == pytest.approx(300.0 - 73.5)  # gets everything else
    assert new["a"]["source"] == pytest.approx(2.1) and new["b"]["source"] == pytest.approx(7.9)
    assert new["a"]["budget"] is None


def test_joined_city_plan_respects_the_city_wide_switching_limit(tmp_path: Path, client: Any):
    base = load_scenario(None)
    base = base.model_copy(
        update={
            "solver": base.solver.model_copy(update={"time_limit_s": 10.0}),
            "verification": base.verification.model_copy(update={"max_rounds": 2}),
        }
    )
    limit = 150.0
    city = synthetic_city(2, 0.02)
    res = plan_city(
        city, base, CityLimits(switch_dwellings_per_yr=limit, shared_source_mw=3.0), client, tmp_path
    )
    assert res.check["ok"], res.check
    assert sum(a["switch"] or 0 for a in res.allocation.values()) <= limit + 1e-6
    # the joined plan, summed from the districts' own plan files, stays within the limit every year
    total: dict[str, int] = {}
    for d in city:
        s = json.loads((tmp_path / "districts" / d.name / "summary.json").read_text(encoding="utf-8"))
        assert max(s["switched_dwellings_by_year"].values()) <= res.allocation[d.name]["switch"] + 1e-6
        for y, n in s["switched_dwellings_by_year"].items():
            total[y] = total.get(y, 0) + n
    assert max(total.values()) <= limit
    assert max(total.values()) > 0.8 * limit  # the limit binds: the districts would switch faster
    assert all(res.check["deadline_met"].values())
    by_year = pd.read_csv(tmp_path / "city_by_year.csv", index_col="year")
    assert by_year["shared_load_mw"].max() <= 3.0 + 1e-6
    assert {str(k): int(v) for k, v in by_year["switched_dwellings"].items() if v} == {
        k: v for k, v in total.items() if v
    }
