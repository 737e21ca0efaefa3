"""Sweep grids (TOML): which scenario variations a ``heatplan sweep`` runs.

A grid file names scenario parameters by their dotted key and gives each a list of values or a
range; optionally the named override sets of the scenario file form one more axis::

    [grid]
    override_sets = ["", "labelD"]     # "" = the base; "pace500,labelD" = both sets in order
    sample = 0                         # 0 = every combination; N = N seeded random points
    seed = 1

    [grid.parameters]
    "capacity.switch_dwellings_per_yr" = [2400.0, 500.0]
    "prices.discount_rate" = { start = 0.01, stop = 0.04, num = 4 }

Every combination (or every sampled point) becomes one :class:`Variation` with a stable,
file-system-safe name, so a restarted sweep finds the scenarios it already finished.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel

from heatplan.errors import InputError, ScenarioError
from heatplan.scenario import Scenario
from heatplan.scenario.files import _merge, resolve, split_spec

GRID_KEYS = ("override_sets", "sample", "seed", "parameters")
MAX_SCENARIOS = 10_000


@dataclass(frozen=True)
class Variation:
    """One scenario of a sweep: its name, override sets, parameter values and resolved scenario."""

    name: str
    sets: tuple[str, ...]
    values: dict[str, Any]
    scenario: Scenario


@dataclass(frozen=True)
class Grid:
    """A parsed grid: the axes and how to combine them."""

    override_sets: tuple[tuple[str, ...], ...]
    parameters: dict[str, list[Any] | dict[str, Any]]
    sample: int
    seed: int
    source: str = "grid"  # the grid file, named in messages


def scenario_keys(model: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """Every dotted key a grid may vary (leaves and whole tables, e.g. ``prices.gas_eur_per_m3``)."""
    out: list[str] = []
    for key, info in model.model_fields.items():
        dotted = f"{prefix}{key}"
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out += scenario_keys(ann, dotted + ".")
        elif dotted != "name":
            out.append(dotted)
    return out


def check_key(key: str, source: str) -> None:
    """Raise a ScenarioError naming an unknown dotted key and the closest valid one."""
    valid = scenario_keys()
    if key in valid:
        return
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.0)
    hint = f"; the closest valid scenario key is '{close[0]}'" if close else ""
    raise ScenarioError(f"{source}: unknown scenario key '{key}' in [grid.parameters]{hint}")


def _axis(key: str, spec: Any, source: str) -> list[Any] | dict[str, Any]:
    """Validate one parameter's values: a non-empty list, or a range {start, stop, num}."""
    if isinstance(spec, list):
        if not spec:
            raise InputError(f"{source}: parameter '{key}' has an empty list of values")
        return spec
    if isinstance(spec, dict):
        extra = set(spec) - {"start", "stop", "num"}
        if extra or not {"start", "stop"} <= set(spec):
            raise InputError(
                f"{source}: parameter '{key}': a range is {{ start = ..., stop = ..., num = ... }}, "
                f"got keys {sorted(spec)}"
            )
        if not all(isinstance(spec[k], int | float) for k in spec):
            raise InputError(f"{source}: parameter '{key}': start, stop and num must be numbers")
        if "num" in spec and (not isinstance(spec["num"], int) or spec["num"] < 1):
            raise InputError(f"{source}: parameter '{key}': num must be a whole number >= 1")
        return dict(spec)
    raise InputError(
        f"{source}: parameter '{key}' must be a list of values or a range {{ start, stop, num }}, "
        f"got {spec!r}"
    )


def parse_grid(data: dict[str, Any], source: str) -> Grid:
    """Check a grid file's content and return the :class:`Grid`."""
    grid = data.get("grid")
    if not isinstance(grid, dict) or set(data) - {"grid"}:
        raise InputError(f"{source}: a grid file has one table [grid] (with [grid.parameters])")
    for key in grid:
        if key not in GRID_KEYS:
            close = difflib.get_close_matches(key, GRID_KEYS, n=1, cutoff=0.0)
            raise InputError(
                f"{source}: unknown key '{key}' in [grid]; did you mean '{close[0]}'? "
                f"(valid: {', '.join(GRID_KEYS)}; scenario keys go in [grid.parameters])"
            )
    params = grid.get("parameters", {})
    if not isinstance(params, dict):
        raise InputError(f"{source}: [grid.parameters] must be a table of dotted scenario keys")
    checked: dict[str, list[Any] | dict[str, Any]] = {}
    for key, spec in params.items():
        check_key(key, source)
        checked[key] = _axis(key, spec, source)
    sets_raw = grid.get("override_sets", [""])
    if not isinstance(sets_raw, list) or not sets_raw or not all(isinstance(s, str) for s in sets_raw):
        raise InputError(f'{source}: override_sets must be a list of names, e.g. ["", "labelD"]')
    sets = tuple(tuple(n.strip() for n in s.split(",") if n.strip()) for s in sets_raw)
    sample, seed = grid.get("sample", 0), grid.get("seed", 1)
    if not isinstance(sample, int) or sample < 0 or not isinstance(seed, int):
        raise InputError(f"{source}: sample must be a whole number >= 0 and seed a whole number")
    for key, spec in checked.items():
        if isinstance(spec, dict) and "num" not in spec and sample == 0:
            raise InputError(f"{source}: parameter '{key}': a range needs num in a full grid (sample = 0)")
    return Grid(sets, checked, sample, seed, source)


def read_grid(path: Path) -> Grid:
    """Read and check a grid TOML file."""
    if not Path(path).is_file():
        raise InputError(f"{path}: no such grid file (write an example with `heatplan init --grid {path}`)")
    if not Path(path).read_bytes().strip():
        raise InputError(f"{path}: the file is empty (write an example with `heatplan init --grid {path}`)")
    try:
        with Path(path).open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a text (TOML) file") from None
    return parse_grid(data, str(path))


def _range_values(spec: dict[str, Any]) -> list[Any]:
    vals = np.linspace(spec["start"], spec["stop"], spec["num"])
    if all(isinstance(spec[k], int) for k in ("start", "stop")) and np.allclose(vals, vals.round()):
        return [int(v) for v in vals.round()]
    return [float(v) for v in vals]


def points(grid: Grid) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """The (override sets, parameter values) of every scenario: the full product or a seeded sample."""
    keys = list(grid.parameters)
    if grid.sample == 0:
        axes = [_range_values(s) if isinstance(s, dict) else s for s in grid.parameters.values()]
        combos = list(itertools.product(grid.override_sets, *axes))
        if len(combos) > MAX_SCENARIOS:
            raise InputError(f"the grid has {len(combos):,} scenarios; at most {MAX_SCENARIOS:,} are allowed")
        return [(c[0], dict(zip(keys, c[1:], strict=True))) for c in combos]
    rng = np.random.default_rng(grid.seed)
    out = []
    for _ in range(grid.sample):
        sets = grid.override_sets[int(rng.integers(len(grid.override_sets)))]
        vals: dict[str, Any] = {}
        for key, spec in grid.parameters.items():
            if isinstance(spec, list):
                vals[key] = spec[int(rng.integers(len(spec)))]
            elif all(isinstance(spec[k], int) for k in ("start", "stop")):
                vals[key] = int(rng.integers(spec["start"], spec["stop"] + 1))
            else:
                vals[key] = round(float(rng.uniform(spec["start"], spec["stop"])), 6)
        out.append((sets, vals))
    return out


def _nest(key: str, value: Any) -> dict[str, Any]:
    head, *rest = key.split(".")
    return {head: _nest(".".join(rest), value) if rest else value}


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, str | int | bool):
        return str(v)
    return hashlib.sha1(json.dumps(v, sort_keys=True, default=str).encode()).hexdigest()[:6]


def variation_name(sets: tuple[str, ...], values: dict[str, Any]) -> str:
    """A readable, file-system-safe name, e.g. ``switch_dwellings_per_yr-500_labelD``."""
    parts = [f"{k.rsplit('.', 1)[-1]}-{_fmt(v)}" for k, v in values.items()] + list(sets)
    name = re.sub(r"[^A-Za-z0-9._+-]+", "_", "_".join(parts) or "base").strip("._") or "base"
    if len(name) > 80:
        digest = hashlib.sha1(name.encode()).hexdigest()[:8]
        name = f"{name[:70]}-{digest}"
    return name


def _shown(values: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {v!r}" for k, v in values.items()) or "(none)"


def expand(grid: Grid, scenario_spec: str | None, data: dict[str, Any], source: str) -> list[Variation]:
    """Resolve every point of the grid against the scenario file's content ``data``."""
    _, base_sets = split_spec(scenario_spec)
    out: list[Variation] = []
    seen: dict[str, int] = {}
    checked: set[tuple[str, ...]] = set()
    for sets, values in points(grid):
        over: dict[str, Any] = {}
        for key, value in values.items():
            over = _merge(over, _nest(key, value))
        names = [*base_sets, *sets]
        name = variation_name(sets, values)
        if name in seen:
            seen[name] += 1
            name = f"{name}-{seen[name]}"
        else:
            seen[name] = 1
        sets_data = dict(data.get("scenarios", {}))
        sets_data["__grid__"] = over
        if tuple(names) not in checked:  # the scenario file's own errors are blamed on it
            resolve(data, names, source)
            checked.add(tuple(names))
        where = f"{grid.source}: [grid.parameters] {_shown(values)} (scenario {name}) over {source}"
        sc = resolve({**data, "scenarios": sets_data}, [*names, "__grid__"], where)
        out.append(Variation(name, tuple(sets), values, sc.model_copy(update={"name": name})))
    return out
