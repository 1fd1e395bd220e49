from django.contrib import admin

from referrals.models import AcceptanceDeadline


@admin.register(AcceptanceDeadline)
class AcceptanceDeadlineAdmin(admin.ModelAdmin):
    list_display = ["organisation_kind", "working_days"]
