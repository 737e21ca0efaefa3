"""Report files for people, built from plan.nc alone: schedule.xlsx, report.html, blocks.gpkg."""

from __future__ import annotations

import logging
from pathlib import Path

from heatplan.errors import InputError
from heatplan.io import atomic_file, output_kind
from heatplan.report.plan_data import Plan, load_plan, schedule_frame
from heatplan.report.text import LANGUAGES, check_lang

log = logging.getLogger(__name__)

REPORT_FILES = ("schedule.xlsx", "report.html", "blocks.gpkg")

__all__ = ["LANGUAGES", "REPORT_FILES", "Plan", "load_plan", "schedule_frame", "write_reports"]


def write_reports(plan_dir: Path, lang: str = "nl") -> list[Path]:
    """Build schedule.xlsx, report.html and blocks.gpkg in ``plan_dir`` from ``plan_dir/plan.nc``.

    Each file is written to a temporary name and renamed into place. Returns the paths written.
    """
    from heatplan.report.excel import write_excel
    from heatplan.report.gpkg import write_gpkg
    from heatplan.report.html import render_html

    check_lang(lang)
    plan_dir = Path(plan_dir)
    plan = load_plan(plan_dir)
    out = [plan_dir / name for name in REPORT_FILES]
    there = [p.name for p in out if p.exists()]
    if there and output_kind(plan_dir) != "plan":
        raise InputError(
            f"{plan_dir}: {', '.join(there)} would be replaced, but the folder is not a heatplan plan "
            "folder (heatplan never overwrites files it did not write): copy plan.nc into a new folder"
        )
    with atomic_file(out[0]) as tmp:
        write_excel(plan, tmp, lang)
    with atomic_file(out[1]) as tmp:
        tmp.write_text(render_html(plan, lang), encoding="utf-8")
    with atomic_file(out[2]) as tmp:
        write_gpkg(plan, tmp)
    for p in out:
        log.info("wrote %s (%d bytes)", p, p.stat().st_size)
    return out
