from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrganisationKind, User
from cases.forms import DisclosureForm, VersionedForm, consents_in_force
from cases.forms_lists import ANY, NOT_ON_OFFER, TabForm
from cases.models import Consent
from cases.selectors.lists import URGENCY_CHOICES
from referrals.models import ReferralState
from referrals.selectors import ReferralQuery, ReferralSort, ReferralTab


class ReferralForm(DisclosureForm):
    """What the referrer chooses: the agency, the fields (minimum necessary), the purpose, the ground."""

    purpose = forms.CharField(
        label=_("つなぐ目的・依頼したいこと"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    # A referral goes to an agency, never to the party of an agreement.
    agreement = None

    field_order = ["recipient", "purpose", "field_groups", "legal_basis", "consent", "reference"]

    NOT_RECIPIENTS = (
        OrganisationKind.COMMISSIONER_COUNCIL,
        OrganisationKind.FAMILY_COURT,
        # Parties to agreements: they watch and report; they are not referred a case.
        OrganisationKind.BUSINESS,
        OrganisationKind.NEIGHBOURHOOD_ASSOCIATION,
        OrganisationKind.VETERINARY_CLINIC,
    )

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


class ReferralListForm(TabForm):
    """The agency's inbox, as the URL asks for it: the tab (a link), the state within it, the case's
    urgency, the order. A value not on offer is dropped with a message (cases.forms_lists)."""

    tabs = ReferralTab
    make_query = ReferralQuery

    state = forms.ChoiceField(
        label=_("状態"),
        choices=ANY + [(state.value, state.label) for state in ReferralState if state != ReferralState.DRAFT],
        required=False,
        error_messages=NOT_ON_OFFER,
    )
    urgency = forms.ChoiceField(
        label=_("緊急度"), choices=ANY + URGENCY_CHOICES, required=False, error_messages=NOT_ON_OFFER
    )
    sort = forms.ChoiceField(
        label=_("並び順"), choices=ReferralSort.CHOICES, required=False, error_messages=NOT_ON_OFFER
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tab"].widget = forms.HiddenInput()  # the tabs are links; the filters keep the tab
