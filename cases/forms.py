from django import forms
from django.utils.translation import gettext_lazy as _


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("氏名・ふりがな・電話番号・生年月日"),
        max_length=100,
        help_text=_(
            "完全一致で検索します。ひらがな・カタカナ・半角カナ、空白の有無は区別しません。"
            "生年月日は 1948-03-15 や 昭和23年3月15日 の形で入力できます。"
        ),
    )
