"""What a municipality may set, as each app declares it (from its ``ready``, as apps register
their audit events): the app that uses a setting knows its codes and its default; this app keeps
the values, their versions and the page that edits them, and knows no feature.

A setting is one of three kinds: ``choices`` — which of the app's codes are offered, in the app's
order (labels stay the app's, so that a code reads the same on every screen and in every city);
``text`` — a short wording a municipality uses (e.g. who petitions: 区長申立て); ``number`` — a
whole number within bounds (e.g. the small-number threshold)."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Setting:
    key: str  # "<app>.<name>", ASCII: for the database and the audit trail
    label: str
    kind: str  # "choices", "text" or "number"
    default: object  # a list of codes, a text or a number; a callable for one read when asked
    help: str = ""
    choices: Callable[[], list[tuple[str, str]]] | None = None  # (code, label), for "choices"
    # "number": the smallest allowed; "choices": how many must be offered; "text": the shortest
    # (0: may be left empty)
    least: int = 0
    most: int = 0  # "number": the largest; "text": the longest

    def default_value(self) -> object:
        return self.default() if callable(self.default) else self.default


def offering(key: str, label: str, vocabulary: type, help: str = "") -> Setting:
    """A "choices" setting over an app's vocabulary (a TextChoices): every code offered by default."""
    return Setting(
        key,
        label,
        "choices",
        default=lambda: list(vocabulary.values),
        choices=lambda: list(vocabulary.choices),
        help=help,
    )


@dataclass
class Registry:
    settings: dict[str, Setting] = field(default_factory=dict)

    def register(self, *settings: Setting) -> None:
        for setting in settings:
            known = self.settings.get(setting.key)
            # ``ready`` may run twice (its callables are new objects each time): the same key and
            # kind is the same setting.
            if known is not None and known.kind != setting.kind:
                raise ValueError(f"setting {setting.key!r} is already registered as a {known.kind}")
            if setting.kind not in ("choices", "text", "number"):
                raise ValueError(f"setting {setting.key!r}: unknown kind {setting.kind!r}")
            self.settings[setting.key] = setting


SETTINGS = Registry()
register = SETTINGS.register
