"""`heatplan compare` on damaged summaries and an existing --csv: one `Error:` line, files kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from heatplan.cli.main import cli
from tests.bad_input import assert_user_error, checksums

GOOD = {
    "scenario": "base", "gas_free_year_reached": 2031, "deadline": 2040, "deadline_met": True,
    "cost_npv_eur": {"total": 1000.0, "by_item": {"connection": 1000.0}}, "failing_years": [],
    "rounds": 1, "switched_dwellings_by_year": {"2026": 10},
}  # fmt: skip


def plan_folder(tmp_path: Path, summary: object | str, name: str = "p") -> Path:
    out = tmp_path / name
    out.mkdir()
    text = summary if isinstance(summary, str) else json.dumps(summary)
    (out / "summary.json").write_text(text, encoding="utf-8")
    return out


@pytest.mark.parametrize(
    ("summary", "needles"),
    [
        ("", ("not a readable summary",)),
        ('{"scenario": "base", "gas_free', ("not a readable summary",)),
        ("[1, 2]", ("holds a list", "a JSON object")),
        ({k: v for k, v in GOOD.items() if k != "deadline_met"}, ("missing key 'deadline_met'",)),
        ({**GOOD, "cost_npv_eur": 5}, ("key 'cost_npv_eur' = 5", "expected an object")),
        ({**GOOD, "cost_npv_eur": {"total": "x"}}, ("cost_npv_eur.total", "'x'", "expected a number")),
        ({**GOOD, "failing_years": 3}, ("key 'failing_years' = 3", "expected a list")),
        ({**GOOD, "switched_dwellings_by_year": [1]}, ("switched_dwellings_by_year", "expected an object")),
        ({**GOOD, "deadline_met": "yes"}, ("key 'deadline_met' = 'yes'", "true or false")),
    ],
)
def test_damaged_summary(tmp_path: Path, summary: object, needles: tuple[str, ...]) -> None:
    folder = plan_folder(tmp_path, summary)
    before = checksums(tmp_path)
    res = CliRunner().invoke(cli, ["compare", str(folder), "--csv", str(tmp_path / "cmp.csv")])
    assert_user_error(res, "summary.json", *needles)
    assert checksums(tmp_path) == before


def test_csv_the_user_wrote_is_kept_and_an_earlier_comparison_replaced(tmp_path: Path) -> None:
    folder = plan_folder(tmp_path, GOOD)
    mine = tmp_path / "compare.csv"
    mine.write_text("my,own\n1,2\n", encoding="utf-8")
    before = checksums(tmp_path)
    assert_user_error(CliRunner().invoke(cli, ["compare", str(folder), "--csv", str(mine)]), "compare.csv")
    assert checksums(tmp_path) == before
    ours = tmp_path / "cmp.csv"
    for replaced in (False, True):
        res = CliRunner().invoke(cli, ["compare", str(folder), "--csv", str(ours)])
        assert res.exit_code == 0, res.output
        assert ("(it replaces an earlier comparison)" in res.output) is replaced
    assert ours.read_text(encoding="utf-8").startswith("figure,p")
