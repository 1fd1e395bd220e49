"""Dependencies point one way (docs/architecture.md): a lower app never imports a higher one."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = {"config", "accounts", "audit", "privacy", "cases", "referrals", "guardianship"}
FORBIDDEN = {
    "accounts": {"audit", "privacy", "cases", "referrals", "guardianship", "config"},
    "privacy": {"audit", "cases", "referrals", "guardianship", "config"},
    "audit": {"cases", "referrals", "guardianship", "config"},
    "cases": {"referrals", "guardianship", "config"},
    "referrals": {"guardianship", "config"},
    "guardianship": {"referrals", "config"},
}


def imported_apps(path: Path) -> set[str]:
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
    return found & OURS


def test_dependencies_point_one_way():
    violations = []
    for app, forbidden in FORBIDDEN.items():
        for path in sorted((ROOT / app).rglob("*.py")):
            bad = imported_apps(path) & forbidden
            if bad:
                violations.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert not violations, "\n".join(violations)


def test_the_checker_sees_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from cases.models import Case\nimport referrals.services\n", encoding="utf-8")
    assert imported_apps(sample) == {"cases", "referrals"}
