"""``{% query_with "items_page" 2 drop="state" %}``: the page's query string with one parameter set
and others removed — a tab's or a page's link that keeps the rest of the list as it is (the other
sections' tabs and pages, the filters). Django's ``{% querystring %}`` names its keys in the
template; these links take theirs from the list they belong to."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, name: str, value, drop: str = "") -> str:
    params = context.request.GET.copy()
    for dropped in drop.split():
        params.pop(dropped, None)
    params[name] = value
    return f"?{params.urlencode()}"
