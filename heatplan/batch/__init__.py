"""Batch runs: scenario sweeps (``sweep``, ``grid``) and city-scale planning (``city``) on Dask."""
