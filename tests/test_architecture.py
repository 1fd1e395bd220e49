"""The layering of docs/architecture.md, checked on every package of ours, including ones added later.

1. Dependencies point one way: an app imports only apps of lower layers, never one of its own
   layer or above.
2. Views and API views are adapters: they never query a model or record an audit event. Pages
   read through selectors (which filter by the actor and record the read), writes go through
   services.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. Apps of one layer never import each other. A new app of ours must be placed here
# (and in docs/architecture.md) before the suite passes.
LAYERS: list[set[str]] = [
    {"accounts"},
    # notifications imports only accounts; cases and the features call it (never the other way).
    {"privacy", "notifications", "printing"},
    {"audit"},
    {"phones"},
    {"configuration"},
    {"cases"},
    {"referrals", "guardianship", "networks", "disaster", "backups"},
    {"api", "indicators", "onboarding"},
    # learning counts its register as the indicators count theirs (indicators.suppression).
    {"learning"},
    {"config"},
]
LAYER_OF = {app: index for index, layer in enumerate(LAYERS) for app in layer}
NOT_APPS = {"tests", "bench", "locale", "static", "templates", "var", "docs"}

# Calls that run a query: a manager, a queryset method, or Django's shortcuts.
QUERY_ATTRIBUTES = {
    "objects",
    "_default_manager",
    "_base_manager",
    "filter",
    "exclude",
    "select_related",
    "prefetch_related",
    "annotate",
    "aggregate",
    "values_list",
    "select_for_update",
    "exists",
    "raw",
    "only",
    "defer",
    "first",
    "last",
    "earliest",
    "latest",
    "in_bulk",
    "iterator",
}
QUERY_FUNCTIONS = {"get_object_or_404", "get_list_or_404"}
# Writing to the audit trail is the services' and selectors' job.
AUDIT_FUNCTIONS = {"record", "record_people_shown", "record_denial", "append", "new_event"}


def our_packages() -> set[str]:
    """Every top-level package of the repository that is code of ours (has an __init__.py or a
    settings module), whether or not it is listed in LAYERS yet."""
    return {
        path.name
        for path in ROOT.iterdir()
        if path.is_dir()
        and not path.name.startswith(".")
        and path.name not in NOT_APPS
        and (path / "__init__.py").exists()
    }


def imported_apps(path: Path, ours: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"import_module", "__import__"}:
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.add(node.args[0].value.split(".")[0])
    return found & ours


def layering_violations(root: Path, packages: set[str]) -> list[str]:
    violations = []
    for app in sorted(packages):
        if app not in LAYER_OF:
            violations.append(f"{app}: not placed in LAYERS (tests/test_architecture.py, docs)")
            continue
        for path in sorted((root / app).rglob("*.py")):
            bad = {
                other
                for other in imported_apps(path, packages)
                if other != app and LAYER_OF.get(other, len(LAYERS)) >= LAYER_OF[app]
            }
            if bad:
                violations.append(f"{path.relative_to(root)} imports {sorted(bad)}")
    return violations


def is_view_module(path: Path) -> bool:
    """An app's views.py or api.py, or a module of its views/ or api/ package (the app named api
    has its services and models beside its views, as every app)."""
    in_package = path.parent.name in {"views", "api"} and path.parent.parent != ROOT
    return path.stem in {"views", "api"} or in_package


def adapter_violations(path: Path) -> list[str]:
    """Where a view module queries a model or writes an audit event itself."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in {"audit.services", "audit.administration"}:
            found.append(f"{node.lineno}: imports {node.module}")
        elif isinstance(node, ast.ImportFrom) and node.module == "audit":
            if any(alias.name in {"services", "administration"} for alias in node.names):
                found.append(f"{node.lineno}: imports audit's services")
        elif isinstance(node, ast.Import) and any(a.name == "audit.services" for a in node.names):
            found.append(f"{node.lineno}: imports audit.services")
        elif isinstance(node, ast.Attribute) and node.attr in QUERY_ATTRIBUTES:
            found.append(f"{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in QUERY_FUNCTIONS:
                found.append(f"{node.lineno}: {name}()")
            elif name in AUDIT_FUNCTIONS and not isinstance(node.func, ast.Name) and name != "append":
                found.append(f"{node.lineno}: {name}()")
            elif name == "count" and isinstance(node.func, ast.Attribute) and not node.args:
                found.append(f"{node.lineno}: .count()")
    return found


def test_dependencies_point_one_way():
    violations = layering_violations(ROOT, our_packages())
    assert not violations, "\n".join(violations)


def test_views_are_adapters():
    violations = []
    for app in sorted(our_packages()):
        for path in sorted((ROOT / app).rglob("*.py")):
            if is_view_module(path):
                violations += [f"{path.relative_to(ROOT)}:{v}" for v in adapter_violations(path)]
    assert not violations, "Views read through selectors and write through services:\n" + "\n".join(
        violations
    )


def test_every_package_of_ours_is_checked():
    assert set(LAYER_OF) <= our_packages() | {"config"}
    assert {"accounts", "cases", "config"} <= our_packages()


# --- the checks catch what they are for ---------------------------------------------------------


def test_the_checker_sees_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from cases.models import Case\nimport referrals.services\n", encoding="utf-8")
    assert imported_apps(sample, {"cases", "referrals", "audit"}) == {"cases", "referrals"}


def test_an_app_added_later_is_checked(tmp_path):
    for name, text in {
        "cases": "",
        "reports": "from cases.models import Case\n",  # a new app nobody placed yet
        "audit": "import cases.models\n",  # a lower app importing a higher one
    }.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("", encoding="utf-8")
        (tmp_path / name / "models.py").write_text(text, encoding="utf-8")
    violations = layering_violations(tmp_path, {"cases", "reports", "audit"})
    assert any(v.startswith("reports: not placed") for v in violations)
    assert any("audit/models.py imports ['cases']" in v for v in violations)


def test_apps_of_one_layer_may_not_import_each_other(tmp_path):
    for name, text in {"referrals": "from guardianship import services\n", "guardianship": ""}.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "views.py").write_text(text, encoding="utf-8")
    assert layering_violations(tmp_path, {"referrals", "guardianship"}) == [
        "referrals/views.py imports ['guardianship']"
    ]


@pytest.mark.parametrize(
    "source",
    [
        "from cases.models import Case\ndef v(r):\n    return Case.objects.get(pk=1)\n",
        "def v(r):\n    return r.user.memberships.filter(role='x')\n",
        "from django.shortcuts import get_object_or_404\ndef v(r):\n    return get_object_or_404(X, pk=1)\n",
        "from audit import services as audit\ndef v(r):\n    audit.record('case.viewed', actor=r.user)\n",
        "def v(r, qs):\n    return qs.exists()\n",
        "def v(r, qs):\n    return qs.count()\n",
    ],
)
def test_the_adapter_check_catches_a_view_that_reads_or_audits(tmp_path, source):
    sample = tmp_path / "views.py"
    sample.write_text(source, encoding="utf-8")
    assert adapter_violations(sample)


def test_the_adapter_check_lets_a_view_adapt(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text(
        "from cases import selectors\n"
        "def v(request, case_id):\n"
        "    page = selectors.case_page(request.user, case_id)\n"
        "    rows = []\n"
        "    rows.append(page)\n"
        "    return request.POST.get('x'), ['a'].count('a')\n",
        encoding="utf-8",
    )
    assert adapter_violations(sample) == []
