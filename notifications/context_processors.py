"""The bell in every page's header (templates/base.html): the unread count, asked only when a
page that shows it is rendered, with the user's ids (notifications.selectors.unread_count_sql)."""

from django.http import HttpRequest

from notifications.selectors import Bell


def bell(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"bell": Bell(user)}
