"""Settings for the test suite: production settings with a throwaway secret.

DEBUG stays off, as in production; only what a test run cannot have (a real secret,
TLS in front of the test client) is filled in.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("HTTPS_ONLY", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

if not os.environ.get("TSUNAGU_KEYRING_JSON"):
    # A fresh keyring per test run, in the environment so that subprocesses share it.
    from privacy.keyring import generate_keyring

    os.environ["TSUNAGU_KEYRING_JSON"] = generate_keyring().to_json()

from config.settings import *  # noqa: F403

# A file, not SQLite's shared in-memory database: concurrency tests need real locking between
# connections (BEGIN IMMEDIATE and the busy timeout), as in production.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405

# Hashing is not what the tests measure; the default hasher costs ~0.3 s per login.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Static files come from the finders, as in development; there is no collectstatic in tests.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# E-mail stays in memory (django.core.mail.outbox), whatever the environment says; links in it
# name an address of its own.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TSUNAGU_BASE_URL = "https://tsunagu.example.jp"
# The test database is created anew for each run, so ALTER DATABASE settings made by
# apply_planner_settings on the real one do not reach it: its (direct) connections send the planner
# settings as a startup parameter instead, so the suite plans queries as production does.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["OPTIONS"].setdefault(  # noqa: F405
        "options",
        " ".join(f"-c {name}={value}" for name, value in TSUNAGU_PLANNER_SETTINGS.items()),  # noqa: F405
    )
