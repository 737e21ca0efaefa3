"""heatplan.report."""
