"""Sysadmins issue and revoke API tokens here (docs/api.md "Tokens"): the key is shown once, on
the page after issuing it, and stored nowhere; a token is never edited, only revoked."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api import services
from api.models import ApiToken, Scope


class IssueForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("範囲"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    actor = None  # the signed-in sysadmin (ApiTokenAdmin.get_form)

    class Meta:
        model = ApiToken
        fields = ["name", "user", "organisation", "scopes", "expires_at"]

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                services.check_issue(
                    actor=self.actor,
                    user=data["user"],
                    organisation=data["organisation"],
                    scopes=data["scopes"],
                    expires_at=data["expires_at"],
                )
            except services.TokenError as error:
                raise forms.ValidationError(str(error)) from None
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = IssueForm
    list_display = ["prefix", "name", "user", "organisation", "expires_at", "revoked_at"]
    list_filter = ["organisation"]
    autocomplete_fields = ["user", "organisation"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # revoke and issue anew

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the audit trail names it

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        token, key = services.issue_token(
            actor=request.user,
            user=data["user"],
            organisation=data["organisation"],
            name=data["name"],
            scopes=data["scopes"],
            expires_at=data["expires_at"],
        )
        obj.pk, request._issued = token.pk, (token, key)

    def response_add(self, request, obj, post_url_continue=None):
        token, key = request._issued
        return TemplateResponse(
            request,
            "admin/api/issued.html",
            {**self.admin_site.each_context(request), "token": token, "key": key},
        )

    @admin.action(description=_("選んだトークンを失効させる"), permissions=["add"])
    def revoke(self, request, queryset) -> None:
        for token in queryset:
            services.revoke_token(actor=request.user, token=token)
        messages.success(request, _("失効させました。以後このトークンは拒否されます。"))

    def get_changeform_initial_data(self, request) -> dict:
        return {"expires_at": timezone.now() + datetime.timedelta(days=90)}
