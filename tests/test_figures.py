"""The typed default figures: every figure in defaults.toml is read, typed and sourced."""

from __future__ import annotations

import tomllib

import pydantic
import pytest

from heatplan.scenario import Scenario
from heatplan.scenario.figures import DATA, Figures, figures


def _raw() -> dict:
    with (DATA / "defaults.toml").open("rb") as fh:
        return tomllib.load(fh)


def test_every_figure_is_read_with_its_value_and_every_group_has_a_source() -> None:
    raw, typed = _raw(), figures().model_dump()
    assert typed == raw  # nothing dropped, nothing renamed, values equal (ints read as floats)
    for group, values in typed.items():
        assert values["source"].strip(), group


def test_a_misspelt_or_missing_figure_is_an_error() -> None:
    raw = _raw()
    raw["peak"]["simultaneity_hot_watr"] = raw["peak"].pop("simultaneity_hot_water")
    with pytest.raises(pydantic.ValidationError) as err:
        Figures.model_validate(raw)
    text = str(err.value)
    assert "simultaneity_hot_watr" in text and "simultaneity_hot_water" in text


def test_scenario_defaults_come_from_the_figures() -> None:
    f, s = figures(), Scenario()
    assert s.prices.co2_kg_per_m3 == f.gas.co2_kg_per_m3 == 1.78
    assert s.prices.cost_point == f.insulation.cost_point == 0.5
    assert s.label_policy.design_drop_k == f.label_policy.design_drop_k == 5.0
    assert s.label_policy.required_supply_c == f.label_policy.required_supply_c
