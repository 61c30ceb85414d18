"""The Lifelong Links app: ``create_app()`` builds it from the environment plus any overrides."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from app.config import check_production, from_environment


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides what the environment says (tests pass their own)."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_mapping(from_environment())
    if config:
        app.config.from_mapping(config)
    check_production(app.config)

    from app.extensions import babel, csrf, db, htmx, limiter, login_manager
    from app.web import i18n

    db.init_app(app)
    from app.web.photo_view import allow_photo_uploads

    allow_photo_uploads(app)  # before CSRF protection, which reads the form first
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_language, timezone_selector=i18n.select_timezone)
    login_manager.init_app(app)
    # Flask-Login's "strong" mode ties a session to the IP address, which signs phones out whenever
    # they move between Wi-Fi and mobile data. Sessions are revoked on the server instead.
    login_manager.session_protection = None

    from app.web import assets, errors, log_redaction, security

    log_redaction.install()
    i18n.init_app(app)
    assets.init_app(app)
    security.init_app(app)
    errors.init_app(app)

    from app.auth import bp as auth_bp
    from app.auth import web_session
    from app.public import bp as public_bp
    from app.staff import bp as staff_bp
    from app.supporters import bp as supporters_bp
    from app.web.photo_view import bp as photos_bp
    from app.youth import bp as youth_bp
    from app.youth.self_referral import bp as refer_bp

    web_session.init_app(app)
    for blueprint in (public_bp, auth_bp, refer_bp, youth_bp, supporters_bp, staff_bp, photos_bp):
        app.register_blueprint(blueprint)

    from app import book_text, book_words

    # A page of the journey book reads the same everywhere: when it happened, what it is, its words.
    app.add_template_global(book_words.when, "entry_when")
    app.add_template_global(book_words.kind_label, "entry_kind")
    app.add_template_filter(book_text.render, "book_text")

    from app import cli

    cli.init_app(app)
    if app.config.get("PROXY_HOPS"):
        # Behind a load balancer: trust its X-Forwarded-* headers (for rate limits and HTTPS).
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app
