"""The HTTP API and the `ledger` command line: parsing, auth and error mapping only."""
