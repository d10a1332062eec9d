"""The security suite drives a live `ledger serve`, like the end-to-end tests."""

from tests.e2e.conftest import admin_token, env, log_path, server, store  # noqa: F401
