from pathlib import Path

import pytest
from click.testing import CliRunner

from heatplan.cli.main import cli
from heatplan.errors import ScenarioError
from heatplan.scenario import Scenario, load_scenario, scenario_to_toml, split_spec


def test_builtin_file_equals_model_defaults():
    """Every key alike except the programme's pace floor: 500 a year in the file, none in the model
    (so the small stocks of library users and tests keep their own pace)."""
    builtin = load_scenario(None)
    assert builtin.programme.min_switch_dwellings_per_yr == 500.0
    model = Scenario(name="base")
    floor = model.programme.model_copy(update={"min_switch_dwellings_per_yr": 500.0})
    assert builtin == model.model_copy(update={"programme": floor})


def test_override_sets(tmp_path: Path):
    res = CliRunner().invoke(cli, ["init", str(tmp_path / "s.toml")])
    assert res.exit_code == 0, res.output
    s = load_scenario(f"{tmp_path / 's.toml'}:pace500")
    assert s.capacity.switch_dwellings_per_yr == 500.0 and s.name == "pace500"
    both = load_scenario(f"{tmp_path / 's.toml'}:pace500,labelD")
    assert both.capacity.switch_dwellings_per_yr == 500.0
    assert both.label_policy.required_supply_c["D"] == 65.0
    assert both.label_policy.required_supply_c["E"] == 85.0
    tight = load_scenario(f"{tmp_path / 's.toml'}:gridtight").grid
    assert (tight.synthetic_loading_today_pct, tight.no_reinforcement_before) == (85.0, 2032)
    assert (
        tight.first_reinforcement_year(2026) == 2032
        and load_scenario(None).grid.first_reinforcement_year(2026) == 2028
    )
    assert load_scenario(f"{tmp_path / 's.toml'}:nogrid").grid.model is False
    # init refuses to overwrite
    res = CliRunner().invoke(cli, ["init", str(tmp_path / "s.toml")])
    assert res.exit_code == 1 and "already exists" in res.output


def test_unknown_key_names_place_and_closest(tmp_path: Path):
    p = tmp_path / "s.toml"
    p.write_text("[capacity]\nswitch_dwelings_per_yr = 300\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(str(p))
    msg = str(err.value)
    assert "switch_dwelings_per_yr" in msg and "[capacity]" in msg and "switch_dwellings_per_yr" in msg
    p.write_text("[scenarios.fast.capacity]\nswich = 1\n")
    with pytest.raises(ScenarioError, match=r"\[scenarios.fast.capacity\]"):
        load_scenario(f"{p}:fast")
    with pytest.raises(ScenarioError, match="no override set"):
        load_scenario(f"{p}:nope")


def test_bad_year_range(tmp_path: Path):
    p = tmp_path / "s.toml"
    p.write_text("[years]\nstart = 2041\ndeadline = 2040\n")
    with pytest.raises(ScenarioError, match="start <= deadline"):
        load_scenario(str(p))


def test_unlimited_and_roundtrip(tmp_path: Path):
    p = tmp_path / "s.toml"
    p.write_text('[capacity]\nswitch_dwellings_per_yr = "unlimited"\n')
    s = load_scenario(str(p))
    assert s.capacity.switch_dwellings_per_yr is None
    back = tmp_path / "back.toml"
    back.write_text(scenario_to_toml(s))
    assert load_scenario(str(back)).capacity.switch_dwellings_per_yr is None
    back.write_text(scenario_to_toml(load_scenario(":labelD")))
    assert load_scenario(str(back)) == load_scenario(":labelD")


def test_split_spec():
    assert split_spec("a/b.toml:x,y") == (Path("a/b.toml"), ["x", "y"])
    assert split_spec(":pace500") == (None, ["pace500"])
    assert split_spec(None) == (None, [])
