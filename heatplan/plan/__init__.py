"""The plan: optimise the order of measures and verify every planned year with the network simulation."""

from heatplan.plan.pipeline import Plan, run_plan

__all__ = ["Plan", "run_plan"]
