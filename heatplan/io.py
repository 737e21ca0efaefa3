"""Safe output: never touch what heatplan did not write; write to a temporary path, then rename.

Every output folder heatplan writes holds a marker file, ``.heatplan.json`` (its kind and the
files heatplan put there). An existing ``--out`` folder is written to only when it is empty or an
earlier heatplan output of the same kind (by its marker, or for folders written before the marker
existed, by their files), and holds nothing heatplan did not write. Anything else is refused with
one :class:`~heatplan.errors.InputError`: heatplan never deletes a user's files.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from heatplan.errors import InputError

#: The marker file heatplan writes into every output folder.
MARKER = ".heatplan.json"

#: The files (and sub-folders) each kind of output folder may hold.
KNOWN: dict[str, frozenset[str]] = {
    "plan": frozenset({"plan.nc", "schedule.csv", "summary.json", "scenario.toml", "rounds.csv",
                       "schedule.xlsx", "report.html", "blocks.gpkg"}),
    "network": frozenset({"network.nc", "pipes.csv", "consumers.csv", "network.geojson", "summary.json"}),
    "sweep": frozenset({"scenarios", "failed", "grid.toml", "scenarios.csv", "sweep.nc", "comparison.csv"}),
    "city": frozenset({"districts", "city.json", "city_by_year.csv"}),
    "grid": frozenset({"stations.csv", "cables.csv", "buses.csv", "violations.csv", "summary.json"}),
}  # fmt: skip
#: Files that mark an output folder written before the marker existed (all must be present).
SIGNATURE: dict[str, frozenset[str]] = {
    "plan": frozenset({"plan.nc"}),
    "network": frozenset({"network.nc"}),
    "sweep": frozenset({"scenarios", "scenarios.csv"}),
    "city": frozenset({"districts"}),
    "grid": frozenset({"stations.csv", "cables.csv", "buses.csv"}),
}
#: Kinds written as a whole (an earlier one is replaced); a sweep is continued instead.
REPLACED = ("plan", "network", "city", "grid")
NAMES = {"plan": "plan", "network": "network simulation", "sweep": "sweep", "city": "city plan",
         "grid": "grid simulation"}  # fmt: skip


def _read_marker(folder: Path) -> dict[str, object] | None:
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("kind") in KNOWN else None


def output_kind(folder: Path) -> str | None:
    """The kind of heatplan output ``folder`` is (plan, network, sweep, city), or None."""
    marker = _read_marker(folder)
    if marker is not None:
        return str(marker["kind"])
    try:
        names = {p.name for p in Path(folder).iterdir()}
    except OSError:
        return None
    for kind, signature in SIGNATURE.items():
        if signature <= names and names <= KNOWN[kind]:
            return kind
    return None


def _written_by_heatplan(folder: Path, kind: str) -> set[str]:
    marker = _read_marker(folder) or {}
    listed = marker.get("files", [])
    return {MARKER, *KNOWN[kind], *(listed if isinstance(listed, list) else [])}


def write_marker(folder: Path, kind: str) -> None:
    """Mark ``folder`` as a heatplan output of ``kind``, listing the files it holds now."""
    try:
        version = metadata.version("heatplan")
    except metadata.PackageNotFoundError:
        version = "unknown"
    folder = Path(folder)
    files = sorted(p.name for p in folder.iterdir() if p.name != MARKER)
    doc = {"kind": kind, "written_by": f"heatplan {version}", "files": files}
    (folder / MARKER).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


def _writable_parent(out: Path, parent: Path) -> Path:
    """``parent`` (the real parent folder of ``out``) if it exists and may be written in."""
    if not parent.is_dir():
        raise InputError(f"{out}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"{out}: cannot write in the folder {parent} (permission denied)")
    return parent


def check_out_dir(out: Path, kind: str, keep: tuple[str, ...] = ()) -> bool:
    """May ``out`` receive a heatplan output of ``kind``? True when it holds an earlier one.

    Raises :class:`InputError` when ``out`` is a file, its parent is missing or read-only, or it
    holds anything heatplan did not write there (another kind of output, or the user's own files).
    ``keep``: names in ``out`` that are this command's own input files (a sweep's grid file).
    """
    real = Path(out).resolve()
    what = NAMES[kind]
    if real.exists() and not real.is_dir():
        raise InputError(f"{out}: exists and is not a folder (expected a folder for the {what})")
    _writable_parent(Path(out), real.parent)
    try:
        names = sorted(p.name for p in real.iterdir()) if real.exists() else []
    except OSError as exc:
        raise InputError(f"{out}: cannot read the folder ({exc.strerror})") from None
    if not [n for n in names if n not in keep]:
        return False
    found = output_kind(real)
    if found is None:
        shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
        raise InputError(
            f"{out}: the folder holds files heatplan did not write ({shown}); heatplan never deletes "
            f"them: give --out a new or empty folder, or an earlier heatplan {what}"
        )
    if found != kind:
        raise InputError(f"{out}: holds a heatplan {NAMES[found]}, not a {what}; give --out another folder")
    if not os.access(real, os.W_OK | os.X_OK):
        raise InputError(f"{out}: cannot write in the folder (permission denied)")
    if kind in REPLACED:  # replaced as a whole: nothing of the user's may be inside
        stray = [n for n in names if n not in _written_by_heatplan(real, kind)]
        stray += _stray_in_districts(real) if kind == "city" else []
        if stray:
            raise InputError(
                f"{out}: an earlier heatplan {what}, but it also holds files heatplan did not write "
                f"({', '.join(stray[:3])}); heatplan never deletes them: move them out, or give "
                "--out another folder"
            )
    return True


def _stray_in_districts(city: Path) -> list[str]:
    """What in a city folder's ``districts/`` is not a district plan folder heatplan wrote."""
    folder = city / "districts"
    if not folder.is_dir():
        return []
    out = []
    for d in sorted(folder.iterdir()):
        if not d.is_dir() or (any(d.iterdir()) and output_kind(d) != "plan"):
            out.append(f"districts/{d.name}")
            continue
        allowed = _written_by_heatplan(d, "plan")
        out += [f"districts/{d.name}/{p.name}" for p in sorted(d.iterdir()) if p.name not in allowed]
    return out


@contextmanager
def atomic_dir(out: Path, kind: str = "plan") -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``out``, on failure it is removed.

    ``out`` must pass :func:`check_out_dir` (checked on entry and again before the swap). Nothing is
    left at ``out`` when the body raises, so a failed run never leaves a half-written result folder;
    the folder moved into place holds the marker file.
    """
    check_out_dir(out, kind)
    shown, out = out, Path(out).resolve()
    parent = out.parent
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise InputError(f"{shown}: cannot write in the folder {parent} ({exc.strerror})") from None
    try:
        tmp.chmod(0o777 & ~_umask())
        yield tmp
        write_marker(tmp, kind)
        check_out_dir(shown, kind)
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap(tmp: Path, out: Path) -> None:
    """Rename ``tmp`` onto ``out``; an earlier ``out`` is removed only once the new one is in place."""
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        out.rename(old)
    try:
        tmp.rename(out)
    except BaseException:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def check_out_file(path: Path, is_ours: Callable[[Path], bool], what: str) -> bool:
    """May ``path`` receive a file heatplan writes? True when it replaces an earlier one.

    ``is_ours`` tells a file heatplan wrote (e.g. by its first line); any other existing file is
    refused with :class:`InputError`, as are a folder and a missing or read-only parent folder.
    """
    real = Path(path).resolve()
    if real.is_dir():
        raise InputError(f"{path}: is a folder (expected the name of the {what} to write)")
    _writable_parent(Path(path), real.parent)
    if not real.exists():
        return False
    if not is_ours(real):
        raise InputError(
            f"{path}: exists and was not written by heatplan; heatplan never overwrites it: "
            f"give another file name for the {what}"
        )
    return True


def first_line_starts(prefix: str) -> Callable[[Path], bool]:
    """A test for :func:`check_out_file`: the file's first line starts with ``prefix``."""

    def test(path: Path) -> bool:
        try:
            with path.open(encoding="utf-8-sig") as fh:
                return fh.readline().startswith(prefix)
        except (OSError, UnicodeDecodeError):
            return False

    return test


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """Yield a temporary file path beside ``path``; renamed onto ``path`` on success."""
    shown, path = path, Path(path).resolve()
    parent = _writable_parent(shown, path.parent)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise InputError(f"{shown}: cannot write in the folder {parent} ({exc.strerror})") from None
    os.close(fd)
    tmp = Path(name)
    try:
        tmp.chmod(0o666 & ~_umask())
        yield tmp
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
