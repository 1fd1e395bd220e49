"""What the code and the docs cite is in the repository: every `docs/<page>.md "<Heading>"` names a
page and a heading that exist, and nothing cites the design document kept outside the repository."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", ".git", "node_modules", "var", "static", "locale"}
SUFFIXES = {".py", ".md", ".html", ".txt"}

# `docs/<page>.md "<Heading>"`, with or without a comma between, and across a line break (a
# comment's "# " included).
CITATION = re.compile(r'docs/([\w-]+\.md),?[\s#]*"([^"\n]+)"')
HEADING = re.compile(r"^#+\s+(.+?)\s*$", re.MULTILINE)


def _sources() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*")
        if path.suffix in SUFFIXES
        and path.is_file()
        and not SKIPPED.intersection(path.relative_to(ROOT).parts)
    ]


def _headings(page: Path) -> set[str]:
    return set(HEADING.findall(page.read_text(encoding="utf-8")))


def _names(cited: str, headings: set[str]) -> bool:
    """A citation may leave out what a heading adds in brackets: "A matter" names
    "A matter (`guardianship/models.py`)"."""
    return any(heading == cited or heading.startswith(f"{cited} (") for heading in headings)


def test_every_cited_heading_exists():
    broken = []
    cited = 0
    for path in _sources():
        for page, heading in CITATION.findall(path.read_text(encoding="utf-8")):
            cited += 1
            target = ROOT / "docs" / page
            if not target.exists() or not _names(heading, _headings(target)):
                broken.append(f'{path.relative_to(ROOT)}: docs/{page} "{heading}"')
    assert cited > 20  # the scan finds the citations it is meant to check
    assert not broken, "citations of a missing page or heading:\n" + "\n".join(broken)


def test_nothing_cites_the_design_outside_the_repository():
    outside = [
        str(path.relative_to(ROOT))
        for path in _sources()
        if path != Path(__file__).resolve() and "DESIGN.md" in path.read_text(encoding="utf-8")
    ]
    assert not outside, f"cite the repository's docs (docs/design.md …) instead: {outside}"
