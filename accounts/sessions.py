"""Django's database sessions, read with written SQL (accounts/sql.py): the session is the first
thing every signed-in request reads. Written, expired and deleted exactly as Django's store does.

settings.SESSION_ENGINE = "accounts.sessions"."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session

from accounts.sql import live_session


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        session = live_session(self.session_key) if self.session_key else None
        if session is None:
            self._session_key = None  # as Django's store: a new key if anything is written
        return session
