"""Model permissions from the user's role groups, with the superuser flag kept in its place.

Django lets an active superuser do anything: ``has_perm`` answers True before any backend is
asked, and ``ModelBackend`` lists every permission. In Tsunagu the flag is for the admin site's
model permissions only — what the system administrator role holds — and never opens a role's
work on cases, people, the audit trail or the guardian candidates (docs/design.md "Roles": sysadmins
administer, they do not read cases). Object access never goes through ``has_perm`` at all: it is
read from the grants (cases.access).
"""

from asgiref.sync import sync_to_async
from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from accounts.roles import ADMINISTRATION_PERMISSIONS
from accounts.selectors import permission_names, signed_in_user


class RoleBackend(ModelBackend):
    def get_user(self, user_id: int) -> User | None:
        """The signed-in user of every request, read with written SQL (accounts/sql.py), their
        group and organisation ids, permissions and counts in the same statement."""
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def _get_permissions(self, user_obj, obj, from_name):
        """The names read with the user's ids (accounts.selectors.permission_names: no statement
        of their own), the superuser flag adding the administration's only."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        names = permission_names(user_obj, from_name)
        if user_obj.is_superuser and from_name == "group":
            return names | ADMINISTRATION_PERMISSIONS
        return names

    async def _aget_permissions(self, user_obj, obj, from_name):
        return await sync_to_async(self._get_permissions)(user_obj, obj, from_name)
