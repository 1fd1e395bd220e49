"""Who is acting: the signed-in user of the current request, or the actor a service was given.

Administrative changes are audited from model signals (audit/administration.py), which do not
know the request. The audit middleware sets the request's user here; a service or command that
acts on someone's behalf wraps its writes in ``acting_as(actor)``. Without either the actor is
None (an operator on the command line).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_acting: ContextVar = ContextVar("tsunagu_acting_user", default=None)


def current_actor():
    """The acting user, or None (no request, or nobody signed in)."""
    user = _acting.get()
    if user is None or not user.is_authenticated:
        return None
    return user


@contextmanager
def acting_as(user) -> Iterator[None]:
    """Within this block, changes are made by ``user`` (None: leave the current actor in place)."""
    if user is None:
        yield
        return
    token = _acting.set(user)
    try:
        yield
    finally:
        _acting.reset(token)
