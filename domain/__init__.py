"""Tenant aggregates and their events. Pure: no I/O, no imports from the other layers."""
