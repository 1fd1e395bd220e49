"""Who calls the API: a system with a token (``Authorization: Bearer tsg_…``), or a signed-in
browser (Django's session, with CSRF, as DRF's SessionAuthentication does)."""

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from api.services import TokenError, use_token


class TokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        match = getattr(request._request, "resolver_match", None)
        endpoint = match.view_name if match else ""
        try:  # whatever follows "Bearer" is the key: a malformed one is refused, and recorded, as unknown
            token = use_token(b" ".join(header[1:]).decode("ascii", "replace"), endpoint=endpoint)
        except TokenError as error:
            raise exceptions.AuthenticationFailed(str(error), code=error.code) from None
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="tsunagu"'
