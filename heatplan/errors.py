"""Error types: one per kind of failure.

User-facing commands turn every :class:`HeatplanError` into one plain message and a
non-zero exit status; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class HeatplanError(Exception):
    """Base class for all errors heatplan raises on purpose."""


class InputError(HeatplanError, ValueError):
    """A file, column, value, label, code or key given by the user is wrong."""


class ScenarioError(InputError):
    """A scenario file or override set is wrong (unknown key, bad value, bad year range)."""


class SolverError(InputError):
    """The named solver is not one heatplan or Pyomo knows, or it is not installed here."""


class ConvergenceError(HeatplanError):
    """A network simulation did not converge, even after retries."""


class InfeasibleError(HeatplanError):
    """An optimisation problem has no solution under the given constraints."""
