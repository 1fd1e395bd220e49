from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrganisationKind, User
from cases.forms import DisclosureForm, VersionedForm, consents_in_force
from cases.models import Consent


class ReferralForm(DisclosureForm):
    """What the referrer chooses: the agency, the fields (minimum necessary), the purpose, the ground."""

    purpose = forms.CharField(
        label=_("つなぐ目的・依頼したいこと"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    field_order = ["recipient", "purpose", "field_groups", "legal_basis", "consent", "reference"]

    NOT_RECIPIENTS = (OrganisationKind.COMMISSIONER_COUNCIL, OrganisationKind.FAMILY_COURT)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["recipient"].label = _("つなぎ先")

    def check_against(self, case) -> None:
        super().check_against(case)
        recipient = self.fields["recipient"]
        recipient.queryset = recipient.queryset.exclude(kind__in=self.NOT_RECIPIENTS).exclude(
            pk=case.lead_organisation_id
        )
        # A referral rests only on a consent given for referrals (cases.services.sharing.check_consent).
        self.fields["consent"].queryset = consents_in_force(case, purpose=Consent.Purpose.REFERRAL)


class TextForm(VersionedForm):
    text = forms.CharField(label=_("内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label


class AcceptForm(VersionedForm):
    worker = forms.ModelChoiceField(label=_("担当者"), queryset=User.objects.none())

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = User.objects.filter(
            is_active=True, memberships__organisation=referral.recipient
        ).distinct()
