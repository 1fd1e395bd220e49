"""Only the legal-basis catalogue is administered here: nothing personal is ever in the admin
(its history would copy values, and system administrators must not read case content)."""

from django.contrib import admin

from cases.models import LegalBasis


@admin.register(LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "citation", "is_consent", "allows_meeting_without_consent", "is_active"]
    list_filter = ["is_active", "is_consent", "allows_meeting_without_consent"]
    search_fields = ["code", "name", "citation"]
