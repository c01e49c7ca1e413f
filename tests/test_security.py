import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/learn/mood/", "/accounts/login/", "/admin/login/"])
def test_pages_carry_a_strict_content_security_policy(client, url):
    policy = client.get(url)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"


def test_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_uses_inline_script_or_a_cdn():
    from pathlib import Path

    for path in Path("templates").rglob("*.html"):
        text = path.read_text()
        assert "<script>" not in text and "onclick=" not in text, path
        assert "cdn." not in text and "//unpkg" not in text, path


def test_health_endpoints(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json() == {"database": "ok"}


def test_readyz_says_so_when_the_database_does_not_answer(client):
    from django.db import OperationalError, connection

    # Django's documented database instrumentation hook: every query fails as a lost database would.
    def down(execute, sql, params, many, context):
        raise OperationalError("unable to open database file")

    with connection.execute_wrapper(down):
        response = client.get("/readyz")
    assert response.status_code == 503 and response.json() == {"database": "unavailable"}
