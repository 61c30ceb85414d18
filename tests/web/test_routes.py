"""Walks every route the app has. A new route must say here who may reach it, or this test fails.

Later issues extend ``ROUTES`` into the full access matrix (young person A/B, supporter of A/B,
staff of this and another council, anonymous).
"""

import pytest

from tests.helpers import count_queries

# endpoint -> (example URL, expected status for an anonymous visitor)
ROUTES = {
    "public.start": ("/", 200),
    "public.for_supporters": ("/for-supporters", 200),
    "public.for_staff": ("/for-staff", 200),
    "public.offline": ("/offline", 200),
    "public.manifest": ("/manifest.webmanifest", 200),
    "public.service_worker": ("/sw.js", 200),
    "public.choose_language": ("/language", 405),  # POST only
    "static": ("/static/css/app.css", 200),
}
MAX_QUERIES_PER_PAGE = 10


def test_every_route_has_an_access_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(ROUTES) == set(), "add the new route to ROUTES with who may reach it"
    assert set(ROUTES) - endpoints == set(), "ROUTES names a route that no longer exists"


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_answers_as_expected_within_the_query_budget(app, endpoint):
    url, expected = ROUTES[endpoint]
    client = app.test_client()
    with count_queries(app.extensions["db"]) as queries:
        response = client.get(url)
    assert response.status_code == expected
    assert queries.count <= MAX_QUERIES_PER_PAGE, queries.statements
