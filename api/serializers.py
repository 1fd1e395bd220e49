"""What the API takes and gives, as the OpenAPI schema describes it. The rules stay in the
services: a serializer checks shapes and choices, the service the workflow's rules."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Area
from cases.vocabulary import ConcernCategory, ObservedSignal, ReporterKind, Urgency


class ConcernIn(serializers.Serializer):
    """A concern (気付き) as the concern form takes it: what was noticed, where, and who, if known."""

    area = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.none(), help_text=_("地区のID（報告者の組織が担当する地区）")
    )
    signals = serializers.ListField(
        child=serializers.ChoiceField(choices=ObservedSignal.choices), required=False, default=list
    )
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=ConcernCategory.choices), required=False, default=list
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.ROUTINE)
    details = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    reporter_kind = serializers.ChoiceField(
        choices=ReporterKind.choices, required=False, help_text=_("省略すると報告者の組織から決まります")
    )

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields["area"].queryset = areas


class ConcernOut(serializers.Serializer):
    """The case the concern opened: its number and whether it was taken as urgent."""

    id = serializers.UUIDField()
    reference = serializers.CharField()
    urgent = serializers.BooleanField()


class Problem(serializers.Serializer):
    """An error, as RFC 9457 describes it (api/errors.py)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(help_text=_("機械が読むための理由（invalid, empty_concern など）"))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("項目ごとの誤り（400 のとき）"),
    )
