"""Fixtures: a synthetic plan folder (plan.nc + schedule.csv) and its reports, built once per module."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from heatplan.report import write_reports
from tests.report.plan_factory import write_plan_dir


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plan folder with plan.nc, schedule.csv and the Dutch reports."""
    out, _ = write_plan_dir(tmp_path_factory.mktemp("plan") / "results")
    write_reports(out)
    return out


@pytest.fixture(scope="module")
def plan_dir_en(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same plan folder with the English reports."""
    out, _ = write_plan_dir(tmp_path_factory.mktemp("plan_en") / "results")
    write_reports(out, lang="en")
    return out


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """schedule.csv as strings, exactly as written."""
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
