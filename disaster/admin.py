"""Only the listing criteria are administered here (nothing personal is ever in the admin)."""

from django.contrib import admin

from disaster.models import ListingCriterion


@admin.register(ListingCriterion)
class ListingCriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "kind", "threshold", "is_active"]
    list_filter = ["is_active", "kind"]
    search_fields = ["code", "label"]
