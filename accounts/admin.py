from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.models import Area, Membership, Organisation, User
from accounts.services import unlock_sign_in

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


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "last_name", "first_name", "is_active", "last_login"]
    # Roles come from memberships (below); groups and staff status are derived from them.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("氏名・連絡先"), {"fields": ("last_name", "first_name", "email")}),
        (_("状態"), {"fields": ("is_active", "is_staff", "groups", "two_factor")}),
        (_("日時"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["is_staff", "groups", "two_factor", "last_login", "date_joined"]
    actions = ["reset_two_factor"]

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


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent", "code"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "is_active"]
    list_filter = ["kind", "is_active", "municipality"]
    search_fields = ["name"]
    filter_horizontal = ["areas"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(AccessAttempt)
class SignInLockoutAdmin(AccessAttemptAdmin):
    """Failed sign-ins counted by django-axes. Deleting a row (one, or several with the list's
    delete action) unlocks its account and address, audited as auth.unlocked."""

    def delete_model(self, request, obj: AccessAttempt) -> None:
        unlock_sign_in(actor=request.user, attempts=AccessAttempt.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        unlock_sign_in(actor=request.user, attempts=queryset)
