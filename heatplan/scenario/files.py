"""Scenario files (TOML): a base and named override sets, the commented template, loading.

A file holds base values and named override sets::

    [capacity]
    switch_dwellings_per_yr = 2400

    [scenarios.pace500.capacity]
    switch_dwellings_per_yr = 500

``load_scenario("s.toml:pace500")`` applies the base, then each named set in order, over the
built-in defaults, and validates the result. An unknown key is a :class:`ScenarioError` naming
the key, where it stands and the closest valid key.
"""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from heatplan.errors import ScenarioError
from heatplan.scenario.figures import DATA
from heatplan.scenario.model import Scenario

BUILTIN_NAME = "default_scenario.toml"


def split_spec(spec: str | None) -> tuple[Path | None, list[str]]:
    """Split ``FILE[:NAME[,NAME]]`` into a path (None = built-in) and override-set names."""
    if not spec:
        return None, []
    file_part, names = spec, ""
    if ":" in spec:
        head, tail = spec.rsplit(":", 1)
        if "/" not in tail and "\\" not in tail:
            file_part, names = head, tail
    path = Path(file_part) if file_part else None
    return path, [n.strip() for n in names.split(",") if n.strip()]


def _read_toml(path: Path | None) -> tuple[dict[str, Any], str]:
    if path is None:
        with (DATA / BUILTIN_NAME).open("rb") as fh:
            return tomllib.load(fh), f"built-in {BUILTIN_NAME}"
    if path.is_dir():
        raise ScenarioError(f"{path}: is a folder (expected a scenario file, TOML)")
    if not path.is_file():
        raise ScenarioError(f"{path}: no such scenario file (write one with `heatplan init {path}`)")
    if not path.read_bytes().strip():
        raise ScenarioError(f"{path}: the file is empty (write a scenario with `heatplan init {path}`)")
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh), str(path)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a text (TOML) file") from None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Deep merge: tables merge key by key, everything else is replaced."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and not _is_mapping_field(k):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


_MAPPING_FIELDS = {
    "per_owner_eur_per_yr",
    "gas_eur_per_m3",
    "co2_eur_per_t",
    "required_supply_c",
    "per_buurt",
    "switch_dwellings_per_yr",
    "insulate_dwellings_per_yr",
    "induction_dwellings_per_yr",
}


def _is_mapping_field(key: str) -> bool:
    return key in _MAPPING_FIELDS


def _check_keys(data: dict[str, Any], model: type[BaseModel], where: str, source: str) -> None:
    """Raise on the first unknown key, with its place and the closest valid key."""
    for key, value in data.items():
        fields = model.model_fields
        if key not in fields:
            close = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.4)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            place = f"[{where}]" if where else "the top level"
            raise ScenarioError(
                f"{source}: unknown key '{key}' in {place}{hint} Valid keys there: {', '.join(fields)}"
            )
        sub = _submodel(fields[key].annotation)
        if sub is not None and isinstance(value, dict):
            _check_keys(value, sub, f"{where}.{key}" if where else key, source)


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _loc(parts: tuple[int | str, ...]) -> str:
    """``('pins', 0, 'year')`` -> ``pins[1].year`` (tables of arrays counted from 1, as people do)."""
    out = ""
    for p in parts:
        out += f"[{p + 1}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _validation_message(exc: ValidationError, source: str) -> str:
    parts = []
    for err in exc.errors():
        msg = str(err["msg"]).removeprefix("Value error, ")
        if not err["loc"]:  # a check across keys: the message names them
            parts.append(msg)
            continue
        parts.append(f"{_loc(tuple(err['loc']))}: {msg} (got {err.get('input')!r})")
    return f"{source}: invalid scenario: " + "; ".join(parts)


def resolve(data: dict[str, Any], names: list[str], source: str) -> Scenario:
    """Apply the base and the named override sets in order; validate."""
    sets = data.get("scenarios", {})
    if not isinstance(sets, dict):
        raise ScenarioError(f"{source}: [scenarios] must be a table of named override sets")
    base = {k: v for k, v in data.items() if k != "scenarios"}
    _check_keys(base, Scenario, "", source)
    merged = base
    for name in names:
        if name not in sets:
            close = difflib.get_close_matches(name, list(sets), n=1, cutoff=0.4)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            known = ", ".join(sets) or "none"
            raise ScenarioError(f"{source}: no override set [scenarios.{name}]{hint} (known: {known})")
        _check_keys(sets[name], Scenario, f"scenarios.{name}", source)
        merged = _merge(merged, sets[name])
    merged = {**merged, "name": "+".join(names) if names else merged.get("name", "base")}
    try:
        return Scenario.model_validate(merged)
    except ValidationError as exc:
        raise ScenarioError(_validation_message(exc, source)) from None


def load_scenario(spec: str | None = None) -> Scenario:
    """Load ``FILE[:NAME[,NAME]]``; None or an empty FILE means the built-in default file."""
    path, names = split_spec(spec)
    data, source = _read_toml(path)
    return resolve(data, names, source)


def scenario_source(spec: str | None) -> str:
    """How messages name the scenario of ``spec``: its file, or the built-in file."""
    path, _ = split_spec(spec)
    return f"built-in {BUILTIN_NAME}" if path is None else str(path)


def override_set_names(spec: str | None = None) -> list[str]:
    """Names of the override sets in a scenario file (the built-in one by default)."""
    path, _ = split_spec(spec)
    data, _ = _read_toml(path)
    return list(data.get("scenarios", {}))


def template_text() -> str:
    """The commented template written by ``heatplan init`` (the built-in default file)."""
    return (DATA / BUILTIN_NAME).read_text(encoding="utf-8")


def scenario_to_toml(scenario: Scenario) -> str:
    """The resolved scenario as TOML (stored with the results)."""
    import tomli_w

    data = scenario.model_dump(mode="json")
    for table in ("capacity", "budget"):
        data[table] = {k: "unlimited" if v is None else v for k, v in data[table].items()}
    data["programme"] = {k: "off" if v is None else v for k, v in data["programme"].items()}
    return tomli_w.dumps(_stringify_keys(_drop_none(data)))


def _drop_none(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _drop_none(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list):
        return [_drop_none(v) for v in obj]
    return obj


def _stringify_keys(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _stringify_keys(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_stringify_keys(v) for v in obj]
    return obj
