from application.results import IssuedCredentials
from domain.tenant import Environment
from infrastructure.services import Services


def register(services: Services, app_name: str = "acme", **overrides: object) -> IssuedCredentials:
    fields: dict[str, object] = {
        "app_name": app_name,
        "contact_email": "ops@acme.io",
        "webhook_url": "https://acme.io/hooks",
        "environment": Environment.STAGING,
        "sandbox": True,
        "actor": "alice",
    }
    fields.update(overrides)
    return services.ledger.register_tenant(**fields)  # type: ignore[arg-type]


def stored_events(services: Services) -> list:
    return list(services.ledger.recorder.select_notifications(start=1, limit=1_000_000))
