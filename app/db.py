"""The database engine and the request-scoped session.

SQLite is set up as ENGINEERING.md measured it to lose nothing under concurrent writers: WAL,
``synchronous=FULL``, foreign keys, a busy timeout, and ``BEGIN IMMEDIATE`` so a transaction takes the
write lock up front instead of failing when it upgrades from reading to writing. GET requests read
with a plain (deferred) BEGIN so pages never wait for the write lock; the few writes a GET makes go
through ``db.writing()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, scoped_session

READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=15000",
)


def make_engine(url: str, **options) -> Engine:
    """Create an engine with the settings each backend needs."""
    if url.startswith("sqlite"):
        # The driver must not open transactions itself, so that the "begin" hook below decides how.
        engine = create_engine(url, connect_args={"isolation_level": None, "timeout": 15}, **options)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, **options)


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _sqlite_on_begin(connection) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    if mode not in ("IMMEDIATE", "DEFERRED", "EXCLUSIVE"):
        raise ValueError(f"unknown sqlite_begin mode {mode!r}")
    connection.exec_driver_sql(f"BEGIN {mode}")


def _app_context_key() -> int:
    # One session per application context (one per request, one per CLI command).
    return id(g._get_current_object())


class Database:
    """Gives each Flask app its own engine and a session scoped to the application context.

    Domain code flushes; the view (or CLI command) commits once at the end, and the session is
    removed at teardown so an uncommitted transaction is rolled back.
    """

    def __init__(self) -> None:
        self.session: scoped_session[Session] = scoped_session(self._new_session, scopefunc=_app_context_key)

    def init_app(self, app: Flask, engine_factory: Callable[[str], Engine] = make_engine) -> None:
        app.extensions["db"] = engine_factory(app.config["DATABASE_URL"])
        app.teardown_appcontext(self._remove)

    @staticmethod
    def _new_session() -> Session:
        engine = current_app.extensions["db"]
        if has_request_context() and request.method in READING_METHODS:
            # Pages that only read must not queue behind writers for SQLite's write lock.
            engine = engine.execution_options(sqlite_begin="DEFERRED")
        return Session(bind=engine, expire_on_commit=False)

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A short write transaction of its own (BEGIN IMMEDIATE on SQLite), committed at the end.

        For the few writes a GET makes (e.g. "last seen"): the request's own read transaction is
        ended first, because SQLite cannot safely upgrade a deferred read to a write under load.
        """
        self.session.commit()
        with Session(bind=current_app.extensions["db"], expire_on_commit=False) as writer:
            yield writer
            writer.commit()

    def _remove(self, _exc: BaseException | None = None) -> None:
        self.session.remove()

    @property
    def engine(self) -> Engine:
        return current_app.extensions["db"]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"
