"""`heatplan sweep` and `heatplan city plan` on bad input: one `Error:` line before any cluster or output."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import heatplan.batch.sweep
from heatplan.cli.main import cli
from heatplan.errors import ScenarioError
from tests.bad_input import assert_user_error, checksums

GOOD_GRID = '[grid.parameters]\n"capacity.switch_dwellings_per_yr" = [2400.0]\n'


@pytest.fixture(autouse=True)
def no_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every case here must fail before a Dask cluster starts."""

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("started a cluster before the checks")

    monkeypatch.setattr(heatplan.batch.sweep, "dask_client", boom)


def sweep(tmp_path: Path, grid_text: str, out: Path, stock: Path | None = None):
    grid = tmp_path / "grid.toml"
    grid.write_text(grid_text, encoding="utf-8")
    args = ["sweep", "--grid", str(grid), "--out", str(out)]
    return CliRunner().invoke(cli, args + (["--stock", str(stock)] if stock else []))


def test_a_bad_grid_value_is_blamed_on_the_grid_file(tmp_path: Path) -> None:
    res = sweep(tmp_path, '[grid.parameters]\n"capacity.switch_dwellings_per_yr" = [2400.0, -5.0]\n',
                tmp_path / "out")  # fmt: skip
    line = assert_user_error(res, "switch_dwellings_per_yr", "greater than 0", "-5.0")
    assert line.startswith(f"Error: {tmp_path / 'grid.toml'}: [grid.parameters]"), line
    assert "built-in" not in line.split("invalid scenario")[0].split("over")[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid.toml"]


def test_a_bad_value_in_the_scenario_file_is_blamed_on_it(tmp_path: Path) -> None:
    from heatplan.batch.grid import expand, parse_grid

    data = {"capacity": {"switch_dwellings_per_yr": -1.0}}
    g = parse_grid({"grid": {"parameters": {"prices.discount_rate": [0.02]}}}, "g.toml")
    with pytest.raises(ScenarioError, match=r"^s\.toml: invalid scenario: capacity"):
        expand(g, "s.toml", data, "s.toml")


@pytest.mark.parametrize(
    ("grid_text", "needles"),
    [
        ("", ("the file is empty", "heatplan init --grid")),
        ('[grid.parameters]\n"budget.per_owner_eur_per_yr" = [{ Stedion = 1e6 }]\n',
         ("owner 'Stedion'", "did you mean 'Staedion'?")),
        ('[grid.parameters]\n"options.per_buurt" = [{ BU0518 = ["mt"] }]\n',
         ("'BU0518' is not a CBS buurt code",)),
        ('[grid.parameters]\n"prices.gas_eur_per_m3" = [{}]\n', ("prices.gas_eur_per_m3", "at least one")),
    ],
)  # fmt: skip
def test_bad_grid_is_one_error_before_any_output(tmp_path: Path, grid_text: str, needles) -> None:
    res = sweep(tmp_path, grid_text, tmp_path / "out")
    assert_user_error(res, "grid.toml", *needles)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid.toml"]


def test_sweep_into_a_folder_of_the_users_files_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "comparison.csv").write_text("my own comparison", encoding="utf-8")
    before = checksums(out)
    assert_user_error(sweep(tmp_path, GOOD_GRID, out), "mine", "comparison.csv", "never deletes")
    assert checksums(out) == before


def test_city_into_a_folder_of_the_users_files_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "city.json").write_text("{}", encoding="utf-8")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    before = checksums(tmp_path)
    res = CliRunner().invoke(cli, ["city", "plan", "--districts", "1", "--scale", "0.02", "--out", str(out)])
    assert_user_error(res, "mine", "city.json", "never deletes")
    assert checksums(tmp_path) == before


def test_city_checks_the_scenarios_names_against_its_districts(tmp_path: Path) -> None:
    sc = tmp_path / "s.toml"
    sc.write_text("[budget.per_owner_eur_per_yr]\nStedion = 1e6\n", encoding="utf-8")
    args = ["city", "plan", "--districts", "1", "--scale", "0.02", "--scenario", str(sc), "--out",
            str(tmp_path / "city")]  # fmt: skip
    assert_user_error(CliRunner().invoke(cli, args), "s.toml", "did you mean 'Staedion'?")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.toml"]
