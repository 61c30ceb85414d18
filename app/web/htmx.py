"""htmx responses through one module: one URL, a full page or a fragment chosen by HX-Target.

Boosted and history-restore requests get the full page; redirects become HX-Redirect for htmx callers
so a sign-in page is never swapped into a fragment.
"""

from __future__ import annotations

import json

from flask import Response, make_response, render_template, request
from flask import redirect as flask_redirect


def wants_fragment(target: str) -> bool:
    """True only when htmx asked to swap this exact target (not boosted, not history restore)."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
        and headers.get("HX-Target") == target
    )


def render(page: str, fragment: str, target: str, **context) -> Response:
    template = fragment if wants_fragment(target) else page
    response = make_response(render_template(template, **context))
    response.vary.add("HX-Request")
    response.vary.add("HX-Target")
    return response


def redirect(location: str, code: int = 303) -> Response:
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return flask_redirect(location, code=code)


def trigger(response: Response, events: dict) -> Response:
    """Send events (with translated text) JSON-encoded, never as a raw header string."""
    response.headers["HX-Trigger"] = json.dumps(events, ensure_ascii=True)
    return response
