"""heatplan.buildings."""
