"""Every django-fsm transition of the case, the referral and the guardianship matter is reachable
only through the one engine (cases.transitions): the services name it to the engine, nothing
else calls the transition method, and called on an instance outside the engine it refuses."""

import ast
import pathlib

import pytest
from django.db import models
from django_fsm import FSMField, TransitionNotAllowed

from cases.models import Case
from cases.models.fsm import THROUGH_ENGINE
from guardianship.models import GuardianshipMatter
from referrals.models import Referral

ROOT = pathlib.Path(__file__).resolve().parent.parent
MACHINES = (Case, Referral, GuardianshipMatter)
ENGINE = ROOT / "cases" / "transitions.py"
# Where the use cases live: every transition is named to the engine by one of them.
SERVICES = [
    *sorted((ROOT / "cases" / "services").glob("*.py")),
    ROOT / "referrals" / "services.py",
    ROOT / "guardianship" / "services.py",
]
APPS = ("accounts", "privacy", "audit", "cases", "referrals", "guardianship", "config")


def transitions_of(model: type[models.Model]) -> dict[str, object]:
    """Every transition of every FSMField of the model: name → its django-fsm Transition."""
    found = {}
    for field in model._meta.fields:
        if isinstance(field, FSMField):
            for each in getattr(model(), f"get_all_{field.name}_transitions")():
                found[each.name] = each
    return found


ALL = [(model, name) for model in MACHINES for name in sorted(transitions_of(model))]


def test_the_machines_have_their_transitions():
    counts = {model.__name__: len(transitions_of(model)) for model in MACHINES}
    assert counts == {"Case": 9, "Referral": 8, "GuardianshipMatter": 10}


def direct_calls(source: str, names: set[str], signals: set[str]) -> list[str]:
    """``<something>.<transition>(…)`` calls in the source on what may be a record: not a signal's
    ``send``, nor a function of a module or object the file imports (``services.close(…)``)."""
    tree = ast.parse(source)
    imported = {
        (alias.asname or alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    } - {model.__name__ for model in MACHINES}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in names:
            receiver = node.func.value
            if isinstance(receiver, ast.Call):  # e.g. EmailMessage(…).send(), but not Case(…).close()
                receiver = receiver.func
                if isinstance(receiver, ast.Name) and receiver.id in imported:
                    continue
            if isinstance(receiver, ast.Name) and receiver.id in imported | signals:
                continue
            if isinstance(receiver, ast.Attribute) and receiver.attr in signals:
                continue
            found.append(f"{node.lineno}: .{node.func.attr}(")
    return found


def signal_names() -> set[str]:
    """Names bound to django Signals anywhere in our apps (their ``send`` shares a transition's name)."""
    names = set()
    for path in our_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and getattr(node.value.func, "id", getattr(node.value.func, "attr", "")) == "Signal"
            ):
                names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return names


def our_modules() -> list[pathlib.Path]:
    return [
        path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and path != ENGINE
    ]


def test_nothing_but_the_engine_calls_a_transition_method():
    names = {name for _model, name in ALL}
    signals = signal_names()
    assert {"case_ended", "case_decided"} <= signals  # the scan knows what a signal is
    violations = {
        str(path.relative_to(ROOT)): found
        for path in our_modules()
        if (found := direct_calls(path.read_text(encoding="utf-8"), names, signals))
    }
    assert not violations, f"transition methods called outside cases/transitions.py: {violations}"


def test_the_scan_sees_a_direct_call():
    source = (
        "from cases.services import lifecycle\nfrom cases.models import Case\n"
        "def close(case, pk):\n"
        "    lifecycle.close(actor=None, case=case, expected_version=1)\n"
        "    signals.case_ended.send(sender=None)\n"
        "    case.close()\n"
        "    Case.objects.get(pk=pk).close()\n"
    )
    assert direct_calls(source, {"close", "send"}, {"case_ended"}) == ["6: .close(", "7: .close("]


def names_given_to_the_engine() -> set[str]:
    """String constants in the services: the names they hand the engine (``name="close"``, or the
    name argument of a service's own wrapper of the engine)."""
    given = set()
    for path in SERVICES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                given.add(node.value)
    return given


@pytest.mark.parametrize(("model", "name"), ALL, ids=[f"{m.__name__}.{n}" for m, n in ALL])
def test_each_transition_is_named_to_the_engine_and_refuses_outside_it(model, name):
    assert name in names_given_to_the_engine(), f"no service hands {model.__name__}.{name} to the engine"
    transition = transitions_of(model)[name]
    assert transition.conditions == THROUGH_ENGINE, f"{model.__name__}.{name} lacks the engine's condition"
    instance = model(state=transition.source if transition.source != "*" else model().state)
    method = getattr(instance, name)
    arguments = ("closed",) if name in ("decide", "conclude") else ()
    with pytest.raises(TransitionNotAllowed):
        method(*arguments)
    assert instance.state == transition.source
