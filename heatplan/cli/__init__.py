"""heatplan.cli."""
