"""The public pages as a person reaches them: start page, ways in, offline page, language switch."""

import pytest

from tests.conftest import sign_in
from tests.helpers import count_queries

PUBLIC_PAGES = ["public.start", "public.for_supporters", "public.for_staff", "public.offline"]


@pytest.mark.parametrize("endpoint", PUBLIC_PAGES)
def test_public_page_renders_as_a_full_accessible_page(client, endpoint):
    soup = client.get_page(endpoint)
    assert soup.find("a", class_="skip-link")["href"] == "#main"
    assert soup.find("header") and soup.find("main") and soup.find("footer")
    assert soup.select_one("form.language-switch")


def test_start_page_welcomes_young_people_and_shows_ways_in(client):
    soup = client.get_page("public.start")
    text = soup.get_text(" ", strip=True)
    assert "This app is yours" in text
    links = {a["href"] for a in soup.find_all("a")}
    assert client.url("public.for_supporters") in links
    assert client.url("public.for_staff") in links


def test_language_switch_changes_language_and_direction(client):
    soup = client.get_page("public.start")
    response = client.submit(soup, "form.language-switch", {"language": "ar", "next": "/for-staff"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/for-staff"
    soup = client.get_page("public.for_staff")
    html = soup.find("html")
    assert (html["lang"], html["dir"]) == ("ar", "rtl")
    assert soup.find("h1").get_text(strip=True) != "For council staff"

    response = client.submit(soup, "form.language-switch", {"language": "cy", "next": "/"})
    soup = client.get_page("public.start")
    assert (soup.find("html")["lang"], soup.find("html")["dir"]) == ("cy", "ltr")


def test_language_switch_only_redirects_within_the_site(client):
    soup = client.get_page("public.start")
    for hostile in ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]:
        response = client.submit(soup, "form.language-switch", {"language": "cy", "next": hostile})
        assert response.headers["Location"] == "/"


def test_unknown_language_is_ignored(client):
    soup = client.get_page("public.start")
    response = client.submit(soup, "form.language-switch", {"language": "xx"})
    assert "lang=" not in response.headers.get("Set-Cookie", "")


def test_browser_language_is_used_when_nothing_was_chosen(client):
    soup = client.get_page("public.start", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    assert soup.find("html")["lang"] == "cy"
    soup = client.get_page("public.start", headers={"Accept-Language": "fr-FR"})
    assert soup.find("html")["lang"] == "en"


def test_account_language_wins_over_browser_and_cookie(app, client, db_session, young_person_account):
    young_person_account.language = "ar"
    db_session.commit()
    sign_in(client, young_person_account)
    client.set_cookie("lang", "cy")
    soup = client.get_page("public.start", headers={"Accept-Language": "en"})
    assert soup.find("html")["dir"] == "rtl"


def test_language_post_without_csrf_token_is_refused_kindly(client):
    response = client.post("/language", data={"language": "cy"})
    assert response.status_code == 400
    assert b"This page was open for a long time" in response.data


@pytest.mark.parametrize("endpoint", PUBLIC_PAGES)
def test_public_pages_need_no_database_queries(app, client, endpoint):
    with count_queries(app.extensions["db"]) as queries:
        client.get_page(endpoint)
    assert queries.count == 0


def test_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    for key in ("id", "name", "short_name", "start_url", "scope", "theme_color", "background_color"):
        assert manifest[key]
    assert manifest["display"] == "standalone"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == "image/png"
        assert image.data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(image.data[16:20], "big"), int.from_bytes(image.data[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]


def test_service_worker_precaches_shell_and_offline_page(client):
    response = client.get("/sw.js")
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    assert '"/offline"' in body
    assert "/static/vendor/htmx.min.js?v=" in body
    assert "/static/css/app.css?v=" in body
    # Every precached URL must exist, or installing the worker fails.
    for url in ("/static/css/app.css", "/static/js/app.js", "/static/vendor/htmx.min.js"):
        assert client.get(url).status_code == 200
