"""Benchmarks for the Tenant Ledger, run with `python -m benchmarks` (`make bench`).

They talk only to 127.0.0.1, clean up after themselves and stop within about three minutes.
Each comparison is measured in the same run as its baseline: ratios travel between machines,
absolute numbers do not."""
