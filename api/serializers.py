"""What the API takes and gives, as the OpenAPI schema describes it. The rules stay in the
services: a serializer checks shapes and choices, the service the workflow's rules."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Area
from cases.models import AccessLevel
from cases.vocabulary import ConcernCategory, ObservedSignal, ReporterKind, Urgency
from disaster.models import SafetyStatus


class Text(serializers.CharField):
    """A string and only a string: a number sent where text belongs is an error, not "0"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def written_at_field() -> serializers.DateTimeField:
    """When the phone wrote it, sent with what it wrote offline (docs/offline.md)."""
    return serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("端末で記録した日時（オフラインで記録したとき）"),
    )


def one_time_key_field() -> serializers.RegexField:
    """The phone's one-time key of what it sends: a retry answers the first record."""
    return serializers.RegexField(
        r"^[A-Za-z0-9_-]{16,64}$",
        required=False,
        allow_blank=True,
        default="",
        help_text=_("端末が一度だけ作る識別子（UUID など）。同じ識別子の再送には最初の記録を返します。"),
    )


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
    details = Text(max_length=4000, required=False, allow_blank=True, default="")
    name = Text(max_length=100, required=False, allow_blank=True, default="")
    address = Text(max_length=300, required=False, allow_blank=True, default="")
    reporter_kind = serializers.ChoiceField(
        choices=ReporterKind.choices, required=False, help_text=_("省略すると報告者の組織から決まります")
    )
    written_at = written_at_field()
    key = one_time_key_field()

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields["area"].queryset = areas


class ConcernOut(serializers.Serializer):
    """The case the concern opened: its number and whether it was taken as urgent."""

    id = serializers.UUIDField()
    reference = serializers.CharField()
    urgent = serializers.BooleanField()
    created = serializers.BooleanField(help_text=_("false: 同じ識別子の記録がすでにあり、それを返しました"))


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


class WhoOut(serializers.Serializer):
    """What a row says of the person: the name only where the reader's grant includes identity."""

    shows_identity = serializers.BooleanField()
    name = serializers.CharField()
    kana = serializers.CharField()
    erased = serializers.BooleanField()


class CaseRowOut(serializers.Serializer):
    id = serializers.UUIDField(source="case.pk")
    reference = serializers.CharField(source="case.reference")
    state = serializers.CharField(source="case.state")
    urgent = serializers.BooleanField(source="case.urgent")
    created_at = serializers.DateTimeField(source="case.created_at")
    area = serializers.CharField(source="case.area_name")
    lead_organisation = serializers.CharField(source="case.lead_name", allow_null=True)
    who = WhoOut()


class CaseListOut(serializers.Serializer):
    """One page (50 rows) of the intake inbox under one tab, as the inbox page lists it."""

    count = serializers.IntegerField(source="page.paginator.count")
    page = serializers.IntegerField(source="page.number")
    pages = serializers.IntegerField(source="page.paginator.num_pages")
    tab_counts = serializers.DictField(child=serializers.IntegerField())
    results = CaseRowOut(many=True, source="rows")


class ConcernOnCase(serializers.Serializer):
    noticed_on = serializers.DateField()
    reporter_kind = serializers.CharField()
    urgency = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField(), help_text=_("気付いたこと・分類の表示名"))
    details = serializers.CharField(allow_null=True, help_text=_("消去済みの本人のものは null"))


class MeetingOnCase(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    scheduled_for = serializers.DateTimeField()
    held = serializers.BooleanField()
    outcome = serializers.CharField(allow_null=True)


class ConsentOnCase(serializers.Serializer):
    id = serializers.UUIDField(help_text=_("撤回の記録（consents/{id}/withdraw/）に使うID"))
    purpose = serializers.CharField()
    method = serializers.CharField()
    obtained_on = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    recipients = serializers.ListField(child=serializers.CharField(), help_text=_("共有先の組織名"))
    withdrawn = serializers.BooleanField()


class DisclosureOnCase(serializers.Serializer):
    disclosed_at = serializers.DateTimeField()
    recipient = serializers.CharField()
    legal_basis = serializers.CharField()
    field_groups = serializers.ListField(child=serializers.CharField())


class GrantOnCase(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("アクセスの終了（grants/{id}/end/）に使うID"))
    holder = serializers.CharField(help_text=_("組織名、または一人に与えられたときはその人"))
    level = serializers.ChoiceField(choices=[level.name.lower() for level in AccessLevel])
    reason = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)
    field_groups = serializers.ListField(child=serializers.CharField())
    endable = serializers.BooleanField(help_text=_("主担当が終了できる（主担当自身のものは終了できない）"))


class CaseOut(serializers.Serializer):
    """A case as its page shows it to the reader: the person's fields of the groups their grants
    hold (none else), the concerns and meetings where those groups allow, the actions offered."""

    id = serializers.UUIDField()
    reference = serializers.CharField()
    state = serializers.CharField()
    version = serializers.IntegerField(help_text=_("操作（actions）に送る version"))
    urgent = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    area = serializers.CharField()
    lead_organisation = serializers.CharField(allow_null=True)
    field_groups = serializers.ListField(child=serializers.CharField())
    erased = serializers.BooleanField()
    person = serializers.DictField(help_text=_("本人の項目（閲覧できる項目群のものだけ。消去済みは null）"))
    concerns = ConcernOnCase(many=True)
    meetings = MeetingOnCase(many=True)
    consents = ConsentOnCase(many=True, help_text=_("同意の記録（ケースに記録できる閲覧者だけ。ほかは空）"))
    disclosures = DisclosureOnCase(many=True, help_text=_("情報共有の記録（主担当だけ。ほかは空）"))
    grants = GrantOnCase(many=True, help_text=_("いま有効なアクセス権（主担当だけ。ほかは空）"))
    actions = serializers.ListField(
        child=serializers.CharField(), help_text=_("この閲覧者に開かれている操作")
    )


class PersonOfCaseOut(serializers.Serializer):
    """The person's identity and contact fields this reader may change, as they are now (the read
    is recorded), with the version to send back with a change."""

    version = serializers.IntegerField()
    fields = serializers.DictField(
        child=serializers.CharField(allow_null=True),
        help_text=_("変更できる項目とその値（生年月日は YYYY-MM-DD）"),
    )


class PersonChangedOut(serializers.Serializer):
    version = serializers.IntegerField(help_text=_("変更後の版（次の変更に送る version）"))


class PersonSearchIn(serializers.Serializer):
    """The person search's query, in the body (a name never travels in a URL)."""

    q = Text(
        max_length=100,
        help_text=_("氏名・ふりがな・電話番号・生年月日（完全一致。表記の揺れは区別しません）"),
    )


class CaseOfPerson(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    state = serializers.CharField()
    area = serializers.CharField(source="area.name")
    created_at = serializers.DateTimeField()


class PersonFoundOut(serializers.Serializer):
    id = serializers.UUIDField(source="person.pk")
    name = serializers.CharField(source="person.name")
    kana = serializers.CharField(source="person.kana")
    birth_date = serializers.DateField(source="person.birth_date", allow_null=True)
    registered_by = serializers.CharField(source="person.registered_by.name")
    cases = CaseOfPerson(many=True, help_text=_("この本人のケースのうち、開けるもの"))


class PersonSearchOut(serializers.Serializer):
    """The people the reader may see who match, as the search page lists them (the newest few)."""

    count = serializers.IntegerField(help_text=_("閲覧できる一致の数（results より多いことがある）"))
    more = serializers.BooleanField()
    results = PersonFoundOut(many=True, source="people")


class ChoiceOut(serializers.Serializer):
    value = serializers.JSONField(help_text=_("送る値（コードまたはID）"))
    label = serializers.CharField()


class FormFieldOut(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.ChoiceField(choices=["string", "integer", "boolean", "date", "datetime", "choice"])
    many = serializers.BooleanField(help_text=_("値のリストを送る項目"))
    required = serializers.BooleanField()
    initial = serializers.JSONField(allow_null=True, help_text=_("空の画面が最初に入れている値"))
    choices = ChoiceOut(many=True, allow_null=True, help_text=_("選べる値（この閲覧者とこのケースについて）"))


class ActionFormOut(serializers.Serializer):
    """What the action's form on the case page asks for, for this reader and this case now: POST
    these fields (``version`` as given here) to the same address."""

    action = serializers.CharField()
    title = serializers.CharField()
    fields = FormFieldOut(many=True)


class StandingOut(serializers.Serializer):
    """Where a record (a case, a referral, a matter) stands after an action: its version to send next."""

    id = serializers.UUIDField()
    state = serializers.CharField()
    version = serializers.IntegerField()


class ActionDoneOut(serializers.Serializer):
    """The action was taken: the case's state and version now, and the record it made, if any
    (a consent, a disclosure, a meeting, a watch visit)."""

    action = serializers.CharField()
    case = StandingOut()
    record = serializers.DictField(allow_null=True, help_text=_("作られた記録の種類（type）とID（id）"))


class ReferralDoneOut(serializers.Serializer):
    """The action was taken: the referral's state and version now."""

    action = serializers.CharField()
    referral = StandingOut()


class ReferralMessageOut(serializers.Serializer):
    kind = serializers.CharField()
    text = serializers.CharField(allow_null=True, help_text=_("消去済みの本人のものは null"))
    organisation = serializers.CharField()
    created_at = serializers.DateTimeField()


class HeldMeetingOut(serializers.Serializer):
    held_at = serializers.DateTimeField()
    kind = serializers.CharField()
    minutes = serializers.CharField(allow_null=True, help_text=_("消去済みの本人のものは null"))


class ReferralOut(serializers.Serializer):
    """A referral as its page shows it to the reader: the referrer sees it all; the agency sees
    the purpose, the messages and the case's fields shared with it while its access lasts."""

    id = serializers.UUIDField()
    case_id = serializers.UUIDField(help_text=_("つなぐ側だけ（つなぎ先には null）"), allow_null=True)
    state = serializers.CharField()
    version = serializers.IntegerField(help_text=_("操作（actions）に送る version"))
    referring_organisation = serializers.CharField()
    recipient = serializers.CharField()
    is_referrer = serializers.BooleanField()
    is_recipient = serializers.BooleanField()
    field_groups = serializers.ListField(child=serializers.CharField(), help_text=_("共有する項目群"))
    sent_at = serializers.DateTimeField(allow_null=True)
    accept_by = serializers.DateField(allow_null=True)
    purpose = serializers.CharField(allow_null=True, help_text=_("読めないとき（アクセス終了後）は null"))
    messages = ReferralMessageOut(many=True)
    person = serializers.DictField(help_text=_("共有された本人の項目（つなぎ先が読めるあいだだけ）"))
    concerns = ConcernOnCase(many=True, help_text=_("共有された気付き（同じく）"))
    meetings = HeldMeetingOut(many=True, help_text=_("共有された会議の議事録（開催済みのもの。同じく）"))
    actions = serializers.ListField(
        child=serializers.CharField(), help_text=_("この閲覧者に開かれている操作")
    )


class PetitionOut(serializers.Serializer):
    type = serializers.CharField()
    petitioner_kind = serializers.CharField(help_text=_("申立人の種別（市町村長申立てを含む）"))
    filed_on = serializers.DateField(allow_null=True)
    ruling = serializers.CharField(allow_null=True)


class MatterOut(serializers.Serializer):
    """A guardianship matter as its page shows it to its centre: where it stands, the assessment
    the centre recorded, the petition, and the case's fields disclosed to the centre."""

    id = serializers.UUIDField()
    case_reference = serializers.CharField()
    state = serializers.CharField()
    version = serializers.IntegerField(help_text=_("操作（actions）に送る version"))
    centre = serializers.CharField()
    opened_at = serializers.DateTimeField()
    assessment = serializers.DictField(
        child=serializers.CharField(allow_null=True), help_text=_("判断能力・本人の希望（消去済みは null）")
    )
    petition = PetitionOut(allow_null=True)
    person = serializers.DictField(help_text=_("中核機関に共有された本人の項目"))
    actions = serializers.ListField(
        child=serializers.CharField(), help_text=_("この閲覧者に開かれている操作")
    )


class MatterDoneOut(serializers.Serializer):
    """The action was taken: the matter's state and version now, and the record it made, if any."""

    action = serializers.CharField()
    matter = StandingOut()
    record = serializers.DictField(allow_null=True, help_text=_("作られた記録の種類（type）とID（id）"))


class AttendeeOut(serializers.Serializer):
    name = serializers.CharField()
    organisation = serializers.CharField(allow_null=True)
    acknowledged = serializers.BooleanField(help_text=_("守秘義務を確認済み"))


class GuestOut(serializers.Serializer):
    id = serializers.UUIDField(help_text=_("誓約書（紙）の受領（guest_acknowledged）に送るID"))
    name = serializers.CharField(allow_null=True)
    relation = serializers.CharField(allow_null=True)
    organisation = serializers.CharField(allow_null=True)
    paper_acknowledged = serializers.BooleanField(help_text=_("誓約書（紙）受領済み"))


class AmendmentOut(serializers.Serializer):
    amended_at = serializers.DateTimeField()
    amended_by = serializers.CharField()
    reason = serializers.CharField(allow_null=True)
    previous_minutes = serializers.CharField(allow_null=True)


class DecisionOut(serializers.Serializer):
    outcome = serializers.CharField()
    reason = serializers.CharField(allow_null=True)


class ActionItemOut(serializers.Serializer):
    description = serializers.CharField(allow_null=True)
    owner = serializers.CharField()
    due_on = serializers.DateField()
    done = serializers.BooleanField()
    result = serializers.CharField(allow_null=True)


class MeetingContentOut(serializers.Serializer):
    agenda = serializers.CharField(allow_null=True)
    attendees = AttendeeOut(many=True)
    guests = GuestOut(many=True, help_text=_("アカウントのない出席者"))
    minutes = serializers.CharField(allow_null=True, help_text=_("開催前は空。消去済みの本人のものは null"))
    amendments = AmendmentOut(many=True, help_text=_("議事録の以前の版（古い順）"))
    decisions = DecisionOut(many=True)
    action_items = ActionItemOut(many=True)


class MeetingOut(serializers.Serializer):
    """A support meeting as its page shows it to the reader: to an attendee, what it is and the
    duty of confidentiality to acknowledge; its content (attendees, agenda, minutes, decisions,
    action items) while the reader's grant on the case includes meetings (the read recorded)."""

    id = serializers.UUIDField()
    case_id = serializers.UUIDField()
    kind = serializers.CharField()
    scheduled_for = serializers.DateTimeField()
    held_at = serializers.DateTimeField(allow_null=True)
    legal_basis = serializers.CharField()
    convened_by = serializers.CharField()
    version = serializers.IntegerField(help_text=_("ケースの version（会議の記録 hold に送る）"))
    attending = serializers.BooleanField(help_text=_("閲覧者が出席者として招かれている"))
    acknowledged = serializers.BooleanField(help_text=_("閲覧者が守秘義務を確認済み"))
    confidentiality = serializers.CharField(help_text=_("確認する守秘義務の文言"))
    content = MeetingContentOut(allow_null=True, help_text=_("内容を閲覧できないときは null"))
    actions = serializers.ListField(
        child=serializers.CharField(), help_text=_("この閲覧者に開かれている操作")
    )


class MeetingDoneOut(serializers.Serializer):
    """The action was taken: the meeting's case's state and version now (recording the meeting
    moves the case on), and the record it made, if any (an attendee, a guest, an action item)."""

    action = serializers.CharField()
    case = StandingOut()
    record = serializers.DictField(allow_null=True, help_text=_("作られた記録の種類（type）とID（id）"))


class ReferralRowOut(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    state = serializers.CharField()
    case_reference = serializers.CharField(source="case.reference")
    urgent = serializers.BooleanField(source="case.urgent")
    referring_organisation = serializers.CharField(source="referring_organisation.name")
    recipient = serializers.CharField(source="recipient.name")
    assigned_worker = serializers.CharField(allow_null=True, help_text=_("つなぎ先の担当者"))
    sent_at = serializers.DateTimeField(allow_null=True)
    accept_by = serializers.DateField(allow_null=True)
    referrer_attention = serializers.BooleanField(help_text=_("つなぐ側の未確認の知らせがある"))
    who = WhoOut()

    def to_representation(self, referral):
        shown = super().to_representation(referral)
        shown["assigned_worker"] = str(referral.assigned_worker) if referral.assigned_worker_id else None
        return shown


class ReferralPageOut(serializers.Serializer):
    count = serializers.IntegerField(source="paginator.count")
    page = serializers.IntegerField(source="number")
    pages = serializers.IntegerField(source="paginator.num_pages")
    results = ReferralRowOut(many=True, source="object_list")


class ReferralListOut(serializers.Serializer):
    """The referral inbox as its page lists it: received (one tab, 50 a page) and sent."""

    tab_counts = serializers.DictField(child=serializers.IntegerField())
    received = ReferralPageOut(help_text=_("このつなぎ先が受け取ったもの（下書きを除く）"))
    sent = ReferralPageOut(help_text=_("この組織が主担当のケースから送ったもの（下書きを含む）"))


class MatterRowOut(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    state = serializers.CharField()
    area = serializers.CharField(source="area.name")
    opened_at = serializers.DateTimeField()


class SafetyCheckIn(serializers.Serializer):
    """A safety check as the checks page sends it; ``key`` is made by the phone once per check, so
    that a retry (a lost answer, a queue sent again) answers the first check instead of a second."""

    declaration = serializers.IntegerField(help_text=_("災害の宣言のID"))
    registration = serializers.UUIDField(help_text=_("名簿の登録のID（担当する方）"))
    status = serializers.ChoiceField(choices=SafetyStatus.choices)
    note = Text(max_length=1000, required=False, allow_blank=True, default="")
    written_at = written_at_field()
    key = one_time_key_field()


class SafetyCheckOut(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    checked_at = serializers.DateTimeField(help_text=_("サーバーが受け付けた日時（順序はこれで決まります）"))
    written_at = serializers.DateTimeField(allow_null=True)
    created = serializers.BooleanField(help_text=_("false: 同じ識別子の記録がすでにあり、それを返しました"))


class SafetyPersonOut(serializers.Serializer):
    registration = serializers.UUIDField(source="pk")
    name = serializers.CharField(source="person.name")
    address = serializers.CharField(source="person.address")
    area = serializers.CharField(source="area.name")
    last_status = serializers.CharField(allow_null=True)
    last_checked_at = serializers.DateTimeField(allow_null=True)


class SafetyRoundOut(serializers.Serializer):
    declaration = serializers.IntegerField(source="declaration.pk")
    title = serializers.CharField(source="declaration.title")
    is_drill = serializers.BooleanField(source="declaration.is_drill")
    started_at = serializers.DateTimeField(source="declaration.started_at")
    people = SafetyPersonOut(many=True)


class ThisPhoneOut(serializers.Serializer):
    phone = serializers.IntegerField(
        allow_null=True, help_text=_("自分専用として登録した端末のID（登録していなければ null）")
    )
    user = serializers.IntegerField(
        help_text=_("ログインしている利用者のID（送信待ちの記録はこの人のものだけ送ります）")
    )
    csrf = serializers.CharField(help_text=_("送信のときに X-CSRFToken に入れる値"))
    keep_hours = serializers.IntegerField(help_text=_("送信待ちの記録を端末に残しておく時間（この後は消去）"))


class QueueKeyOut(serializers.Serializer):
    key = serializers.CharField(
        help_text=_("AES-256-GCM の鍵（Base64）。端末は取り出せない鍵として取り込みます")
    )
