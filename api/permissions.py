"""A token reaches only the endpoints of its scopes; a signed-in person reaches every endpoint, and
the services and selectors behind it decide what they may do, as on the pages."""

from rest_framework.permissions import BasePermission

from api.models import ApiToken


class TokenScope(BasePermission):
    message = None  # the problem's detail says it (api.errors)

    def has_permission(self, request, view) -> bool:
        if not isinstance(request.auth, ApiToken):
            return True
        return getattr(view, "required_scope", None) in request.auth.scopes


class RolePermission(BasePermission):
    """The permission a role gives for the endpoint (``required_permission``), checked first, as the
    page's ``permission_required`` is: a 403 before anything sent is looked at."""

    def has_permission(self, request, view) -> bool:
        needed = getattr(view, "required_permission", None)
        return needed is None or request.user.has_perm(needed)
