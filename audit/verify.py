"""Walking the chain: streaming, constant memory, the first broken link with its kind and place."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import connection, transaction

from audit import chain
from audit.models import AuditCheckpoint
from audit.services import checkpoint_message, signing_key

# The stored time as canonical text, computed by the database so that no row is parsed in Python.
_TIME_SQL = {
    "sqlite": (
        "replace(CASE WHEN length(occurred_at) = 19 THEN occurred_at || '.000000' "
        "ELSE substr(occurred_at, 1, 26) END, ' ', 'T') || 'Z'"
    ),
    "postgresql": "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
}


@dataclass(frozen=True)
class Problem:
    sequence: int
    kind: str  # changed | missing | inserted | reordered | rewritten | signature
    detail: str

    def __str__(self) -> str:
        return f"sequence {self.sequence}: {self.kind} — {self.detail}"


@dataclass
class Report:
    events: int = 0
    head: int = 0
    checkpoints: int = 0
    problem: Problem | None = None
    signed: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Statement:
    """A signed head, as kept outside the database by someone who checked it (audit_checkpoint)."""

    sequence: int
    hash: str
    signature: str
    public_key: str = ""


def _rows(batch: int) -> Iterator[tuple]:
    columns = [
        _TIME_SQL[connection.vendor] if column == "occurred_at" else column
        for column in chain.CANONICAL_COLUMNS
    ]
    sql = f"SELECT {', '.join(columns)}, prev_hash, hash FROM audit_auditevent ORDER BY sequence"  # noqa: S608
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(batch):
            yield from rows


def _with_next(rows: Iterable[tuple]) -> Iterator[tuple[tuple, tuple | None]]:
    iterator = iter(rows)
    current = next(iterator, None)
    while current is not None:
        following = next(iterator, None)
        yield current, following
        current = following


def _signature_problem(statement: Statement, public_key: Ed25519PublicKey) -> Problem | None:
    try:
        public_key.verify(
            bytes.fromhex(statement.signature), checkpoint_message(statement.sequence, statement.hash)
        )
    except (InvalidSignature, ValueError):
        return Problem(
            statement.sequence,
            "signature",
            "the checkpoint's signature does not verify with the keyring's key",
        )
    return None


def verify_chain(
    *,
    statements: Iterable[Statement] = (),
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> Report:
    report = Report()
    public_key = signing_key().public_key()
    signed: dict[int, str] = {}
    for item in [
        *(Statement(c.sequence, c.hash, c.signature) for c in AuditCheckpoint.objects.order_by("sequence")),
        *statements,
    ]:
        problem = _signature_problem(item, public_key)
        if problem:
            report.problem = problem
            return report
        signed[item.sequence] = item.hash
    report.checkpoints = len(signed)
    report.signed = sorted(signed)

    hash_at = len(chain.CANONICAL_COLUMNS) + 1
    previous_sequence, previous_hash, before_previous_hash = 0, chain.GENESIS, None
    with transaction.atomic():  # one snapshot; lets PostgreSQL stream through a server-side cursor
        for row, following in _with_next(_rows(batch)):
            sequence, prev_hash, stored_hash = row[0], row[hash_at - 1], row[hash_at]
            expected = previous_sequence + 1
            problem = None
            if sequence != expected:
                problem = Problem(
                    expected, "missing", f"events {expected}–{sequence - 1} are not in the table"
                )
            elif prev_hash != previous_hash:
                if following is not None and prev_hash == following[hash_at]:
                    problem = Problem(sequence, "reordered", "it links to the event stored after it")
                elif before_previous_hash is not None and prev_hash == before_previous_hash:
                    problem = Problem(previous_sequence, "inserted", "the event after it links past it")
                else:
                    problem = Problem(sequence, "changed", "its link to the previous event was altered")
            elif chain.link(prev_hash, chain.encode(row[: hash_at - 1])) != stored_hash:
                problem = Problem(sequence, "changed", "its content no longer matches its hash")
            elif sequence in signed and signed[sequence] != stored_hash:
                problem = Problem(sequence, "rewritten", "the chain differs from the signed checkpoint here")
            if problem:
                report.problem = problem
                return report
            report.events += 1
            before_previous_hash, previous_sequence, previous_hash = previous_hash, sequence, stored_hash
            if progress and report.events % 100_000 == 0:
                progress(report.events)
    report.head = previous_sequence
    beyond = [s for s in signed if s > previous_sequence]
    if beyond:
        report.problem = Problem(
            previous_sequence + 1,
            "missing",
            f"a checkpoint was signed at {max(beyond)} but the chain ends earlier",
        )
    return report
