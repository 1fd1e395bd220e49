from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.exceptions import CaseRuleError, Conflict
from cases.web import show_refusal
from networks import selectors, services
from networks.forms import NetworkForm


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The networks the user's plaza is the secretariat of (indicator ⑦), and a form for another."""
    page = selectors.networks_page(request.user)  # refuses, recorded
    form = NetworkForm(request.POST or None, secretariats=page.secretariats, districts=page.districts)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        secretariat = values.pop("secretariat", page.secretariats[0])
        try:
            services.register_network(actor=request.user, secretariat=secretariat, **values)
        except CaseRuleError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("ネットワークを登録しました。"))
            return redirect("networks:index")
    return render(request, "networks/index.html", {"o": page, "form": form})


@login_required
def change(request: HttpRequest, network_id: int) -> HttpResponse:
    """A network's details changed, or its end recorded."""
    network = selectors.network_to_change(request.user, network_id)  # refuses, recorded
    page = selectors.networks_page(request.user)
    form = NetworkForm(
        request.POST or None,
        instance=network,
        initial={"version": network.version},
        secretariats=page.secretariats,
        districts=page.districts,
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        try:
            services.change_network(
                actor=request.user,
                network=network,
                expected_version=-1 if version is None else version,
                **values,
            )
        except CaseRuleError as error:
            show_refusal(form, error)
        except Conflict as conflict:
            form.add_error(None, str(conflict))
        else:
            messages.success(request, _("ネットワークを変更しました。"))
            return redirect("networks:index")
    return render(request, "networks/change.html", {"network": network, "form": form})
