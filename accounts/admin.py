"""The admin: users, organisations, areas, memberships — its writes go through accounts.services.

Two limits hold here (docs/security.md "Administration"): a role that reads cases given to an
administrator, or the sysadmin role given to someone who reads cases, waits for a second
administrator (MembershipRequest); and nobody sets another user's password — the admin sends a
link with which the user sets their own.
"""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.forms import UserChangeForm, UserCreationForm
from accounts.models import Area, Membership, MembershipRequest, Organisation, User
from accounts.services import (
    AdministrationError,
    approve_membership_request,
    email_fixed_in_admin,
    is_administrator,
    reject_membership_request,
    remove_membership,
    request_membership,
    send_password_reset_link,
    unlock_sign_in,
)

admin.site.site_header = _("つなぐ 管理")
admin.site.site_title = _("つなぐ 管理")
admin.site.index_title = _("利用者・組織・地域の管理")

# Groups follow memberships (roles, "org:<id>" per organisation) and carry every case shared with an
# organisation: deleting or renaming one by hand would silently take those cases from its staff.
admin.site.unregister(Group)
# Second-factor devices are removed only by the audited reset below, never edited by hand (and a
# device page would show the secret).
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)

PENDING_MESSAGE = _(
    "「%(membership)s」は、ケースを閲覧できる役割か管理者の役割のため、別のシステム管理者の"
    "承認を待っています（所属の申請）。"
)


def _give_membership(request: HttpRequest, membership: Membership) -> Membership | MembershipRequest:
    """The admin's one way to add a membership: the four-eyes rule decides whether it waits."""
    result = request_membership(
        actor=request.user, user=membership.user, organisation=membership.organisation, role=membership.role
    )
    if isinstance(result, MembershipRequest):
        messages.warning(request, PENDING_MESSAGE % {"membership": result})
    return result


def _send_reset_link(request: HttpRequest, user: User) -> bool:
    try:
        send_password_reset_link(
            actor=request.user, user=user, domain=request.get_host(), use_https=request.is_secure()
        )
    except AdministrationError as error:
        messages.error(request, f"{user.username}: {error.message}")
        return False
    return True


class MembershipInline(admin.TabularInline):
    """Existing memberships are shown, not edited: a change is a removal and an addition, so that
    an addition always meets the four-eyes rule."""

    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    form = UserChangeForm
    add_form = UserCreationForm
    add_form_template = None
    change_form_template = "admin/accounts/user/change_form.html"
    list_display = ["username", "last_name", "first_name", "is_active", "last_login"]
    # Roles come from memberships (below); groups and staff status are derived from them. There is
    # no password here: the owner of the account sets it through a link (send_reset_link).
    fieldsets = (
        (None, {"fields": ("username",)}),
        (_("氏名・連絡先"), {"fields": ("last_name", "first_name", "email")}),
        (_("状態"), {"fields": ("is_active", "is_staff", "groups", "two_factor")}),
        (_("日時"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["is_staff", "groups", "two_factor", "last_login", "date_joined"]
    actions = ["send_reset_links", "reset_two_factor"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "fixed_email"] if obj is not None and email_fixed_in_admin(obj) else fields

    def get_fieldsets(self, request, obj=None):
        """Shows the address of someone who holds a role, with where it is changed, instead of a field."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not email_fixed_in_admin(obj):
            return fieldsets
        return [
            (title, {**options, "fields": [f if f != "email" else "fixed_email" for f in options["fields"]]})
            for title, options in fieldsets
        ]

    @admin.display(description=_("メールアドレス"))
    def fixed_email(self, obj: User) -> str:
        return format_html(
            '{}<br><span class="help">{}</span>',
            obj.email or "-",
            _("役割のある利用者のメールアドレスは、サーバーで変更します（manage.py set_email）。"),
        )

    @admin.display(description=_("二要素認証"))
    def two_factor(self, obj: User) -> str:
        if twofactor.has_second_factor(obj):
            return _("設定済み")
        return (
            _("未設定（次のログインで設定）")
            if twofactor.second_factor_required(obj)
            else _("未設定（任意）")
        )

    @admin.action(
        description=_("二要素認証をリセットする（次のログインで設定し直し）"), permissions=["change"]
    )
    def reset_two_factor(self, request, queryset) -> None:
        users = list(queryset)
        for user in users:
            twofactor.reset_second_factor(actor=request.user, user=user)
        self.message_user(
            request,
            ngettext(
                "%(count)d 人の二要素認証をリセットしました。",
                "%(count)d 人の二要素認証をリセットしました。",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

    add_fieldsets = ((None, {"fields": ("username", "last_name", "first_name", "email")}),)

    def get_urls(self):
        # Django's "<id>/password/" form is kept only to be refused (see user_change_password).
        return [
            path(
                "<id>/send-reset-link/",
                self.admin_site.admin_view(self.send_reset_link_view),
                name="accounts_user_send_reset_link",
            ),
            *super().get_urls(),
        ]

    def user_change_password(self, request, id, form_url=""):
        """Nobody sets another user's password, not even an administrator: they would then know it
        and could sign in as that user. One's own password: the "change password" page."""
        raise PermissionDenied

    def send_reset_link_view(self, request: HttpRequest, id: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        user = self.get_object(request, id)
        if user is None or not self.has_change_permission(request, user):
            raise PermissionDenied
        if _send_reset_link(request, user):
            messages.success(request, gettext("パスワード再設定のリンクを送りました。"))
        return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))

    @admin.action(description=_("パスワード再設定のリンクを送る"), permissions=["change"])
    def send_reset_links(self, request: HttpRequest, queryset) -> None:
        sent = sum(_send_reset_link(request, user) for user in queryset)
        if sent:
            messages.success(
                request, gettext("%(count)d 人にパスワード再設定のリンクを送りました。") % {"count": sent}
            )

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # The new colleague chooses their own password; nobody else ever knows it.
            if _send_reset_link(request, obj):
                messages.info(request, gettext("パスワードを設定するためのリンクを本人に送りました。"))

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for membership in formset.deleted_objects:
            remove_membership(actor=request.user, membership=membership)
        added = []
        for membership in formset.new_objects:
            result = _give_membership(request, membership)
            if isinstance(result, Membership):
                added.append(result)
        # The admin's history names only what was really added.
        formset.new_objects = added


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent", "code"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "phone", "receives_urgent", "is_active"]
    list_filter = ["kind", "is_active", "receives_urgent", "municipality"]
    search_fields = ["name"]
    filter_horizontal = ["areas"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Added (through the four-eyes rule) and removed, never edited in place."""

    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        result = _give_membership(request, obj)
        if isinstance(result, MembershipRequest):
            obj._pending_request = result  # nothing was saved: response_add says so
        else:
            obj.pk = result.pk

    def log_addition(self, request, obj, message):
        if getattr(obj, "_pending_request", None) is None:
            return super().log_addition(request, obj, message)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(obj, "_pending_request", None) is not None:
            return HttpResponseRedirect(reverse("admin:accounts_membershiprequest_changelist"))
        return super().response_add(request, obj, post_url_continue)

    def delete_model(self, request, obj) -> None:
        remove_membership(actor=request.user, membership=obj)

    def delete_queryset(self, request, queryset) -> None:
        for membership in queryset:
            remove_membership(actor=request.user, membership=membership)


@admin.register(AccessAttempt)
class SignInLockoutAdmin(AccessAttemptAdmin):
    """Failed sign-ins counted by django-axes. Deleting a row (one, or several with the list's
    delete action) unlocks its account and address, audited as auth.unlocked."""

    def delete_model(self, request, obj: AccessAttempt) -> None:
        unlock_sign_in(actor=request.user, attempts=AccessAttempt.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        unlock_sign_in(actor=request.user, attempts=queryset)


@admin.register(MembershipRequest)
class MembershipRequestAdmin(admin.ModelAdmin):
    """Requests are made by the membership forms and decided here by a second administrator."""

    list_display = [
        "user",
        "organisation",
        "role",
        "requested_by",
        "requested_at",
        "approved",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["role", ("decided_at", admin.EmptyFieldListFilter)]
    actions = ["approve", "reject"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_decide_permission(self, request) -> bool:
        return request.user.has_perm("accounts.change_membershiprequest") and is_administrator(request.user)

    def _decide(self, request, queryset, decide, done: str) -> None:
        for membership_request in queryset:
            try:
                decide(actor=request.user, membership_request=membership_request)
            except AdministrationError as error:
                messages.error(request, f"{membership_request}: {error.message}")
            else:
                messages.success(request, done % {"membership": membership_request})

    @admin.action(description=_("選んだ申請を承認する（所属を追加）"), permissions=["decide"])
    def approve(self, request, queryset) -> None:
        self._decide(request, queryset, approve_membership_request, gettext("承認しました: %(membership)s"))

    @admin.action(description=_("選んだ申請を却下する"), permissions=["decide"])
    def reject(self, request, queryset) -> None:
        self._decide(request, queryset, reject_membership_request, gettext("却下しました: %(membership)s"))
