"""Walk the audit chain and check its signed checkpoints. Exit 0 when intact, 1 at the first break."""

import os

from django.core.management.base import BaseCommand

from accounts.joblock import run_scheduled
from audit.verify import Statement, parse_statements, statement_argument, verify_chain


class Command(BaseCommand):
    help = "監査記録のハッシュの連鎖と署名を検証します。最初の不整合の連番と種類を示し、0 以外で終了します。"

    def add_arguments(self, parser) -> None:
        statement_argument(parser)
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes walking stretches of the chain in parallel (default: one per CPU).",
        )

    def handle(self, *args, statement: list[str], workers: int, **options) -> None:
        statements = parse_statements(statement)
        run_scheduled(self, "audit_verify", lambda: self.verify(statements, workers))

    def verify(self, statements: list[Statement], workers: int) -> str:
        report = verify_chain(
            statements=statements,
            workers=max(workers, 1),
            progress=lambda n: self.stderr.write(f"  {n:,} events verified…"),
        )
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Audit chain intact: {report.events:,} events up to #{report.head}, "
                    f"{report.checkpoints} signed checkpoint(s) verified."
                )
            )
            return f"intact up to #{report.head}."
        self.stderr.write(self.style.ERROR(f"Audit chain BROKEN at {report.problem}"))
        raise SystemExit(1)
