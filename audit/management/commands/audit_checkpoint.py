"""Sign the head of the audit chain and print the statement for safekeeping outside the database."""

import json

from django.core.management.base import BaseCommand

from accounts.joblock import run_scheduled
from audit.checkpoints import sign_checkpoint


class Command(BaseCommand):
    help = "監査記録の最新の連番とハッシュに Ed25519 で署名し、外部保管用の文を出力します。"

    def handle(self, *args, **options) -> None:
        run_scheduled(self, "audit_checkpoint", self.sign, to_stderr=True)

    def sign(self) -> str:
        checkpoint = sign_checkpoint()
        if checkpoint is None:
            self.stderr.write("Nothing to sign: the chain is empty or its head is signed already.")
            return "nothing to sign."
        self.stdout.write(
            json.dumps(
                {
                    "sequence": checkpoint.sequence,
                    "hash": checkpoint.hash,
                    "signature": checkpoint.signature,
                    "public_key": checkpoint.public_key,
                    "signed_at": checkpoint.signed_at.isoformat(),
                }
            )
        )
        return f"signed the head #{checkpoint.sequence}."
