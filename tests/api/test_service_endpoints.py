from flask.testing import FlaskClient


def test_health_and_readiness(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ready"}


def test_openapi_describes_the_contract(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    for path in ("/tenants/login", "/tenants/me", "/admin/tenants", "/.well-known/jwks.json"):
        assert path in spec["paths"]
    login = spec["components"]["schemas"]["LoginResponse"]["properties"]
    assert set(login) == {"accessToken", "tenantId", "appName", "expiresIn"}
    assert client.get("/docs").status_code == 200


def test_every_response_says_nosniff_and_carries_a_request_id(client: FlaskClient) -> None:
    response = client.get("/healthz", headers={"X-Request-Id": "abc-123"})
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Request-Id"] == "abc-123"
    generated = client.get("/healthz", headers={"X-Request-Id": "bad id with spaces"})
    assert generated.headers["X-Request-Id"] != "bad id with spaces"
    assert len(generated.headers["X-Request-Id"]) == 32


def test_jwks_is_public_and_cacheable(client: FlaskClient) -> None:
    response = client.get("/.well-known/jwks.json")
    keys = response.get_json()["keys"]
    assert [k["alg"] for k in keys] == ["ES256"]
    assert all("d" not in key for key in keys)  # never the private part
    assert "max-age" in response.headers["Cache-Control"]


def test_every_documented_error_is_problem_json(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    components = spec["components"]["responses"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) or status == "default":
                    name = response["$ref"].rsplit("/", 1)[-1]
                    assert list(components[name]["content"]) == ["application/problem+json"], (
                        f"{method} {path} {status}"
                    )
    problem = spec["components"]["schemas"]["Problem"]["properties"]
    assert {"type", "title", "status", "detail", "instance"} <= set(problem)


def test_error_bodies_match_the_documented_problem_schema(client: FlaskClient) -> None:
    from api.schemas import Problem

    for response in (client.get("/tenants/me"), client.post("/tenants/login", json={})):
        assert Problem().validate(response.get_json()) == {}


def test_me_answers_503_with_retry_after_while_the_view_is_behind(services) -> None:
    from api.app import create_app
    from application.queries import TenantQueries

    services.queries = TenantQueries(services.ledger, services.view, wait_timeout_seconds=0.2)
    client = create_app(services=services).test_client()  # no projector running
    admin = services.ledger.create_admin_token("alice")
    credentials = client.post(
        "/admin/tenants",
        json={
            "appName": "lagging",
            "contactEmail": "ops@example.com",
            "webhookUrl": "https://example.com/hooks",
            "environment": "staging",
            "sandbox": False,
        },
        headers={"Authorization": f"Bearer {admin}"},
    ).get_json()
    token = client.post(
        "/tenants/login", json={"appName": "lagging", "appSecret": credentials["appSecret"]}
    ).get_json()["accessToken"]
    response = client.get("/tenants/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.content_type == "application/problem+json"
    services.projector().catch_up()
    assert (
        client.get("/tenants/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )


def test_readyz_is_a_fast_503_when_the_database_is_unreachable(tmp_path) -> None:
    import dataclasses
    import time

    from api.app import create_app
    from infrastructure.keys import load_pepper, load_signing_key
    from infrastructure.settings import Settings

    settings = Settings.from_environ(
        {
            "LEDGER_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/test",
            "LEDGER_DATA_DIR": str(tmp_path),
            "LEDGER_CREATE_TABLES": "false",
        }
    )
    keys_made_by_the_supervisor = dataclasses.replace(settings, create_tables=True)
    load_pepper(keys_made_by_the_supervisor)
    load_signing_key(keys_made_by_the_supervisor)
    client = create_app(settings).test_client()
    started = time.monotonic()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content_type == "application/problem+json"
    assert time.monotonic() - started < 15
    assert client.get("/healthz").status_code == 200
