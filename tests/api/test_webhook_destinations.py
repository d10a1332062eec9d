"""Production webhooks only go to public addresses; staging tenants may point anywhere."""

import pytest
from flask.testing import FlaskClient

from tests.api.client import register

PUBLIC = "https://93.184.216.34/webhooks/billing"  # resolved only, never contacted


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://127.1/hook",
        "https://0x7f.0.0.1/hook",
        "https://2130706433/hook",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://10.0.0.1/hook",
        "https://192.168.1.10/hook",
        "https://[fd00:ec2::254]/hook",
        "https://0.0.0.0/hook",
        "https://localhost/hook",
        "https://does-not-resolve.invalid/hook",
        "https://[64:ff9b::a9fe:a9fe]/",
        "https://[64:ff9b:1::a9fe:a9fe]/",
        "https://[::7f00:1]/",
        "https://[::a00:1]/",
        "https://[::ffff:0:7f00:1]/",
        "https://[2002:7f00:1::]/",
        "https://[2002:a9fe:a9fe::]/",
        "https://224.0.0.1/",
        "https://239.255.255.250/",
        "https://[ff0e::1]/",
        "https://192.0.0.8/",
        "https://93.184.216.34:0/",
    ],
)
def test_production_webhooks_to_private_or_unresolvable_hosts_are_refused(
    client: FlaskClient, admin_token: str, url: str
) -> None:
    response = register(client, admin_token, environment="production", webhookUrl=url)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "webhookUrl" in response.get_json()["errors"]


def test_a_production_webhook_to_a_public_address_is_accepted(
    client: FlaskClient, admin_token: str
) -> None:
    response = register(client, admin_token, environment="production", webhookUrl=PUBLIC)
    assert response.status_code == 201, response.get_data(as_text=True)


def test_staging_tenants_may_point_at_their_own_machines(
    client: FlaskClient, admin_token: str
) -> None:
    response = register(client, admin_token, environment="staging", webhookUrl="https://10.0.0.1/h")
    assert response.status_code == 201
