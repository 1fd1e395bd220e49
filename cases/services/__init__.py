"""Every write on persons and cases, one function per use case (see docs/architecture.md).

Each service checks the actor's permission before its transaction (a refusal is recorded in the
audit trail in a transaction of its own), then locks what it changes, writes, and records the
audit event in the same transaction as the change.
"""
