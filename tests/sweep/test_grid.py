"""Grid expansion: lists, ranges, override sets, seeded samples, and bad keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from heatplan.batch.grid import Grid, expand, parse_grid, points
from heatplan.batch.sweep import variations_for
from heatplan.errors import InputError, ScenarioError
from heatplan.scenario.files import _read_toml

BASE, SRC = _read_toml(None)


def grid(params: dict, sets: list[str] | None = None, **kw: object) -> Grid:
    return parse_grid({"grid": {"parameters": params, "override_sets": sets or [""], **kw}}, "g.toml")


def test_full_grid_is_the_product_of_lists_ranges_and_override_sets():
    g = grid(
        {
            "capacity.switch_dwellings_per_yr": [2400.0, 500.0],
            "years.deadline": {"start": 2036, "stop": 2044, "num": 3},
        },
        sets=["", "labelD", "pace500,labelD"],
    )
    vs = expand(g, None, BASE, SRC)
    assert len(vs) == 2 * 3 * 3
    assert len({v.name for v in vs}) == len(vs)
    assert sorted({v.values["years.deadline"] for v in vs}) == [2036, 2040, 2044]
    assert all(isinstance(v.values["years.deadline"], int) for v in vs)
    # each resolved scenario carries its values, and the override sets are applied in order
    for v in vs:
        assert v.scenario.years.deadline == v.values["years.deadline"]
        assert v.scenario.capacity.switch_dwellings_per_yr == v.values["capacity.switch_dwellings_per_yr"]
        assert v.scenario.name == v.name
        labeld = "labelD" in v.sets
        assert (v.scenario.label_policy.required_supply_c["D"] == 65.0) == labeld
    # a grid value wins over an override set applied before it (pace500 sets 500, the grid 2400)
    v = next(
        v
        for v in vs
        if v.sets == ("pace500", "labelD") and v.values["capacity.switch_dwellings_per_yr"] == 2400.0
    )
    assert v.scenario.capacity.switch_dwellings_per_yr == 2400.0


def test_float_range_is_evenly_spaced():
    g = grid({"prices.discount_rate": {"start": 0.01, "stop": 0.04, "num": 4}})
    vals = [p[1]["prices.discount_rate"] for p in points(g)]
    assert vals == pytest.approx([0.01, 0.02, 0.03, 0.04])


def test_seeded_sample_is_reproducible_and_within_ranges():
    params = {
        "prices.discount_rate": {"start": 0.01, "stop": 0.04},
        "years.deadline": {"start": 2035, "stop": 2045},
        "capacity.switch_dwellings_per_yr": [500.0, 1000.0, 2400.0],
    }
    a = points(grid(params, sample=12, seed=7))
    b = points(grid(params, sample=12, seed=7))
    c = points(grid(params, sample=12, seed=8))
    assert a == b and a != c and len(a) == 12
    for _, vals in a:
        assert 0.01 <= vals["prices.discount_rate"] <= 0.04
        assert isinstance(vals["years.deadline"], int) and 2035 <= vals["years.deadline"] <= 2045
        assert vals["capacity.switch_dwellings_per_yr"] in (500.0, 1000.0, 2400.0)
    # names of the same sample are the same (a restart finds its scenarios)
    names = [v.name for v in expand(grid(params, sample=12, seed=7), None, BASE, SRC)]
    assert names == [v.name for v in expand(grid(params, sample=12, seed=7), None, BASE, SRC)]


def test_unknown_key_names_the_key_and_the_closest_valid_key():
    with pytest.raises(ScenarioError) as exc:
        grid({"capacity.switch_dwelings_per_yr": [1.0]})
    msg = str(exc.value)
    assert "'capacity.switch_dwelings_per_yr'" in msg
    assert "'capacity.switch_dwellings_per_yr'" in msg
    with pytest.raises(InputError, match="did you mean 'parameters'"):
        parse_grid({"grid": {"parameter": {}}}, "g.toml")


def test_bad_values_are_one_clear_error():
    with pytest.raises(ScenarioError, match="switch_dwellings_per_yr"):
        expand(grid({"capacity.switch_dwellings_per_yr": [-5.0]}), None, BASE, SRC)
    with pytest.raises(InputError, match="needs num"):
        grid({"prices.discount_rate": {"start": 0.01, "stop": 0.04}})
    with pytest.raises(ScenarioError, match="no override set"):
        expand(grid({}, sets=["labelX"]), None, BASE, SRC)


def test_example_grid_has_four_scenarios(tmp_path: Path):
    from click.testing import CliRunner

    from heatplan.cli.main import cli

    path = tmp_path / "grid.toml"
    r = CliRunner().invoke(cli, ["init", "--grid", str(path)])
    assert r.exit_code == 0, r.output
    vs = variations_for(None, path)
    assert len(vs) == 4
    combos = {
        (v.scenario.capacity.switch_dwellings_per_yr, v.scenario.label_policy.required_supply_c["D"])
        for v in vs
    }
    assert combos == {(2400.0, 80.0), (2400.0, 65.0), (500.0, 80.0), (500.0, 65.0)}
    bad = tmp_path / "bad.toml"
    bad.write_text('[grid.parameters]\n"prices.gas_eur_per_m" = [1.0]\n', encoding="utf-8")
    r = CliRunner().invoke(cli, ["sweep", "--grid", str(bad), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1
    assert "'prices.gas_eur_per_m'" in r.output and "'prices.gas_eur_per_m3'" in r.output
