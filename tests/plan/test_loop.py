"""The verification loop is real: a far block connected too early fails, the cut fixes the order."""

import numpy as np
import pandas as pd

from heatplan.buildings.schema import validate_blocks
from heatplan.plan import run_plan
from heatplan.plan.verify import connected_in_year
from heatplan.scenario import Capacity, Networks, Options, Pin, Prices, Scenario, Verification, Years
from tests.conftest import make_blocks

SOURCE = pd.DataFrame(
    {"source_id": ["plant"], "name": ["test plant"], "regime": ["mt"], "x_rd": [80000.0], "y_rd": [450000.0],
     "supply_temp_c": [70.0], "return_temp_c": [40.0], "capacity_mw": [50.0], "available_year": [2000]}
)  # fmt: skip


def far_block_stock() -> pd.DataFrame:
    """Six 48-dwelling blocks 1.2 km from the plant, and one 8-dwelling block 160 m beyond them."""
    raw = make_blocks(7)
    raw["dwellings"] = ["48"] * 6 + ["8"]
    raw["floor_area_m2"] = [str(48 * 65.0)] * 6 + [str(8 * 65.0)]
    raw["label"] = "B"
    xs = [81200.0, 81230.0, 81260.0, 81200.0, 81230.0, 81260.0, 81420.0]
    ys = [450000.0, 450000.0, 450000.0, 450040.0, 450040.0, 450040.0, 450020.0]
    raw["x_rd"], raw["y_rd"] = [str(x) for x in xs], [str(y) for y in ys]
    raw["block_id"] = [f"near{i}" for i in range(6)] + ["far"]
    return validate_blocks(raw)


def scenario() -> Scenario:
    """The near blocks' owner renovates first: they may not connect before 2028 (a renovation
    calendar); nothing stops the far block, so an unverified plan connects it alone in 2026."""
    calendar = tuple(
        Pin(block_id=f"near{i}", measure="connection", forbid_years=(2026, 2027)) for i in range(6)
    )
    return Scenario(
        years=Years(start=2026, deadline=2034, horizon_end=2036),
        capacity=Capacity(switch_dwellings_per_yr=None),
        prices=Prices(gas_eur_per_m3={2026: 30.0}),  # so dear that the far block alone pays its 1.2 km main
        options=Options(allowed=("mt",), new_build="mt"),
        networks=Networks(low_load_fraction=0.5, low_load_required_supply_c_mt=30.0),
        verification=Verification(allow_bypass=False, max_rounds=6),
        pins=calendar,
    )


def test_far_block_first_fails_then_the_loop_fixes_the_order():
    stock = far_block_stock()
    plan = run_plan(stock, scenario(), sources=SOURCE)
    first = plan.rounds[0]
    assert first.n_failures > 0, "the unrestricted first schedule should connect the far block too early"
    assert any(a.target == "far" and a.rule in ("branch_load", "delay_block") for a in first.actions)
    last = plan.rounds[-1]
    assert last.n_failures == 0 and plan.unresolved.empty
    assert len(plan.rounds) >= 2
    # in the final plan the far block connects only after enough of its branch is connected
    year_far = int(plan.table.set_index("block_id").loc["far", "connection_year"])
    assert year_far >= 2028
    before = connected_in_year(plan.stock, plan.table, year_far, "mt")
    assert len([b for b in before if b.startswith("near")]) >= 3
    # every planned year passed, at design and at low load
    assert all(c.ok for c in plan.checks)
    assert np.isfinite([c.min_supply_temp_c for c in plan.checks if c.n_connected]).all()


def test_failures_left_after_the_last_round_are_data_in_plan_nc_and_words_in_summary(tmp_path):
    import json

    import xarray as xr

    from heatplan.failures import Kind
    from heatplan.plan.outputs import write_plan
    from heatplan.planfile import failures_frame, summary

    sc = scenario().model_copy(update={"verification": Verification(allow_bypass=False, max_rounds=1)})
    plan = run_plan(far_block_stock(), sc, sources=SOURCE)
    left = plan.unresolved
    assert not left.empty and set(left["kind"]) <= set(Kind)
    far = left[left["id"] == "far"]
    assert (far["kind"] == Kind.TEMPERATURE).all() and (far["amount"] > 0).all()
    assert (far["amount"] == far["limit"] - far["value"]).all()  # the shortfall in K
    write_plan(plan, tmp_path)
    with xr.open_dataset(tmp_path / "plan.nc", engine="h5netcdf") as ds0:
        ds = ds0.load()
    back = failures_frame(ds)
    assert back[["year", "regime", "load", "id", "kind"]].values.tolist() == (
        left[["year", "regime", "load", "id", "kind"]].values.tolist()
    )
    s = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert s == summary(ds) and len(s["still_failing"]) >= 1
    assert any(line.split(": ")[1] == "far" and "supply temperature" in line for line in s["still_failing"])
    assert s["failing_years"] and not set(s["failing_years"]) & set(s["verified_years"])
    assert not bool(ds["verified_ok"].sel(block="far")) and str(ds["fail_reason"].sel(block="far").values)
