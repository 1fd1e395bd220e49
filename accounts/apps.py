"""Users, organisations, areas, memberships and roles."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("利用者・組織")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from accounts import roles
        from accounts.selectors import ROLE_BITS, read_with_user_ids
        from accounts.sql import role_bits_sql

        # The menu on every page names the user's roles' destinations: their roles ride with the ids.
        read_with_user_ids(ROLE_BITS, role_bits_sql())

        # Role permissions are declared in accounts/roles.py and applied after every migrate,
        # so permissions of models added later by any app reach their roles too.
        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="accounts.sync_role_permissions")
        from accounts import receivers  # noqa: F401
