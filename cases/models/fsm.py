"""Transitions run only inside the engine (``cases.transitions``): every django-fsm transition of
the project's state machines — the case's, and those of the apps built on cases — carries
``THROUGH_ENGINE`` as its condition, which holds only while the engine calls the transition
method. Called any other way, a transition raises TransitionNotAllowed and changes nothing."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_engine_running: ContextVar[bool] = ContextVar("engine_running", default=False)


def _through_engine(instance) -> bool:
    return _engine_running.get()


# For ``@transition(…, conditions=THROUGH_ENGINE)``.
THROUGH_ENGINE = [_through_engine]


@contextmanager
def engine_running() -> Iterator[None]:
    """Only the engine opens this, around the one transition method it calls."""
    token = _engine_running.set(True)
    try:
        yield
    finally:
        _engine_running.reset(token)
