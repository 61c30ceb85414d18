"""Configuration read from the environment, with safe defaults for development.

Production mode (``APP_ENV=production``) refuses to start with a default secret, debug on, or a
base URL that is not HTTPS, because each of those would quietly weaken every young person's record.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-secret-never-use-in-production"  # noqa: S105 - refused in production below
LANGUAGES = {"en": "English", "cy": "Cymraeg", "ar": "العربية"}
RTL_LANGUAGES = frozenset({"ar"})
# The locale used for formatting: English dates and numbers are written the British way.
FORMAT_LOCALES = {"en": "en_GB"}


def format_locale(language: str) -> str:
    """The locale to format dates and numbers in, for a page or message in ``language``."""
    return FORMAT_LOCALES.get(language, language)


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the message says what to change."""


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way (``postgresql://``)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def from_environment(env: dict[str, str] | None = None) -> dict:
    """Build the Flask configuration mapping from environment variables."""
    env = dict(os.environ if env is None else env)
    mode = env.get("APP_ENV", "development")
    production = mode == "production"
    base_url = env.get("BASE_URL", "http://localhost:5000").rstrip("/")
    redis_url = env.get("REDIS_URL", "")
    default_db = f"sqlite:///{ROOT / 'instance' / 'lifelong-links.db'}"
    return {
        "APP_ENV": mode,
        "DEBUG": env.get("FLASK_DEBUG", "0") == "1",
        "TESTING": mode == "test",
        "SECRET_KEY": env.get("SECRET_KEY", DEV_SECRET),
        "DATABASE_URL": normalise_database_url(env.get("DATABASE_URL", default_db)),
        "BASE_URL": base_url,
        "RP_ID": env.get("RP_ID", urlsplit(base_url).hostname or "localhost"),
        "RP_NAME": env.get("RP_NAME", "Lifelong Links"),
        "SMTP_URL": env.get("SMTP_URL", "smtp://127.0.0.1:8025"),
        "MAIL_FROM": env.get("MAIL_FROM", "Lifelong Links <no-reply@localhost>"),
        "REDIS_URL": redis_url,
        "PROXY_HOPS": int(env.get("PROXY_HOPS", "0")),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": False,
        # Several apps (or test runs) may share one Redis: each keeps its own counters.
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "lifelong-links"),
        "RATE_LIMIT_SIGN_IN": env.get("RATE_LIMIT_SIGN_IN", "30 per minute; 200 per hour"),
        "RATE_LIMIT_REFERRAL": env.get("RATE_LIMIT_REFERRAL", "20 per minute; 100 per hour"),
        "UPLOAD_DIR": env.get("UPLOAD_DIR", str(ROOT / "instance" / "uploads")),
        # Web push (reminders): unset keys turn notifications off. `VAPID_SUBJECT` defaults to MAIL_FROM.
        "VAPID_PUBLIC_KEY": env.get("VAPID_PUBLIC_KEY", ""),
        "VAPID_PRIVATE_KEY": env.get("VAPID_PRIVATE_KEY", ""),
        "VAPID_SUBJECT": env.get("VAPID_SUBJECT", ""),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", str(12 * 1024 * 1024))),
        # Sessions: the cookie only carries an id; revocation lives on the server (see the sign-in issue).
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "REMEMBER_COOKIE_NAME": "__Host-remember" if production else "remember",
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": 3600,
        "WTF_CSRF_SSL_STRICT": production,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Europe/London",
        # Flask-Babel resolves relative folders against app/, so give it the top-level one.
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "LANGUAGES": LANGUAGES,
        "SEND_FILE_MAX_AGE_DEFAULT": timedelta(days=365),
    }


def check_production(config: dict) -> None:
    """Refuse to run in production with settings that are only safe on a developer's machine."""
    if config.get("APP_ENV") != "production":
        return
    problems = []
    secret = config.get("SECRET_KEY") or ""
    if secret == DEV_SECRET or len(secret) < 32:
        problems.append("SECRET_KEY must be set to a random value of at least 32 characters")
    if config.get("DEBUG"):
        problems.append("debug mode must be off (unset FLASK_DEBUG)")
    if not str(config.get("BASE_URL", "")).startswith("https://"):
        problems.append("BASE_URL must start with https://")
    if problems:
        raise ConfigError("Refusing to start in production: " + "; ".join(problems) + ".")
