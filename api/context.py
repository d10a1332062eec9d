from flask import current_app

from infrastructure.services import Services


def services() -> Services:
    return current_app.extensions["tenant_ledger"]
