class BackupError(Exception):
    """A backup or restore refused or failed; the message says why and what to do (no personal data)."""
