"""A page reads once what it shows: at most 20 SQL statements for a warm signed-in user, none issued
twice with the same parameters (issue 17); and how many times PostgreSQL was waited for. Counts
only: timings live in bench/pages.py."""

from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.screens import page

MOST_STATEMENTS = 20
# Transaction control asks nothing (and PostgreSQL's driver does not even log it).
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def statements(client, url: str, method: str = "get", data: dict | None = None) -> tuple[str, list[str]]:
    """The HTML and the SQL (as logged: with its parameters) of one warm request; the first request
    fills the session and the per-process caches."""
    page(getattr(client, method)(url, data or {}))
    with CaptureQueriesContext(connection) as queries:
        html = page(getattr(client, method)(url, data or {}))
    return html, [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)]


def assert_reads_once(client, url: str, method: str = "get", data: dict | None = None) -> str:
    """The page's HTML, after checking what it cost."""
    html, sql = statements(client, url, method, data)
    repeated = [s for s, n in Counter(sql).items() if n > 1]
    assert len(sql) <= MOST_STATEMENTS, f"{url}: {len(sql)} statements:\n" + "\n".join(sql)
    assert not repeated, f"{url} issued more than once:\n" + "\n".join(repeated)
    return html


def round_trips(run) -> int:
    """How many times the client waited for PostgreSQL while ``run`` ran: the server's
    ReadyForQuery messages in libpq's trace of the connection's protocol."""
    import tempfile

    from django.db import connection
    from psycopg import pq

    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    with tempfile.TemporaryFile() as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            run()
        finally:
            pgconn.untrace()
        trace.seek(0)
        return sum("\tReadyForQuery\t" in line for line in trace.read().decode(errors="replace").splitlines())
