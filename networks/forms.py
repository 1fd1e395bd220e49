from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Area, Organisation
from cases.forms import JapaneseDateField, VersionField
from cases.rendering import WIDGETS
from networks.models import Network


class NetworkForm(forms.ModelForm):
    """A network of the user's plaza: its secretariat asked only of who works for several plazas."""

    default_renderer = WIDGETS
    started_on = JapaneseDateField(label=Network._meta.get_field("started_on").verbose_name, past=True)
    ended_on = JapaneseDateField(
        label=Network._meta.get_field("ended_on").verbose_name,
        past=True,
        required=False,
        help_text=_("事務局を終えたときだけ入力します。終えた年度まで指標⑦に数えます。"),
    )
    version = VersionField()

    class Meta:
        model = Network
        fields = ["name", "district", "purpose", "member_count", "started_on", "ended_on"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"purpose": _("個人の名前や住所は書かないでください。")}

    def __init__(self, *args, secretariats: list[Organisation], districts: list[Area], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = Area.objects.filter(pk__in=[d.pk for d in districts]).order_by(
            "name"
        )
        self.fields["district"].empty_label = _("地区を選んでください")
        if len(secretariats) > 1 and not self.instance.pk:
            self.fields["secretariat"] = forms.ModelChoiceField(
                label=Network._meta.get_field("secretariat").verbose_name,
                queryset=Organisation.objects.filter(pk__in=[s.pk for s in secretariats]),
            )
        if not self.instance.pk:
            del self.fields["version"]
