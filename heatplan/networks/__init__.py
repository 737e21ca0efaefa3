"""heatplan.networks."""
