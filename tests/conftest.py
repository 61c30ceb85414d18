"""Fixtures shared by every layer: the app on each database backend, sessions, clients, accounts.

Every test that uses ``app`` runs on SQLite and, when ``TEST_DATABASE_URL`` is set, on PostgreSQL too.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app import create_app
from app.db import make_engine
from app.extensions import db as database
from app.i18n_build import compile_catalogues
from app.migrate import upgrade
from app.models import Base, Role
from tests import factories
from tests.helpers import PageClient

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def pytest_sessionstart(session):
    # Tests read real translated text, so the catalogues are built from the committed .po files.
    compile_catalogues()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite file made once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # closing the last connection checkpoints the WAL into the file
    return path


@pytest.fixture(scope="session")
def pg_schema_url():
    """A PostgreSQL schema of our own for this test run, migrated once and dropped at the end."""
    from app.config import normalise_database_url

    schema = f"t_{uuid.uuid4().hex[:12]}"
    base = normalise_database_url(PG_URL)
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base else "?"
    url = f"{base}{separator}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "app.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "APP_ENV": "test",
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "DATABASE_URL": database_url,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "BASE_URL": "http://127.0.0.1:5000",
            # Each test counts its own requests; the multi-process test uses Redis on purpose.
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    yield app
    engine = app.extensions["db"]
    if engine.dialect.name == "postgresql":
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def db_session(app):
    """A session of the test's own, outside any app context (so requests get their own ``g``).

    Tests commit what they make before making requests, like a view would, and call ``expire_all()``
    to see what requests have written since.
    """
    engine = app.extensions["db"].execution_options(sqlite_begin="DEFERRED")
    with TestSession(engine, expire_on_commit=False) as session:
        yield session


class TestSession(Session):
    def expire_all(self) -> None:
        # Also end the read transaction: on SQLite it would keep showing the data as it was.
        self.rollback()
        super().expire_all()


@pytest.fixture
def client(app) -> PageClient:
    return PageClient(app.test_client())


def sign_in(client, account, method: str = "passkey") -> None:
    """Give the test client a real server-side session for ``account``, as a sign-in would."""
    from app.domain.sessions import start_session
    from app.models import utcnow

    with client.application.app_context():
        token = start_session(database.session, database.session.merge(account), method, utcnow())
        database.session.commit()
    with client.session_transaction() as session:
        session["sid"] = token
        session["_user_id"] = account.public_id
        session["_fresh"] = True


# Fixtures commit what they make: on SQLite an open write transaction in the test would make the
# app's own requests wait for the lock.


@pytest.fixture
def organisation(db_session):
    organisation = factories.organisation(db_session)
    db_session.commit()
    return organisation


@pytest.fixture
def other_organisation(db_session):
    organisation = factories.organisation(db_session, name="Northmoor Lifelong Links", slug="northmoor")
    db_session.commit()
    return organisation


def _account_fixture(role: Role):
    @pytest.fixture
    def fixture(db_session, organisation):
        account = factories.account(db_session, role=role, organisation=organisation)
        db_session.commit()
        return account

    return fixture


young_person_account = _account_fixture(Role.YOUNG_PERSON)
supporter_account = _account_fixture(Role.SUPPORTER)
coordinator = _account_fixture(Role.COORDINATOR)
social_worker = _account_fixture(Role.SOCIAL_WORKER)
iro = _account_fixture(Role.IRO)
manager = _account_fixture(Role.MANAGER)
admin = _account_fixture(Role.ADMIN)
