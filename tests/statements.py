"""A page reads once what it shows: at most 20 SQL statements for a warm signed-in user, none issued
twice with the same parameters (issue 17). Counts only: timings live in bench/pages.py."""

from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.screens import page

MOST_STATEMENTS = 20


def statements(client, url: str) -> list[tuple[str, tuple]]:
    """The SQL and parameters of one warm request (the first fills the session and the caches)."""
    page(client.get(url))
    with CaptureQueriesContext(connection) as queries:
        html = page(client.get(url))
    return html, [q["sql"] for q in queries.captured_queries]


def assert_reads_once(client, url: str) -> str:
    """The page's HTML, after checking what it cost (the SQL as logged carries its parameters)."""
    html, sql = statements(client, url)
    repeated = [s for s, n in Counter(sql).items() if n > 1]
    assert len(sql) <= MOST_STATEMENTS, f"{len(sql)} statements:\n" + "\n".join(sql)
    assert not repeated, "issued more than once:\n" + "\n".join(repeated)
    return html
