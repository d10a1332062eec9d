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
