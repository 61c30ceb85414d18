"""One URL, two renderings: a full page unless htmx asked for exactly this fragment."""

import json

import pytest
from jinja2 import ChoiceLoader, DictLoader

from app.web import htmx

PAGE = (
    '{% extends "base.html" %}{% block title %}Demo{% endblock %}{% block content %}<h1>Demo</h1>'
    '{% include "_demo_list.html" %}{% endblock %}'
)
FRAGMENT = '<ul id="demo-list"><li>{{ item }}</li></ul>'


@pytest.fixture
def htmx_app(app):
    app.jinja_loader = ChoiceLoader(
        [DictLoader({"_demo.html": PAGE, "_demo_list.html": FRAGMENT}), app.jinja_loader]
    )

    @app.get("/demo")
    def demo():
        return htmx.render("_demo.html", "_demo_list.html", target="demo-list", item="one")

    @app.post("/demo/go")
    def demo_go():
        return htmx.trigger(htmx.redirect("/"), {"notice": {"text": 'Saved "Nan"'}})

    app.config["WTF_CSRF_ENABLED"] = False
    return app


def test_plain_request_gets_the_full_page(htmx_app):
    response = htmx_app.test_client().get("/demo")
    assert b"<html" in response.data and b'id="demo-list"' in response.data
    assert {"HX-Request", "HX-Target"} <= set(response.vary)


def test_htmx_request_for_the_target_gets_the_fragment(htmx_app):
    response = htmx_app.test_client().get("/demo", headers={"HX-Request": "true", "HX-Target": "demo-list"})
    assert response.data.startswith(b'<ul id="demo-list">') and b"<html" not in response.data


@pytest.mark.parametrize(
    "headers",
    [
        {"HX-Request": "true", "HX-Boosted": "true", "HX-Target": "demo-list"},
        {"HX-Request": "true", "HX-History-Restore-Request": "true", "HX-Target": "demo-list"},
        {"HX-Request": "true", "HX-Target": "something-else"},
    ],
)
def test_boosted_history_and_other_targets_get_the_full_page(htmx_app, headers):
    response = htmx_app.test_client().get("/demo", headers=headers)
    assert b"<html" in response.data


def test_redirects_become_hx_redirect_for_htmx_callers(htmx_app):
    client = htmx_app.test_client()
    plain = client.post("/demo/go")
    assert plain.status_code == 303 and plain.headers["Location"] == "/"
    hx = client.post("/demo/go", headers={"HX-Request": "true"})
    assert hx.status_code == 204 and hx.headers["HX-Redirect"] == "/"
    assert json.loads(hx.headers["HX-Trigger"]) == {"notice": {"text": 'Saved "Nan"'}}
