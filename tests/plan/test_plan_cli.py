"""`heatplan plan`, `compare` and `init` end to end on a small stock cut from the embedded one."""

import json
from pathlib import Path

import pandas as pd
import pytest
import xarray as xr
from click.testing import CliRunner

from heatplan.cli.main import cli


@pytest.fixture(scope="module")
def plan_dir(small_plan_dir: Path) -> Path:
    """The plan of the small stock (tests/conftest.py), made once for the session."""
    return small_plan_dir


def test_plan_writes_every_file_with_consistent_numbers(plan_dir: Path, small_stock: Path):
    names = {p.name for p in plan_dir.iterdir()}
    assert {"plan.nc", "schedule.csv", "summary.json", "scenario.toml", "rounds.csv"} <= names
    assert {"schedule.xlsx", "report.html", "blocks.gpkg"} <= names
    sched = pd.read_csv(plan_dir / "schedule.csv")
    stock = pd.read_csv(small_stock)
    assert list(sched["block_id"]) == list(stock["block_id"])
    s = json.loads((plan_dir / "summary.json").read_text())
    for key in ("scenario", "dwellings", "deadline", "gas_free_year_reached", "deadline_met",
                "gas_free_share_by_year", "switched_dwellings_by_year", "insulated_dwellings_by_year",
                "induction_dwellings_by_year", "cost_npv_eur", "verified_years", "failing_years", "rounds",
                "solver", "timings_s"):  # fmt: skip
        assert key in s
    assert s["dwellings"] == int(stock["dwellings"].sum())
    assert s["cost_undiscounted_eur"] == pytest.approx(sched["cost_eur"].sum(), abs=1.0)
    by_item = s["cost_npv_eur"]["by_item"]
    assert s["cost_npv_eur"]["total"] == pytest.approx(sum(by_item.values()), abs=2.0)
    # every block needing a switch gets a connection year no later than the deadline
    assert s["deadline_met"] and s["gas_free_year_reached"] <= s["deadline"]
    gas = stock["heating"].isin(["gas_boiler", "block_heating"]).to_numpy()
    assert (sched.loc[gas, "connection_year"] <= s["deadline"]).all()
    # insulation never after the switch, induction never after gas-free
    ins, con = sched["insulation_year"], sched["connection_year"]
    assert ((ins <= con) | ins.isna() | con.isna()).all()
    assert sum(s["switched_dwellings_by_year"].values()) == int(sched.loc[con.notna(), "dwellings"].sum())
    ds = xr.open_dataset(plan_dir / "plan.nc", engine="h5netcdf")
    assert ds.sizes["block"] == len(stock)
    assert float(ds["cost_eur"].sum()) == pytest.approx(sched["cost_eur"].sum(), rel=1e-9)
    assert "scenario_toml" in ds.attrs and "summary_json" in ds.attrs
    ds.close()


def test_compare(plan_dir: Path, tmp_path: Path):
    csv = tmp_path / "cmp.csv"
    res = CliRunner().invoke(cli, ["compare", str(plan_dir), str(plan_dir), "--csv", str(csv)])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(csv, index_col=0)
    assert "gas_free_year_reached" in table.index and table.shape[1] == 2
    res = CliRunner().invoke(cli, ["compare", str(tmp_path)])
    assert res.exit_code == 1 and "summary.json" in res.output


def test_bad_scenarios_leave_no_output(small_stock: Path, tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[capacity]\nswitch_dwelings_per_yr = 100\n")
    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli, ["plan", "--scenario", str(bad), "--stock", str(small_stock), "--out", str(out)]
    )
    assert res.exit_code == 1 and "switch_dwellings_per_yr" in res.output and "Traceback" not in res.output
    bad.write_text("[years]\nstart = 2030\ndeadline = 2028\n")
    res = CliRunner().invoke(
        cli, ["plan", "--scenario", str(bad), "--stock", str(small_stock), "--out", str(out)]
    )
    assert res.exit_code == 1 and "deadline" in res.output
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_summary_and_schedule_are_views_of_plan_nc(plan_dir: Path):
    """plan.nc first: summary.json and schedule.csv are exactly what heatplan.planfile reads from it."""
    from heatplan.planfile import option_costs_frame, schedule_frame, summary

    with xr.open_dataset(plan_dir / "plan.nc", engine="h5netcdf") as ds0:
        ds = ds0.load()
    text = json.dumps(summary(ds), indent=2, ensure_ascii=False)
    assert text == (plan_dir / "summary.json").read_text(encoding="utf-8")
    assert schedule_frame(ds).to_csv(index=False) == (plan_dir / "schedule.csv").read_text()
    costs = option_costs_frame(ds).to_csv(index=False, float_format="%.2f")
    assert costs == (plan_dir / "option_costs.csv").read_text()


def test_plan_outputs_and_dataset_do_not_import_each_other():
    import heatplan.plan.dataset as dataset
    import heatplan.plan.outputs as outputs

    assert "heatplan.plan.outputs" not in Path(dataset.__file__).read_text()
    assert "heatplan.plan.dataset" in Path(outputs.__file__).read_text()


def test_an_unproven_plan_says_so_in_its_last_lines():
    from heatplan.cli.plan import proof_lines

    s = {"rounds": 3, "stopped_by": "the plan's time budget (840 s)",
         "solver": {"certified": False, "reason": "gap 113% (asked 1%) after the time limit of 5 s stopped "
                    "the LP relaxation"}}  # fmt: skip
    assert proof_lines(s) == [
        "the schedule is NOT proven optimal: gap 113% (asked 1%) after the time limit of 5 s stopped the "
        "LP relaxation; rerun with more time (--time-limit) or on a quieter machine",
        "the plan's time budget (840 s) stopped the verification loop after round 3; rerun with more time "
        "or on a quieter machine",
    ]


def test_option_costs_every_allowed_option_and_the_reasons(plan_dir: Path, small_stock: Path):
    costs = pd.read_csv(plan_dir / "option_costs.csv", keep_default_na=False)
    assert list(costs.columns) == [
        "block_id",
        "option",
        "item",
        "eur_per_yr",
        "npv_eur",
        "chosen",
        "option_reason",
    ]
    sched = pd.read_csv(plan_dir / "schedule.csv")
    stock = pd.read_csv(small_stock)
    gas = stock.loc[stock["heating"].isin(["gas_boiler", "block_heating"]), "block_id"]
    # every active block has the reference and the heat pump unless its type may not take one
    # (high-rise flats by default), and exactly one chosen option
    per_block = costs.groupby("block_id")["option"].agg(set)
    assert set(gas) <= set(per_block.index)
    high = set(stock.loc[stock["dwelling_type"] == "meergezins: hoog", "block_id"])
    assert high & set(per_block.index), "the small stock should have high-rise blocks"
    for b, opts in per_block.items():
        assert "reference" in opts and ("hp" in opts) == (b not in high), (b, opts)
    chosen = costs[costs["chosen"].astype(str) == "True"].groupby("block_id")["option"].agg(set)
    opt = sched.set_index("block_id")["option"]
    assert all(chosen[b] == {opt[b]} for b in chosen.index)
    # a block not on its cheapest option (by NPV over the window) names why
    totals = costs[costs["option"] != "reference"].groupby(["block_id", "option"])["npv_eur"].sum().unstack()
    cheapest = totals.idxmin(axis=1)
    reason = costs.groupby("block_id")["option_reason"].first()
    for b in totals.index:
        assert (cheapest[b] == opt[b]) == (reason[b] == ""), (b, cheapest[b], opt[b], reason[b])
    # the reference: gas, CO2 and the gas boiler; its yearly cost is positive
    ref = costs[costs["option"] == "reference"]
    assert {"gas", "gas_boiler", "maintenance"} <= set(ref["item"])
    s = json.loads((plan_dir / "summary.json").read_text())
    nat = s["national_cost"]
    assert nat["evaluation_end_year"] == 2070
    assert sum(nat["option_mix_dwellings"].values()) == int(
        stock.loc[stock["block_id"].isin(gas), "dwellings"].sum()
    )
    total = sum(sum(v.values()) for v in nat["national_cost_eur_by_year"].values())
    ds = xr.open_dataset(plan_dir / "plan.nc", engine="h5netcdf")
    assert total == pytest.approx(float(ds["national_cost_eur"].sum()), rel=1e-6, abs=50.0)
    assert float(ds["yearly_heat_loss_gj"].sel(regime="mt").max()) >= 0.0
    ds.close()


def test_the_closing_note_gives_the_mix_its_cost_the_heat_loss_and_why(plan_dir: Path):
    from heatplan.cli.plan import national_lines

    s = json.loads((plan_dir / "summary.json").read_text())
    nat = s["national_cost"]
    lines = national_lines(s)
    mix = nat["option_mix_dwellings"]
    n = sum(mix.values())
    for o, d in mix.items():
        npv = nat["chosen_cost_per_dwelling_by_option"][o]["npv_eur"]
        assert f"{o} {d:,} dwellings ({100 * d / n:.0f}%, {npv:,.0f} EUR each)" in lines[0]
    mt = nat["network_heat_by_year"]["mt"]["2040"]
    assert lines[1].startswith("heat lost by the networks in 2040: MT ")
    assert f"({mt['heat_loss_pct']:.1f}% of {mt['heat_delivered_gj']:,.0f} GJ delivered" in lines[1]
    by_item = nat["every_allowed_npv_eur_per_dwelling_by_item"]
    ref = by_item["reference"]
    assert f"gas boiler (reference) {sum(ref.values()):,.0f} (" in lines[2]
    # the networks re-sized for the plan's load: one entry per network laid, said in the last line
    resize = s["network_resize"]
    assert {r["regime"] for r in resize} == set(nat["network_heat_by_year"])
    for r in resize:
        assert 0 <= r["edges_smaller"] <= r["edges_built"]
        if r["edges_built"]:
            said = next(ln for ln in lines if ln.startswith("networks re-sized"))
            assert f"{r['regime'].upper()} {r['edges_smaller']:,} of {r['edges_built']:,} pipes" in said
    # the items per dwelling add up to the option's NPV per dwelling over the blocks that may take it
    for o, per in nat["every_allowed_cost_per_dwelling_by_option_npv_eur"].items():
        assert sum(by_item[o].values()) == pytest.approx(per, abs=len(by_item[o]))
