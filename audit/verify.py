"""Walking the chain: streaming, constant memory, the first broken link with its kind and place."""

import json
import multiprocessing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management.base import CommandError
from django.db import connections
from django.db.models import Max

from audit import chain, sql
from audit.checkpoints import checkpoint_message, signing_key
from audit.models import AuditCheckpoint, AuditEvent


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

    @classmethod
    def parse(cls, text: str) -> "Statement":
        """A statement as audit_checkpoint printed it; ValueError when it is not one."""
        try:
            data = json.loads(text)
            return cls(int(data["sequence"]), str(data["hash"]), str(data["signature"]))
        except (ValueError, KeyError, TypeError):
            raise ValueError("--statement must be the JSON printed by audit_checkpoint.") from None


def statement_argument(parser) -> None:
    """The --statement option of the commands that verify the chain (audit_verify, restore)."""
    parser.add_argument(
        "--statement",
        action="append",
        default=[],
        metavar="JSON",
        help="A signed head kept outside the database (as printed by audit_checkpoint); repeatable.",
    )


def parse_statements(texts: list[str]) -> list[Statement]:
    """--statement's texts for a command; a CommandError saying what is expected otherwise."""
    try:
        return [Statement.parse(text) for text in texts]
    except ValueError as error:
        raise CommandError(str(error)) from None


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


@dataclass
class _Stretch:
    """What one walker found over the sequences first..last."""

    events: int = 0
    last: int = 0
    problem: Problem | None = None


def _walk(first: int, last: int, signed: dict[int, str], batch: int, progress=None) -> _Stretch:
    """Check every event with first <= sequence <= last, and its links to its neighbours."""
    # Row layout: version, the canonical columns (sequence first), prev_hash, hash.
    prev_at = len(chain.CANONICAL_COLUMNS) + 1
    hash_at = prev_at + 1
    link, encode = chain.link, chain.encode
    # No transaction: on SQLite every transaction here begins IMMEDIATE, taking the write lock, and
    # parallel walkers would queue on it. A single SELECT reads one consistent snapshot anyway.
    before = sql.preceding(first)
    previous_sequence, previous_hash = before[0] if before else (0, chain.GENESIS)
    before_previous_hash = before[1][1] if len(before) > 1 else None
    events, problem = 0, None
    for row, following in sql.events_from(first, batch):
        sequence, prev_hash, stored_hash = row[1], row[prev_at], row[hash_at]
        if sequence > last:
            break
        if sequence != previous_sequence + 1:
            expected = previous_sequence + 1
            problem = Problem(expected, "missing", f"events {expected}–{sequence - 1} are not in the table")
        elif prev_hash != previous_hash:
            if following is not None and prev_hash == following[hash_at]:
                problem = Problem(sequence, "reordered", "it links to the event stored after it")
            elif before_previous_hash is not None and prev_hash == before_previous_hash:
                problem = Problem(previous_sequence, "inserted", "the event after it links past it")
            else:
                problem = Problem(sequence, "changed", "its link to the previous event was altered")
        elif link(prev_hash, encode(row[:prev_at])) != stored_hash:
            problem = Problem(sequence, "changed", "its content no longer matches its hash")
        elif sequence in signed and signed[sequence] != stored_hash:
            problem = Problem(sequence, "rewritten", "the chain differs from the signed checkpoint here")
        if problem:
            break
        events += 1
        before_previous_hash, previous_sequence, previous_hash = previous_hash, sequence, stored_hash
        if progress and events % 100_000 == 0:
            progress(events)
    return _Stretch(events=events, last=previous_sequence, problem=problem)


def _walk_in_child(arguments: tuple) -> _Stretch:
    connections.close_all()  # never share the parent's connection across fork
    try:
        return _walk(*arguments)
    finally:
        connections.close_all()


def verify_chain(
    *,
    statements: Iterable[Statement] = (),
    batch: int = 5000,
    workers: int = 1,
    min_stretch: int = 10_000,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Check signatures, then walk the chain. With workers > 1, stretches of it are walked in
    parallel processes (each also checks its links into the stretch before it); the first
    problem of the chain is the one with the lowest sequence."""
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

    head = AuditEvent.objects.aggregate(head=Max("sequence"))["head"] or 0
    if workers > 1 and head >= workers * min_stretch:
        size = -(-head // workers)
        stretches_args = [(1 + i * size, min(head, (i + 1) * size), signed, batch) for i in range(workers)]
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            stretches = pool.map(_walk_in_child, stretches_args)
    else:
        stretches = [_walk(1, head, signed, batch, progress)]
    problems = [s.problem for s in stretches if s.problem]
    if problems:
        report.problem = min(problems, key=lambda p: p.sequence)
        return report
    report.events = sum(s.events for s in stretches)
    report.head = stretches[-1].last if stretches else 0
    beyond = [s for s in signed if s > report.head]
    if beyond:
        report.problem = Problem(
            report.head + 1, "missing", f"a checkpoint was signed at {max(beyond)} but the chain ends earlier"
        )
    return report
