"""What every screen of the workflow does with a service's outcome: shared by the apps' views, so
that no app imports another's views."""

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cases.exceptions import CaseRuleError, Conflict


def report_outcome(request: HttpRequest, act) -> bool:
    """Run ``act()``; say on the next page that it was recorded, or why nothing changed."""
    try:
        act()
    except Conflict as conflict:
        messages.error(request, str(conflict))
    except CaseRuleError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("記録しました。"))
        return True
    return False


def form_data_or_error(request, form) -> dict:
    if not form.is_valid():
        raise CaseRuleError(
            [
                f"{form.fields[f].label if f in form.fields else ''}: {e}"
                for f, es in form.errors.items()
                for e in es
            ]
        )
    return form.cleaned_data
