"""Test helpers: a page-reading client and a SQL query counter."""

from __future__ import annotations

import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

from bs4 import BeautifulSoup
from flask import url_for
from sqlalchemy import event


@dataclass
class QueryCount:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries(engine):
    """Count SQL statements sent by ``engine`` inside the block (BEGIN/COMMIT excluded)."""
    counted = QueryCount()

    def before_cursor_execute(_conn, _cursor, statement, *_args):
        if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|PRAGMA)", statement, re.IGNORECASE):
            counted.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield counted
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


class PageProblem(AssertionError):
    pass


def check_page(soup: BeautifulSoup) -> None:
    """What every full page must get right, whoever it is for."""
    html = soup.find("html")
    if html is None or not html.get("lang") or html.get("dir") not in ("ltr", "rtl"):
        raise PageProblem("<html> needs lang and dir")
    title = soup.find("title")
    if title is None or not title.get_text(strip=True):
        raise PageProblem("page has no title")
    if soup.find("main") is None or len(soup.find_all("h1")) != 1:
        raise PageProblem("page needs one <main> and exactly one <h1>")
    ids = Counter(tag["id"] for tag in soup.find_all(id=True))
    duplicates = [value for value, n in ids.items() if n > 1]
    if duplicates:
        raise PageProblem(f"duplicate ids: {duplicates}")
    for form in soup.find_all("form"):
        if form.get("method", "get").lower() == "post":
            if not form.get("action"):
                raise PageProblem("a POST form has no action")
            if form.find("input", attrs={"name": "csrf_token"}) is None:
                raise PageProblem(f"POST form to {form.get('action')} has no CSRF token")


class PageClient:
    """Wraps Flask's test client: fetch pages by endpoint and read them as a person would."""

    def __init__(self, client):
        self.client = client

    def __getattr__(self, name):
        return getattr(self.client, name)

    def url(self, endpoint: str, **values) -> str:
        with self.client.application.test_request_context():
            return url_for(endpoint, **values)

    def get_page(self, endpoint: str, expected_status: int = 200, headers=None, **values) -> BeautifulSoup:
        response = self.client.get(self.url(endpoint, **values), headers=headers or {})
        assert response.status_code == expected_status, (response.status_code, response.data[:500])
        soup = BeautifulSoup(response.data, "html.parser")
        check_page(soup)
        return soup

    def csrf_token(self, soup: BeautifulSoup) -> str:
        field_ = soup.find("input", attrs={"name": "csrf_token"})
        assert field_ is not None, "no CSRF token on the page"
        return field_["value"]

    def submit(self, soup: BeautifulSoup, form_selector: str, data: dict, headers=None):
        """POST the form found by ``form_selector`` with its hidden fields plus ``data``."""
        form = soup.select_one(form_selector)
        assert form is not None, f"no form matches {form_selector!r}"
        values = {
            field_["name"]: field_.get("value", "")
            for field_ in form.find_all("input", attrs={"type": "hidden"})
            if field_.get("name")
        }
        values.update(data)
        return self.client.post(form["action"], data=values, headers=headers or {})


def phone_of(app, account) -> PageClient:
    """A test client of its own (someone's own phone), signed in as ``account``."""
    from tests.conftest import sign_in  # conftest imports this module

    client = PageClient(app.test_client())
    sign_in(client, account)
    return client


def text(node) -> str:
    """The words of one part of a page ("" when it is not there)."""
    return node.get_text(" ", strip=True) if node is not None else ""
