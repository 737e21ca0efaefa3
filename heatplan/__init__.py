"""heatplan: a planning engine for taking a city district off natural gas."""

from heatplan.errors import ConvergenceError, HeatplanError, InfeasibleError, InputError, ScenarioError

__version__ = "0.1.0"

__all__ = [
    "ConvergenceError",
    "HeatplanError",
    "InfeasibleError",
    "InputError",
    "ScenarioError",
    "__version__",
]
