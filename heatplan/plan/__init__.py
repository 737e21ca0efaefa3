"""The plan: optimise the order of measures and verify every planned year with the network simulation."""

from heatplan.plan.pipeline import Plan, model_inputs, run_plan

__all__ = ["Plan", "model_inputs", "run_plan"]
