from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from phones.models import Phone
from phones.services import revoke_phone


@admin.register(Phone)
class PhoneAdmin(admin.ModelAdmin):
    """The system administrator sees every phone where a sign-in is kept, and revokes one that is
    lost or handed on (its session ends; what waits on it is wiped at its next request)."""

    list_display = ["user", "label", "created_at", "last_seen_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "user__last_name"]
    readonly_fields = [*list_display, "key_issued_at", "revoked_by"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False  # a phone is remembered at its own sign-in, nowhere else

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # kept: the audit trail names it

    @admin.action(description=_("選んだ端末でのログインを無効にする"), permissions=["revoke"])
    def revoke(self, request, queryset):
        for phone in queryset:
            revoke_phone(actor=request.user, phone=phone)
        self.message_user(request, _("無効にしました。"), messages.SUCCESS)

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("phones.revoke_phone")
