"""Headers, cookies, caching and error pages that every response must get right."""

import pytest
from flask import abort

from app import create_app
from app.config import ConfigError
from app.web.security import CONTENT_SECURITY_POLICY
from tests.conftest import sign_in


def test_every_response_carries_the_security_headers(client):
    for path in ["/", "/static/css/app.css", "/manifest.webmanifest", "/sw.js", "/missing"]:
        headers = client.get(path).headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
        assert "geolocation=()" in headers["Permissions-Policy"]
        assert headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_have_no_inline_scripts_or_styles(client):
    soup = client.get_page("public.start")
    for script in soup.find_all("script"):
        assert script.get("src") and not script.string
    assert not soup.find("style")
    assert not soup.find(attrs={"style": True})
    assert not [tag for tag in soup.find_all(True) if any(a.startswith(("on", "hx-on")) for a in tag.attrs)]


def test_htmx_is_configured_for_a_strict_csp(client):
    soup = client.get_page("public.start")
    config = soup.find("meta", attrs={"name": "htmx-config"})["content"]
    for setting in (
        '"allowEval":false',
        '"allowScriptTags":false',
        '"historyCacheSize":0',
        '"selfRequestsOnly":true',
    ):
        assert setting in config
    assert '"X-CSRFToken"' in soup.find("body")["hx-headers"]


def test_signed_in_pages_are_never_stored(app, client, db_session, young_person_account):
    sign_in(client, young_person_account)
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_versioned_static_files_are_cached_for_a_year(client):
    soup = client.get_page("public.start")
    href = soup.find("link", rel="stylesheet")["href"]
    assert "?v=" in href
    assert "max-age=31536000" in client.get(href).headers["Cache-Control"]
    assert client.get("/static/css/app.css").headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("code", [400, 403, 404, 413, 429, 500])
@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("cy", "ltr"), ("ar", "rtl")])
def test_error_pages_are_kind_translated_and_reveal_nothing(database_url, code, language, direction):
    app = create_app({"APP_ENV": "test", "DATABASE_URL": database_url, "SECRET_KEY": "x" * 40})

    @app.get("/boom")
    def boom():
        if code == 500:
            raise RuntimeError("secret internal detail /srv/app/db.py line 12")
        abort(code)

    client = app.test_client()
    client.set_cookie("lang", language)
    response = client.get("/boom")
    assert response.status_code == code
    body = response.get_data(as_text=True)
    assert f'lang="{language}" dir="{direction}"' in body
    assert "secret internal detail" not in body and "Traceback" not in body
    assert "<h1>" in body
    if language != "en":
        english = app.test_client().get("/boom").get_data(as_text=True)
        assert english.split("<h1>")[1].split("</h1>")[0] != body.split("<h1>")[1].split("</h1>")[0]
    app.extensions["db"].dispose()


def test_production_refuses_unsafe_settings():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"APP_ENV": "production", "BASE_URL": "https://links.example.org"})
    with pytest.raises(ConfigError, match="debug"):
        create_app(
            {
                "APP_ENV": "production",
                "SECRET_KEY": "s" * 40,
                "DEBUG": True,
                "BASE_URL": "https://links.example.org",
            }
        )
    with pytest.raises(ConfigError, match="https"):
        create_app({"APP_ENV": "production", "SECRET_KEY": "s" * 40, "BASE_URL": "http://links.example.org"})


def test_production_uses_host_prefixed_secure_cookies(tmp_path):
    from app.config import from_environment

    config = from_environment(
        {
            "APP_ENV": "production",
            "SECRET_KEY": "s" * 40,
            "BASE_URL": "https://links.example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path}/p.db",
        }
    )
    assert config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_DURATION"].days <= 14
    app = create_app(config)
    app.extensions["db"].dispose()
    assert app.config["RP_ID"] == "links.example.org"


def test_postgres_urls_use_psycopg_3():
    from app.config import normalise_database_url

    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_script_requests_get_errors_as_json_in_the_readers_language(client):
    client.set_cookie("lang", "cy")
    response = client.post("/sign-in/options", headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.is_json
    assert response.get_json()["error"] and "This page was open" not in response.get_json()["error"]
    page = client.post("/sign-in/options")
    assert page.mimetype == "text/html"
