import dataclasses

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.app import create_app
from infrastructure.services import Services
from tests.api.client import REGISTRATION, bearer


@pytest.fixture
def limited(services: Services, projector) -> FlaskClient:
    services.settings = dataclasses.replace(
        services.settings,
        login_limit_per_ip="8/minute",
        login_failure_limit_per_app="6/minute",
        login_failure_limit_per_app_and_ip="3/minute",
        admin_limit="5/minute",
    )
    return create_app(services=services).test_client()


def from_ip(ip: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": ip}}


def login(client: FlaskClient, secret: str, ip: str = "198.51.100.1"):
    body = {"appName": "my-saas-app", "appSecret": secret}
    return client.post("/tenants/login", json=body, **from_ip(ip))


@pytest.fixture
def secret(limited: FlaskClient, services: Services) -> str:
    admin = services.ledger.create_admin_token("setup")
    return limited.post("/admin/tenants", json=REGISTRATION, headers=bearer(admin)).get_json()[
        "appSecret"
    ]


def test_logins_per_client_ip_are_limited_with_a_problem_and_retry_after(
    limited: FlaskClient, secret: str
) -> None:
    statuses = [login(limited, secret).status_code for _ in range(9)]
    assert statuses == [200] * 8 + [429]
    refused = login(limited, secret)
    assert refused.content_type == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    assert login(limited, secret, ip="198.51.100.2").status_code == 200


def test_failures_from_one_ip_do_not_lock_the_tenant_out_elsewhere(
    limited: FlaskClient, secret: str
) -> None:
    attacker = "203.0.113.7"
    assert [login(limited, "guess", attacker).status_code for _ in range(4)] == [401] * 3 + [429]
    assert login(limited, secret, attacker).status_code == 429  # backed off, even when right
    assert login(limited, secret, "198.51.100.1").status_code == 200  # the real tenant


def test_successful_logins_do_not_count_as_failures(limited: FlaskClient, secret: str) -> None:
    assert [login(limited, secret).status_code for _ in range(5)] == [200] * 5
    assert [login(limited, "guess").status_code for _ in range(3)] == [401] * 3


def test_failures_on_one_app_name_from_many_ips_are_capped(
    limited: FlaskClient, secret: str
) -> None:
    statuses = [login(limited, "guess", f"203.0.113.{n}").status_code for n in range(7)]
    assert statuses == [401] * 6 + [429]


def test_admin_calls_are_limited_per_admin(limited: FlaskClient, services: Services) -> None:
    first = services.ledger.create_admin_token("first")
    second = services.ledger.create_admin_token("second")
    statuses = [
        limited.get(
            "/admin/tenants", headers=bearer(first), **from_ip(f"198.51.100.{n}")
        ).status_code
        for n in range(6)
    ]
    assert statuses == [200] * 5 + [429]  # per admin, whatever the address
    assert limited.get("/admin/tenants", headers=bearer(second)).status_code == 200


def test_forwarded_for_is_trusted_only_through_configured_hops(
    services: Services, projector
) -> None:
    services.settings = dataclasses.replace(
        services.settings, login_limit_per_ip="2/minute", trusted_proxy_hops=1
    )
    app: Flask = create_app(services=services)
    client = app.test_client()

    def attempt(forwarded: str):
        return client.post(
            "/tenants/login",
            json={"appName": "nobody", "appSecret": "x"},
            headers={"X-Forwarded-For": forwarded},
        ).status_code

    assert [attempt("192.0.2.1") for _ in range(3)] == [401, 401, 429]
    assert attempt("192.0.2.2") == 401  # another client behind the proxy
