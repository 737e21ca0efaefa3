"""Each feedback rule on a hand-made failing state: the failure's kind picks the cut, its numbers size it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from heatplan import failures
from heatplan.failures import Kind
from heatplan.optimisation.cuts import Term
from heatplan.optimisation.inputs import OPTIONS
from heatplan.plan.feedback import DERATE_MARGIN, LIGHT_SHARE, RULE_OF_KIND, SHARES, feedback
from heatplan.plan.notes import action_lines, round_lines
from heatplan.plan.verify import NetworkModels, StateCheck, _after_bypass
from tests.optimisation.helpers import instance, make_blocks, sources_table, tree_network

IDS = [f"b{i}" for i in range(6)]  # tree: trunk (all) -> br_even (b0 b2 b4) / br_odd (b1 b3 b5)
MT = OPTIONS.index("mt")


@pytest.fixture(scope="module")
def case():
    """Six blocks on an MT tree, years 2026-2028, a 50 MW source s1."""
    stock = make_blocks(6, seed=3)
    inp = instance(blocks=stock, mt_mw=50.0)
    nets = NetworkModels({"mt": tree_network(stock, "mt")}, {}, sources_table())  # type: ignore[dict-item]
    return stock, inp, nets


def table(conn: dict[str, int]) -> pd.DataFrame:
    """The optimiser's per-block table: the given blocks on MT in the given years, the rest never."""
    return pd.DataFrame(
        {
            "block_id": IDS,
            "option": ["mt" if b in conn else "" for b in IDS],
            "connection_year": [float(conn[b]) if b in conn else np.nan for b in IDS],
        }
    )


def state(
    year: int, rows: list[dict[str, object]], load: str = "design", converged: bool = True
) -> StateCheck:
    return StateCheck(year, "mt", load, 6, converged, failures.table(rows))


def cold(block: str, arrives: float = 58.0, needs: float = 65.0) -> dict[str, object]:
    return failures.row("block", block, Kind.TEMPERATURE, arrives, needs, "°C", "B", below=True)


def run(case, checks, conn, last_year=2030, repeats=None):
    stock, inp, nets = case
    return feedback(checks, nets, inp, table(conn), stock, last_year, {} if repeats is None else repeats)


def test_every_kind_has_a_rule():
    assert set(RULE_OF_KIND) == set(Kind)
    assert set(RULE_OF_KIND.values()) == {"block", "derate_source", "delay_year", "grid"}


def test_cold_block_on_a_lightly_loaded_branch_needs_the_branch_connected_first(case):
    _, inp, _ = case
    conn = {"b4": 2026, **{b: 2028 for b in IDS if b != "b4"}}  # b4 alone in 2026
    peak = inp.peak_kw[:, MT]
    others = [i for i, b in enumerate(inp.block_ids) if b != "b4"]
    assert peak[4] < LIGHT_SHARE * peak.sum()  # the trunk is lightly loaded with b4 alone on it
    out = run(case, [state(2026, [cold("b4")])], conn)
    need = SHARES[0] * peak[others].sum()  # the highest lightly loaded pipe is the trunk: 5 others
    assert len(out.cuts) == len(inp.years)
    (act,) = out.actions
    assert (act.rule, act.target, act.figures) == (
        "branch_load", "b4", {"need_kw": pytest.approx(need), "share": 0.5, "n_blocks": 5}
    )  # fmt: skip
    for cut, year in zip(out.cuts, inp.years, strict=True):
        assert cut.lb == 0.0
        far = [t for t in cut.terms if t.key == "b4"]
        assert far == [Term("connect", "b4", int(year), pytest.approx(-need), "mt")]
        assert {t.key for t in cut.terms} - {"b4"} == {inp.block_ids[i] for i in others}
    assert action_lines(act) == [
        f"2026 MT design: b4 fails (supply temperature 58.0 °C arrives, label B needs 65.0 °C); its branch "
        f"is lightly loaded: require {need:,.0f} kW (50%) of the branch's 5 other blocks connected first"
    ]
    # the second time the same block fails, the share rises
    again = run(case, [state(2026, [cold("b4")])], conn, repeats={"b4": 1})
    assert next(t for t in again.cuts[0].terms if t.key == "b4").coeff == pytest.approx(
        -SHARES[1] * peak[others].sum()
    )


@pytest.mark.parametrize(
    "row",
    [
        cold("b4"),
        failures.row("block", "b4", Kind.PRESSURE, 0.3, 0.5, "bar", below=True),
        failures.row("block", "b4", Kind.VELOCITY, 2.4, 2.0, "m/s", "mt:e3"),
        failures.row("block", "b4", Kind.NOT_SERVED, context="no_route"),
    ],
    ids=lambda r: r["kind"],
)
def test_failing_block_with_its_branch_loaded_is_delayed_a_year(case, row):
    conn = dict.fromkeys(IDS, 2026)  # everything connected: no lightly loaded pipe
    out = run(case, [state(2027, [row])], conn)
    assert [(c.terms, c.ub) for c in out.cuts] == [((Term("switch", "b4", 2027),), 0.0)]  # from 2028 on
    (act,) = out.actions
    assert (act.rule, act.target, act.figures, list(act.failures["kind"])) == (
        "delay_block", "b4", {"from_year": 2028}, [row["kind"]]
    )  # fmt: skip
    assert (
        action_lines(act)[0].startswith("2027 MT design: b4 fails (")
        and "from 2028 on" in action_lines(act)[0]
    )


def test_a_delay_past_the_last_modelled_year_is_reported_not_cut(case):
    out = run(case, [state(2028, [cold("b4")])], dict.fromkeys(IDS, 2026), last_year=2029)
    (act,) = out.actions
    assert out.cuts == [] and (act.rule, act.why, act.target) == ("unresolved", "no_later_year", "b4")
    (line,) = action_lines(act)
    assert (
        line.startswith("2028 MT design: b4: supply temperature 58.0 °C arrives") and "no later year" in line
    )


def test_new_build_blocks_are_never_moved(case):
    stock, inp, nets = case
    built = stock.assign(new_build_year=np.where(stock["block_id"] == "b4", 2026.0, np.nan))
    out = feedback([state(2026, [cold("b4")])], nets, inp, table(dict.fromkeys(IDS, 2026)), built, 2030, {})
    assert out.cuts == [] and [(a.rule, a.why, a.target) for a in out.actions] == [
        ("unresolved", "new_build", "b4")
    ]
    assert "new-build block" in action_lines(out.actions[0])[0]


def test_overloaded_source_is_derated_by_the_observed_ratio(case):
    stock, _, nets = case
    inp = instance(blocks=stock, mt_mw=0.2)  # s1: 200 kW in the model
    modelled_kw = float(inp.source_kw[:, MT].sum())  # all six connected, all on s1
    drawn_mw = 1.25 * modelled_kw / 1000  # the simulation needs 25% more (pipe losses)
    assert drawn_mw > 0.2
    row = failures.row("source", "s1", Kind.CAPACITY, drawn_mw, 0.2, "MW")
    out = feedback([state(2027, [row])], nets, inp, table(dict.fromkeys(IDS, 2026)), stock, 2030, {})
    cap_kw = 200.0
    derated = DERATE_MARGIN * cap_kw * 0.8  # x modelled / drawn
    assert [c.name for c in out.cuts] == ["derated s1 (2027)", "derated s1 (2028)"]
    for cut in out.cuts:
        assert cut.ub == pytest.approx(derated)
        assert sorted(t.coeff for t in cut.terms) == pytest.approx(sorted(inp.source_kw[:, MT]))
    (act,) = out.actions
    assert act.rule == "derate_source" and act.target == "s1"
    assert act.figures == pytest.approx(
        {"drawn_mw": drawn_mw, "modelled_mw": modelled_kw / 1000, "derated_mw": derated / 1000}
    )
    assert f"derated to {derated / 1000:.1f} MW" in action_lines(act)[0]


@pytest.mark.parametrize(
    ("row", "converged"),
    [
        (failures.row("source", "s1", Kind.HEAD, 11.0, 10.0, "bar"), True),
        (failures.row("state", "", Kind.NOT_CONVERGED, context="no solution after 3 attempts"), False),
        (failures.row("state", "", Kind.NOT_CONVERGED, context="x", remedy="bypass"), True),
    ],
    ids=["head", "not converged", "not converged with bypasses"],
)
def test_head_or_no_convergence_delays_that_years_connections(case, row, converged):
    conn = {"b0": 2026, "b1": 2027, "b2": 2027, "b3": 2028}
    out = run(case, [state(2027, [row], converged=converged)], conn)
    assert {(c.terms, c.ub) for c in out.cuts} == {
        ((Term("switch", b, 2027),), 0.0) for b in ("b1", "b2")
    }  # connected in 2027 -> from 2028 on; b0 (2026) and b3 (2028) stay
    (act,) = out.actions
    assert (act.rule, act.figures, list(act.failures["kind"])) == (
        "delay_year",
        {"n_blocks": 2},
        [row["kind"]],
    )
    assert "delay the 2 block(s) connected that year" in action_lines(act)[0]


def test_a_failure_in_the_last_planned_year_is_reported_by_name(case):
    rows = [cold("b4"), failures.row("source", "s1", Kind.CAPACITY, 60.0, 50.0, "MW")]
    out = run(case, [state(2028, rows)], dict.fromkeys(IDS, 2026), last_year=2028)
    assert out.cuts == []
    assert [(a.rule, a.why) for a in out.actions] == [("unresolved", "last_year")]
    assert round_lines(out.actions) == [
        "2028 MT design: b4: supply temperature 58.0 °C arrives, label B needs 65.0 °C",
        "2028 MT design: source s1: capacity exceeded (60.00 MW drawn, 50.00 MW available)",
    ]


def test_rules_read_kinds_not_words(case, monkeypatch):
    """A reworded message cannot switch a rule off: the cuts are the same with every word blank."""
    rows = [
        cold("b4"),
        failures.row("source", "s1", Kind.CAPACITY, 60.0, 50.0, "MW"),
        failures.row("source", "s1", Kind.HEAD, 11.0, 10.0, "bar"),
    ]
    conn = dict.fromkeys(IDS, 2026)
    before = run(case, [state(2026, rows)], conn).cuts
    monkeypatch.setattr(failures, "words", lambda r: "")
    monkeypatch.setattr(failures, "block_reasons", lambda df: dict.fromkeys(df["id"], ""))
    after = run(case, [state(2026, rows)], conn).cuts
    assert after == before and len(before) > 2


def test_bypass_replaces_only_the_temperature_failures_it_was_tried_for():
    f = failures.table(
        [
            cold("b1", 55.0, 60.0),
            failures.row("block", "b1", Kind.PRESSURE, 0.4, 0.5, "bar", below=True),
            cold("b2", 57.0, 60.0),
            cold("b3", 50.0, 60.0),
            failures.row("source", "s1", Kind.HEAD, 11.0, 10.0, "bar"),
        ]
    )
    import xarray as xr

    ds2 = xr.Dataset(
        {"t_supply_c": ("block", [70.0, 59.0, 61.0, 62.0])}, coords={"block": ["b0", "b1", "b2", "b3"]}
    )
    need = np.full(4, 60.0)
    # b1 and b2 got a bypass; b1 is still cold, b2 is fixed; b3 had none and keeps its failure
    out = _after_bypass(f, ds2, ["b1", "b2"], {"b1"}, need)
    got = list(zip(out["id"], out["kind"], out["remedy"], out["value"], strict=True))
    assert got == [
        ("b1", Kind.PRESSURE, "", 0.4),
        ("b1", Kind.TEMPERATURE, "bypass", 59.0),
        ("b3", Kind.TEMPERATURE, "", 50.0),
        ("s1", Kind.HEAD, "", 11.0),
    ]
    assert out.loc[1, "amount"] == pytest.approx(1.0) and out.loc[1, "context"] == "B"
    assert failures.block_reasons(out)["b1"] == (
        "differential pressure 0.40 bar < 0.50 bar; supply temperature 59.0 °C arrives even with a "
        "bypass, 60.0 °C needed"
    )
