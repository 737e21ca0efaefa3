"""Scenario sweeps on Dask: every variation of a grid is one full plan, run as one task.

``run_sweep`` expands a grid (``heatplan.batch.grid``) against a scenario file, skips the
scenarios already finished in the output folder (a finished scenario is exactly one with
``DIR/scenarios/<name>/summary.json``, written last through ``heatplan.io.atomic_dir``), submits
the others to a Dask cluster (a ``distributed.LocalCluster`` or an existing scheduler), records
failures in ``DIR/failed/<name>.txt`` and combines the finished plans into ``DIR/sweep.nc``
(dimension ``scenario``) and ``DIR/comparison.csv``.
"""

from __future__ import annotations

import functools
import json
import logging
import shutil
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from heatplan.batch.grid import Variation, expand, read_grid
from heatplan.errors import InputError
from heatplan.io import atomic_file, check_out_dir, write_marker
from heatplan.scenario import Scenario
from heatplan.scenario.files import _read_toml, scenario_source, scenario_to_toml, split_spec

log = logging.getLogger(__name__)

#: progress(done, total, name, status, seconds): called once per scenario as it finishes.
SweepProgress = Callable[[int, int, str, str, float], None]

#: Plan variables copied into sweep.nc (those without the block or pipe dimension).
SWEEP_DIMS = {"year", "item", "regime", "source"}


@dataclass
class SweepResult:
    """What a sweep did: scenario names finished now, skipped (finished before) and failed."""

    variations: list[Variation]
    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    continued: bool = False  # the folder held an earlier run of a sweep

    @property
    def exit_status(self) -> int:
        """The number of failed scenarios, capped at 100 (0 = all good)."""
        return min(len(self.failed), 100)


@functools.lru_cache(maxsize=4)
def _stock(path: str | None) -> pd.DataFrame:
    from heatplan.buildings.stock import load_stock

    return load_stock(Path(path) if path else None)


def plan_task(scenario: Scenario, stock_path: str | None, out_dir: str) -> dict[str, Any]:
    """One scenario (runs on a Dask worker): plan, write plan files and reports into ``out_dir``.

    Returns ``{"name", "ok", "seconds", "error"}``; an error is caught and returned, so a failing
    scenario does not stop the others.
    """
    from heatplan.batch.folder import write_plan_folder

    t0 = time.perf_counter()
    try:
        write_plan_folder(_stock(stock_path), scenario, Path(out_dir), stock_source=stock_path or None)
        return {"name": scenario.name, "ok": True, "seconds": time.perf_counter() - t0, "error": ""}
    except Exception as exc:  # a failing scenario is recorded, the sweep goes on
        msg = f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc()}"
        return {"name": scenario.name, "ok": False, "seconds": time.perf_counter() - t0, "error": msg}


def is_finished(out: Path, name: str) -> bool:
    """A scenario is finished when its folder holds summary.json."""
    return (out / "scenarios" / name / "summary.json").is_file()


def finished_names(out: Path) -> list[str]:
    """Names of the finished scenarios in a sweep folder (temporary folders of running ones excluded)."""
    return sorted(
        p.parent.name for p in Path(out).glob("scenarios/*/summary.json") if not p.parent.name.startswith(".")
    )


def _warn_if_changed(out: Path, v: Variation) -> None:
    """Warn when a finished folder was made with another resolved scenario (it is kept all the same)."""
    stored = out / "scenarios" / v.name / "scenario.toml"
    if not stored.is_file() or stored.read_text(encoding="utf-8") != scenario_to_toml(v.scenario):
        log.warning(
            "%s: finished with a different resolved scenario (scenario file or heatplan changed?); "
            "kept; delete its folder to run it again",
            v.name,
        )


def variations_for(scenario_spec: str | None, grid_path: Path) -> list[Variation]:
    """The sweep's scenarios: the grid expanded against the scenario file."""
    grid = read_grid(grid_path)
    path, _ = split_spec(scenario_spec)
    data, source = _read_toml(path)
    return expand(grid, scenario_spec, data, source)


def check_variations(variations: list[Variation], stock: pd.DataFrame, source: str) -> list[str]:
    """Check every scenario of a sweep against the stock; raise on the first error, return warnings.

    ``source`` names the scenario and grid files in messages.
    """
    from heatplan.plan.preflight import check_inputs

    warnings: list[str] = []
    for v in variations:
        for line in check_inputs(stock, v.scenario, f"{source}, scenario {v.name}"):
            if line not in warnings:
                warnings.append(line)
    return warnings


def _clean_leftovers(scen_dir: Path) -> None:
    """Remove temporary folders of scenarios interrupted in an earlier run."""
    for p in scen_dir.glob(".*.tmp"):
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)


def _write_index(out: Path, variations: list[Variation]) -> None:
    rows = [{"scenario": v.name, "override_sets": ",".join(v.sets), **v.values} for v in variations]
    with atomic_file(out / "scenarios.csv") as tmp:
        pd.DataFrame(rows).to_csv(tmp, index=False)


@contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A distributed Client: on ``scheduler`` if given, else on a new LocalCluster of ``workers``."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
        with client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _noop(done: int, total: int, name: str, status: str, seconds: float) -> None:
    return None


def run_sweep(
    scenario_spec: str | None,
    grid_path: Path,
    out: Path,
    stock_path: Path | None = None,
    scheduler: str | None = None,
    workers: int = 1,
    progress: SweepProgress | None = None,
    client: Any = None,
    solver_threads: int = 1,
) -> SweepResult:
    """Run every unfinished scenario of the grid on Dask; combine the finished ones.

    Each plan's HiGHS runs on ``solver_threads`` threads (1: plans side by side do not fight over
    the cores); that figure is part of every resolved scenario.
    """
    t0 = time.perf_counter()
    prog = progress or _noop
    variations = [
        replace(v, scenario=v.scenario.with_solver(threads=solver_threads))
        for v in variations_for(scenario_spec, grid_path)
    ]
    # a wrong stock, or a name in a scenario that is not in it, fails every scenario: say so once,
    # before any output
    source = f"{scenario_source(scenario_spec)} with {grid_path}"
    warnings = check_variations(variations, _stock(str(stock_path) if stock_path else None), source)
    out = Path(out)
    own_grid = Path(grid_path).resolve() == (out / "grid.toml").resolve()
    continued = check_out_dir(out, "sweep", keep=("grid.toml",) if own_grid else ())
    scen_dir, fail_dir = out / "scenarios", out / "failed"
    scen_dir.mkdir(parents=True, exist_ok=True)
    fail_dir.mkdir(exist_ok=True)
    write_marker(out, "sweep")
    _clean_leftovers(scen_dir)
    _write_index(out, variations)
    if not own_grid:
        shutil.copyfile(grid_path, out / "grid.toml")
    res = SweepResult(variations, warnings=warnings, continued=continued)
    todo = []
    for v in variations:
        if is_finished(out, v.name):
            _warn_if_changed(out, v)
            res.skipped.append(v.name)
            (fail_dir / f"{v.name}.txt").unlink(missing_ok=True)
        else:
            todo.append(v)
    log.info("%d scenario(s), %d finished before, %d to run", len(variations), len(res.skipped), len(todo))
    stock = str(Path(stock_path).resolve()) if stock_path else None
    if todo:
        if client is not None:
            _submit_all(client, todo, stock, out, res, prog)
        else:
            with dask_client(scheduler, workers) as cl:
                _submit_all(cl, todo, stock, out, res, prog)
    combine(out, [v for v in variations if v.name not in res.failed])
    res.seconds = time.perf_counter() - t0
    return res


def _submit_all(
    client: Any, todo: list[Variation], stock: str | None, out: Path, res: SweepResult, prog: SweepProgress
) -> None:
    """Submit one task per scenario and collect them as they finish."""
    from distributed import as_completed

    total = len(todo)
    token = uuid.uuid4().hex[:8]
    futures = {
        client.submit(
            plan_task, v.scenario, stock, str(out / "scenarios" / v.name), key=f"heatplan-{v.name}-{token}"
        ): v.name
        for v in todo
    }
    prog(0, total, "", "started", 0.0)
    for done, fut in enumerate(as_completed(futures), start=1):
        name = futures[fut]
        try:
            r = fut.result()
        except Exception as exc:  # the worker died or the task could not run
            r = {"name": name, "ok": False, "seconds": 0.0, "error": f"{type(exc).__name__}: {exc}"}
        fail_file = out / "failed" / f"{name}.txt"
        if r["ok"]:
            res.ran.append(name)
            fail_file.unlink(missing_ok=True)
        else:
            res.failed[name] = r["error"].splitlines()[0] if r["error"] else "failed"
            with atomic_file(fail_file) as tmp:
                tmp.write_text(r["error"], encoding="utf-8")
        prog(done, total, name, "done" if r["ok"] else "FAILED", float(r["seconds"]))


def _plan_part(plan_dir: Path, v: Variation) -> xr.Dataset:
    """One scenario's per-year, per-item, per-regime and per-source variables and key figures."""
    with xr.open_dataset(plan_dir / "plan.nc", engine="h5netcdf") as ds:
        keep = [k for k, a in ds.data_vars.items() if set(a.dims) and set(a.dims) <= SWEEP_DIMS]
        part = ds[keep].load()
    part = part.drop_vars([c for c in part.coords if c not in part.dims])
    for var in part.variables.values():
        var.encoding.clear()  # the joined years may hold NaN where a plan's integers had none
    part.encoding.clear()  # plan.nc's empty dims (e.g. no failure left) come back as unlimited
    summ = json.loads((plan_dir / "summary.json").read_text(encoding="utf-8"))
    figures: dict[str, Any] = {
        "gas_free_year_reached": float(summ["gas_free_year_reached"] or np.nan),
        "deadline": float(summ["deadline"]),
        "deadline_met": bool(summ["deadline_met"]),
        "cost_npv_eur_total": float(summ["cost_npv_eur"]["total"]),
        "cost_undiscounted_eur": float(summ.get("cost_undiscounted_eur", np.nan)),
        "rounds": int(summ["rounds"]),
        "n_failing_years": len(summ["failing_years"]),
        "dwellings_today": int(summ["dwellings"]),
        "required_pace_dwellings_per_yr": float(summ.get("required_pace_dwellings_per_yr") or np.nan),
        "override_sets": ",".join(v.sets),
        "scenario_toml": (plan_dir / "scenario.toml").read_text(encoding="utf-8"),
    }
    for key, value in v.values.items():
        figures[f"param:{key}"] = value if isinstance(value, int | float | str | bool) else json.dumps(value)
    for k, val in figures.items():
        part[k] = xr.DataArray(np.array(val))
    return part


def combine(out: Path, variations: list[Variation]) -> list[str]:
    """Write sweep.nc (dimension ``scenario``) and comparison.csv from the finished scenarios."""
    from heatplan.report.compare import compare_table

    done = [v for v in variations if is_finished(out, v.name)]
    for stale in ("sweep.nc", "comparison.csv"):
        (out / stale).unlink(missing_ok=True)
    if not done:
        return []
    parts = [_plan_part(out / "scenarios" / v.name, v) for v in done]
    ds = xr.concat(
        parts,
        dim=pd.Index([v.name for v in done], name="scenario"),
        join="outer",
        data_vars="all",
        coords="different",
        compat="equals",
        combine_attrs="drop",
    )
    ds.attrs.update(
        {
            "title": "heatplan sweep",
            "grid_toml": (out / "grid.toml").read_text(encoding="utf-8")
            if (out / "grid.toml").exists()
            else "",
            "scenarios_total": len(variations),
            "scenarios_finished": len(done),
        }
    )
    for name in ds.data_vars:
        if ds[name].dtype == object:
            ds[name] = ds[name].astype(str)
    with atomic_file(out / "sweep.nc") as tmp:
        ds.to_netcdf(tmp, engine="h5netcdf")
    table = compare_table([out / "scenarios" / v.name for v in done])
    with atomic_file(out / "comparison.csv") as tmp:
        table.to_csv(tmp, index_label="figure")
    return [v.name for v in done]
