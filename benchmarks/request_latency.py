"""Login and /tenants/me through the Flask app, each against the plain SQL it cannot beat:
a login writes one event (vs one INSERT+COMMIT), /tenants/me reads one row (vs a key lookup)."""

from benchmarks import report
from benchmarks.databases import Database
from benchmarks.ledger_app import RunningLedger
from benchmarks.timing import interleaved_medians

LOGIN_BATCH = 20
LOGIN_ROUNDS = 10
ME_BATCH = 50
ME_ROUNDS = 10


def run(ledger: RunningLedger, database: Database) -> None:
    report.heading(f"2. Login and /tenants/me through the Flask app: {database.name}")
    tenant = ledger.register_tenant()
    token = ledger.login(tenant)
    assert ledger.me(token)["id"] == str(tenant.tenant_id)
    login, insert_commit = interleaved_medians(
        [lambda: ledger.login(tenant), database.baseline.insert_commit],
        batch=LOGIN_BATCH,
        rounds=LOGIN_ROUNDS,
    )
    me, select_by_key = interleaved_medians(
        [lambda: ledger.me(token), database.baseline.select_by_key],
        batch=ME_BATCH,
        rounds=ME_ROUNDS,
    )
    report.note(database.url)
    report.note(
        f"median of {LOGIN_ROUNDS} batches of {LOGIN_BATCH} logins / {ME_ROUNDS} batches of "
        f"{ME_BATCH} reads, per request, taking turns with the baseline"
    )
    report.line("POST /tenants/login", report.millis(login))
    report.line("  baseline: single-row INSERT + COMMIT", report.millis(insert_commit))
    report.line("  login / baseline", report.ratio(login, insert_commit))
    report.line("GET /tenants/me", report.millis(me))
    report.line("  baseline: primary-key SELECT", report.millis(select_by_key))
    report.line("  /tenants/me / baseline", report.ratio(me, select_by_key))
