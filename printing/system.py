"""What WeasyPrint needs from the operating system, and how to say what is missing.

``python -m printing.system`` prints the Debian packages to install (and exits 1) when Pango or
the Japanese fonts are missing; ``make setup`` runs it. It imports nothing of Django.
"""

import ctypes.util
import shutil
import subprocess
import sys

# The Debian packages the documents need: Pango (WeasyPrint's text layout) and the Noto CJK fonts
# (Noto Sans CJK JP / Noto Serif CJK JP) that Japanese is set in. .ci/run installs them.
DEBIAN_PACKAGES = {
    "libpango-1.0-0": "pango-1.0",
    "libpangoft2-1.0-0": "pangoft2-1.0",
    "fonts-noto-cjk": None,  # a font, found through fontconfig
}
JAPANESE_FONTS = ("Noto Sans CJK JP", "Noto Serif CJK JP")


def japanese_fonts_installed() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    # A fixed command with no input of anyone's.
    command = [fc_list, ":lang=ja", "family"]
    listed = subprocess.run(command, capture_output=True, text=True, check=False, timeout=30).stdout  # noqa: S603
    return all(font in listed for font in JAPANESE_FONTS)


def missing_packages() -> list[str]:
    missing = [
        package
        for package, library in DEBIAN_PACKAGES.items()
        if library is not None and ctypes.util.find_library(library) is None
    ]
    if not japanese_fonts_installed():
        missing.append("fonts-noto-cjk")
    return missing


def install_hint(missing: list[str]) -> str:
    return (
        "Printing (PDF documents) needs these Debian packages, which are not installed: "
        + " ".join(missing)
        + "\n  Install them with:  sudo apt-get install --no-install-recommends "
        + " ".join(missing)
        + "\n  Until then the app runs, but its 印刷用PDF links answer with an error."
    )


def main() -> int:
    missing = missing_packages()
    if missing:
        print(install_hint(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
