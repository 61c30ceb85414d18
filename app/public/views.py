from __future__ import annotations

from flask import current_app, make_response, render_template, request, url_for
from flask_babel import gettext as _

from app.public import bp
from app.web import assets, htmx
from app.web.i18n import LANGUAGE_COOKIE, current_language, text_direction
from app.web.urls import safe_next

THEME_COLOUR = "#0b5e55"


@bp.get("/")
def start():
    return render_template("public/start.html")


@bp.get("/for-supporters")
def for_supporters():
    return render_template("public/for_supporters.html")


@bp.get("/for-staff")
def for_staff():
    return render_template("public/for_staff.html")


@bp.post("/language")
def choose_language():
    language = request.form.get("language", "")
    response = htmx.redirect(safe_next(request.form.get("next"), url_for("public.start")))
    if language in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=60 * 60 * 24 * 365,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    return response


@bp.get("/offline")
def offline():
    return render_template("public/offline.html")


@bp.get("/manifest.webmanifest")
def manifest():
    icon = lambda name, size, purpose: {  # noqa: E731
        "src": url_for("static", filename=f"icons/{name}"),
        "sizes": f"{size}x{size}",
        "type": "image/png",
        "purpose": purpose,
    }
    body = {
        "id": "/",
        "name": "Lifelong Links",
        "short_name": "Lifelong Links",
        "description": _("The people who matter to you, and what they promised."),
        "lang": current_language(),
        "dir": text_direction(),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            icon("icon-192.png", 192, "any"),
            icon("icon-512.png", 512, "any"),
            icon("icon-maskable-512.png", 512, "maskable"),
        ],
    }
    response = current_app.response_class(current_app.json.dumps(body), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Cookie")
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker lives at the site root so its scope is the whole app."""
    body = render_template(
        "public/sw.js",
        shell_urls=assets.shell_urls(),
        version=assets.shell_version(),
        offline_url=url_for("public.offline"),
    )
    response = make_response(body)
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response
