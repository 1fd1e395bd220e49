from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from configuration import selectors, services
from configuration.forms import ConfigurationForm


@login_required
def edit(request: HttpRequest) -> HttpResponse:
    """A municipality's settings (``?municipality=``), for its system administrator."""
    asked = request.POST.get("municipality") or request.GET.get("municipality")
    page = selectors.configuration_page(request.user, asked)  # refuses
    form = ConfigurationForm(request.POST or None, settings=page.settings, values=page.values)
    if request.method == "POST" and form.is_valid():
        values = {key: value for key, value in form.cleaned_data.items() if key != "version"}
        try:
            services.change_configuration(
                actor=request.user,
                municipality=page.municipality,
                expected_version=form.cleaned_data["version"],
                values=values,
            )
        except ValidationError as error:
            for key, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(key if key in form.fields else None, problem)
        except services.ConfigurationConflict as conflict:
            form.add_error(None, str(conflict))
        else:
            messages.success(request, _("設定を変更しました。"))
            return redirect(f"{reverse('configuration:edit')}?municipality={page.municipality.pk}")
    return render(request, "configuration/edit.html", {"o": page, "form": form})
