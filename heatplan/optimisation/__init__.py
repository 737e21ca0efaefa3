"""heatplan.optimisation."""
