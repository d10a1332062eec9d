"""Use cases: the event-sourced TenantLedger application, its queries and its projections."""
