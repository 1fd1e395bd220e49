"""The API's endpoints: thin adapters over the same services and selectors as the pages."""

import base64
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import get_token
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import PROBLEM
from api.forms import body_of, described, form_data, form_errors, plain
from api.models import Scope
from api.serializers import (
    ActionDoneOut,
    ActionFormOut,
    CaseListOut,
    CaseOut,
    ConcernIn,
    ConcernOut,
    MatterDoneOut,
    MatterOut,
    MatterRowOut,
    MeetingDoneOut,
    MeetingOut,
    PersonChangedOut,
    PersonOfCaseOut,
    PersonSearchIn,
    PersonSearchOut,
    Problem,
    QueueKeyOut,
    ReferralDoneOut,
    ReferralListOut,
    ReferralOut,
    SafetyCheckIn,
    SafetyCheckOut,
    SafetyRoundOut,
    StandingOut,
    ThisPhoneOut,
)
from cases.actions import CASE_ACTIONS, MEETING_ACTIONS
from cases.forms_lists import CaseListForm
from cases.forms_people import IdentityForm
from cases.models import AccessLevel, CaseState
from cases.models.meetings import confidentiality_text
from cases.selectors import (
    case_for_action,
    case_list_choices,
    case_page,
    case_standing,
    concern_form_choices,
    consent_of,
    grant_of,
    inbox_page,
    meeting_for_action,
    meeting_page,
    person_search,
    require_offered,
)
from cases.selectors.lists import URGENCY_CHOICES, ListSort, ListTab
from cases.selectors.people import people_form_page, require_changeable
from cases.services import intake
from cases.services.people import EDITABLE_FIELDS, update_person_identity
from cases.services.sharing import end_access, withdraw_consent
from cases.web import Action
from disaster import selectors as disaster_selectors
from disaster.services import record_check
from guardianship.actions import MATTER_ACTIONS, matter_for_form, offered_on
from guardianship.selectors import centre_matters, matter_page, matter_standing, matter_to_act_on
from phones.selectors import phone_of
from phones.services import SESSION_PHONE, issue_queue_key
from privacy.exceptions import DataErased
from referrals.actions import ACTIONS as REFERRAL_ACTIONS
from referrals.actions import NEW as NEW_REFERRAL
from referrals.actions import offered_actions, referral_for_form
from referrals.forms import ReferralListForm
from referrals.models import ReferralState
from referrals.selectors import (
    ReferralSort,
    ReferralTab,
    referral_inbox,
    referral_page,
    referral_standing,
    referral_to_act_on,
)
from referrals.services import mark_seen_by_referrer


def problems(*statuses: int) -> dict:
    """The schema's word for the errors an operation answers with (api/errors.py)."""
    return {(status_code, PROBLEM): Problem for status_code in statuses}


class ConcernCreate(APIView):
    """Log a concern (気付き), as the concern form does: the case is opened in 受付待ち and the care
    plazas of the area (the ward office where there is none) see it in their intake inbox."""

    required_scope = Scope.CONCERNS_CREATE
    required_permission = "cases.add_concern"

    @extend_schema(
        request=ConcernIn,
        responses={201: ConcernOut, 200: ConcernOut, **problems(400, 401, 403, 422)},
        operation_id="concerns_create",
    )
    def post(self, request):
        choices = concern_form_choices(request.user)
        given = ConcernIn(data=request.data, areas=choices.areas)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        case, created = intake.report_concern_once(
            actor=request.user,  # a token's user belongs to the token's organisation alone
            key=data["key"],
            area=data["area"],
            reporter_kind=data.get("reporter_kind") or choices.reporter_kind,
            signals=data["signals"],
            categories=data["categories"],
            urgency=data["urgency"],
            details=data["details"],
            identity={"name": data["name"], "address": data["address"]},
            written_at=data["written_at"],
        )
        answer = {"id": case.pk, "reference": case.reference, "urgent": case.urgent, "created": created}
        return Response(
            ConcernOut(answer).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class PersonSearch(APIView):
    """Find a person as the search page does: exact match on name, kana, phone or birth date
    (spelling variants folded), only among the people the reader may see, each with the cases
    they may open. Showing the names is recorded; the query never is."""

    required_scope = Scope.PERSONS_SEARCH
    required_permission = "cases.view_person"

    @extend_schema(
        request=PersonSearchIn,
        responses={200: PersonSearchOut, **problems(400, 401, 403)},
        operation_id="persons_search",
    )
    def post(self, request):
        given = PersonSearchIn(data=request.data)
        given.is_valid(raise_exception=True)
        return Response(PersonSearchOut(person_search(request.user, given.validated_data["q"])).data)


class CaseList(APIView):
    """The intake inbox, as the inbox page lists it: one tab, 50 cases a page, each named as the
    reader's grants allow (recorded). Query: tab, state, area, urgency, lead, sort, page — the
    inbox page's own parameters; one it cannot use is a 400 naming it."""

    required_scope = Scope.CASES_READ
    required_permission = "cases.take_intake"

    @extend_schema(
        parameters=[
            OpenApiParameter("tab", enum=[code for code, _label in ListTab.CHOICES]),
            OpenApiParameter("state", enum=CaseState.values),
            OpenApiParameter("area", int, description=gettext_lazy("地区・圏域のID")),
            OpenApiParameter("urgency", enum=[code for code, _label in URGENCY_CHOICES]),
            OpenApiParameter("lead", int, description=gettext_lazy("主担当の組織のID")),
            OpenApiParameter("sort", enum=[code for code, _label in ListSort.CHOICES]),
            OpenApiParameter("page", int),
        ],
        responses={200: CaseListOut, **problems(400, 401, 403)},
        operation_id="cases_list",
    )
    def get(self, request):
        form = CaseListForm(request.query_params, choices=case_list_choices(request.user))
        return Response(CaseListOut(inbox_page(request.user, list_query(request, form))).data)


def list_query(request, form, pages: dict[str, str] | None = None):
    """A list's query read from the call's parameters by the list page's own form; what the page
    would quietly drop or clamp — a value not on offer, a filter given empty, a page that is not
    one positive number — is a 400 naming it. ``pages``: parameter → the query's page keyword."""
    params = request.query_params
    numbers = {}
    errors = {}
    for parameter, keyword in (pages or {"page": "page"}).items():
        given = params.getlist(parameter)
        if given and (len(given) > 1 or not given[0].isdigit() or int(given[0]) < 1):
            errors[parameter] = [_("ページは1以上の整数で一つだけ指定してください。")]
        numbers[keyword] = given[0] if given else 1
    query = form.query(**numbers)
    errors |= form.errors
    for name in form.fields:
        if name in params and not params[name]:
            errors[name] = [_("値を指定するか、パラメータごと省いてください。")]
    if errors:
        raise ValidationError(errors)
    return query


class ReferralList(APIView):
    """The referral inbox, as its page lists it: what the reader's agency received (one tab, the
    page's filters, 50 a page) and what the reader's organisation sent (what needs attention first,
    ``sent`` its page); each named as the reader's grants allow (recorded). Query: tab, state,
    urgency, sort, page, sent — the page's own parameters; one it cannot use is a 400 naming it."""

    required_scope = Scope.REFERRALS_READ

    @extend_schema(
        parameters=[
            OpenApiParameter("tab", enum=[code for code, _label in ReferralTab.CHOICES]),
            OpenApiParameter(
                "state", enum=[state.value for state in ReferralState if state != ReferralState.DRAFT]
            ),
            OpenApiParameter("urgency", enum=[code for code, _label in URGENCY_CHOICES]),
            OpenApiParameter("sort", enum=[code for code, _label in ReferralSort.CHOICES]),
            OpenApiParameter("page", int, description=gettext_lazy("受け取った一覧のページ")),
            OpenApiParameter("sent", int, description=gettext_lazy("送った一覧のページ")),
        ],
        responses={200: ReferralListOut, **problems(400, 401, 403)},
        operation_id="referrals_list",
    )
    def get(self, request):
        query = list_query(
            request, ReferralListForm(request.query_params), {"page": "page", "sent": "sent_page"}
        )
        return Response(ReferralListOut(referral_inbox(request.user, query)).data)


class MatterList(APIView):
    """The matters of the reader's guardianship centre, as its home lists them: state, area and
    when each was opened (nothing personal; the case's number is on the matter's read)."""

    required_scope = Scope.MATTERS_READ

    @extend_schema(
        responses={200: MatterRowOut(many=True), **problems(401, 403)}, operation_id="matters_list"
    )
    def get(self, request):
        return Response(MatterRowOut(centre_matters(request.user), many=True).data)


class CaseDetail(APIView):
    """One case as its page shows it to the reader (refused, and recorded, as the page is: the
    same answer whether the case is missing or not theirs to see). The read is recorded."""

    required_scope = Scope.CASES_READ

    @extend_schema(
        parameters=[OpenApiParameter("case_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: CaseOut, **problems(401, 403, 404)},
        operation_id="cases_read",
    )
    def get(self, request, case_id: str):
        page = case_page(request.user, _path_id(case_id))
        case = page.case
        return Response(
            CaseOut(
                {
                    "id": case.pk,
                    "reference": case.reference,
                    "state": case.state,
                    "version": case.version,
                    "urgent": case.urgent,
                    "created_at": case.created_at,
                    "area": case.area.name,
                    "lead_organisation": case.lead_organisation.name if case.lead_organisation else None,
                    "field_groups": sorted(page.field_groups),
                    "erased": case.person.is_erased,
                    "person": page.person,
                    "concerns": _concern_rows(page.concerns),
                    "meetings": [
                        {
                            "id": meeting.pk,
                            "kind": meeting.kind,
                            "scheduled_for": meeting.scheduled_for,
                            "held": meeting.is_held,
                            "outcome": meeting.outcome or None,
                        }
                        for meeting in page.meetings
                    ],
                    "consents": [
                        {
                            "id": consent.pk,
                            "purpose": consent.purpose,
                            "method": consent.method,
                            "obtained_on": consent.obtained_on,
                            "valid_until": consent.valid_until,
                            "recipients": consent.recipient_names,
                            "withdrawn": consent.withdrawn_at is not None,
                        }
                        for consent in page.consents
                    ],
                    "disclosures": [
                        {
                            "disclosed_at": disclosure.disclosed_at,
                            "recipient": disclosure.recipient.name,
                            "legal_basis": disclosure.legal_basis.name,
                            "field_groups": disclosure.field_groups,
                        }
                        for disclosure in page.disclosures
                    ],
                    "grants": [
                        {
                            "id": grant.pk,
                            "holder": grant.organisation.name if grant.organisation else str(grant.user),
                            "level": AccessLevel(grant.level).name.lower(),
                            "reason": grant.reason,
                            "expires_at": grant.expires_at,
                            "field_groups": grant.field_groups,
                            "endable": grant.reason != grant.Reason.OWNER,
                        }
                        for grant in page.grants
                    ],
                    "actions": sorted(page.actions),
                }
            ).data
        )


class ConsentWithdrawal(APIView):
    """The case page's 撤回を記録 on one of its consents: from now on nothing is shared under it and
    the access resting on it ends (sharing.withdraw_consent). Refused, recorded, to whoever may not
    record on the case, and for a consent that is not the case's, before anything changes."""

    required_scope = Scope.CASES_ACT

    @extend_schema(
        parameters=[
            OpenApiParameter("case_id", OpenApiTypes.UUID, OpenApiParameter.PATH),
            OpenApiParameter("consent_id", OpenApiTypes.UUID, OpenApiParameter.PATH),
        ],
        request=None,
        responses={200: ActionDoneOut, **problems(401, 403, 404, 422)},
        operation_id="cases_consent_withdraw",
        summary=gettext_lazy("同意の撤回を記録する"),
    )
    def post(self, request, case_id: str, consent_id: str):
        case = case_for_action(request.user, _path_id(case_id), "change_case")
        consent = withdraw_consent(actor=request.user, consent=consent_of(request.user, case, consent_id))
        standing = _standing(case, case_standing(case))
        return Response(
            ActionDoneOut(
                {"action": "withdraw_consent", "case": standing, "record": record_made(consent, case)}
            ).data
        )


class AccessEnd(APIView):
    """The case page's アクセスを終了 on one of the case's live grants to another (not the lead's
    own): the organisation or person no longer sees the case (sharing.end_access). The lead's
    alone; refused, recorded, to anyone else and for a grant that is not one of these."""

    required_scope = Scope.CASES_ACT

    @extend_schema(
        parameters=[
            OpenApiParameter("case_id", OpenApiTypes.UUID, OpenApiParameter.PATH),
            OpenApiParameter("grant_id", int, OpenApiParameter.PATH),
        ],
        request=None,
        responses={200: ActionDoneOut, **problems(401, 403, 404, 422)},
        operation_id="cases_access_end",
        summary=gettext_lazy("アクセスを終了する"),
    )
    def post(self, request, case_id: str, grant_id: str):
        case = case_for_action(request.user, _path_id(case_id), "lead_case")
        end_access(actor=request.user, grant=grant_of(request.user, case, grant_id))
        standing = _standing(case, case_standing(case))
        return Response(ActionDoneOut({"action": "end_access", "case": standing, "record": None}).data)


class CaseAction(APIView):
    """One action of the case page (cases/actions.py): the same form, the same service, under the
    same permission. GET says what the form asks of this reader on this case now (where the page
    offers it); POST takes it: the case's state and version after it, and the record it made.
    One view per action (``case_action_view``), so that the schema describes each one's body."""

    required_scope = Scope.CASES_ACT
    body: type = None  # the action's body (api.forms.body_of)

    def get(self, request, case_id: str, action: str):
        codename, act = CASE_ACTIONS[action]
        case = case_for_action(request.user, _path_id(case_id), codename)
        require_offered(request.user, case, action)
        return Response(_form_described(action, act, request.user, case))

    def post(self, request, case_id: str, action: str):
        codename, act = CASE_ACTIONS[action]
        # Refused (recorded) before the body is read, as the page's form is.
        case = case_for_action(request.user, _path_id(case_id), codename)
        made = act_on(request, act, case, self.body)
        standing = _standing(case, case_standing(case))
        record = record_made(made, case)
        return Response(ActionDoneOut({"action": action, "case": standing, "record": record}).data)


def _form_described(name: str, act: Action, actor, obj) -> dict:
    """What an action's empty form asks of this actor on this record now (ActionFormOut)."""
    form = act.bound_form(actor, obj)
    return ActionFormOut({"action": name, "title": str(act.title), "fields": described(form)}).data


def act_on(request, act: Action, obj, body: type) -> object:
    """An action of a page taken through the API: the call's body typed (``body``), then the page's
    own form and service. A refusal is a 422, a stale version a 409 (api.errors)."""
    form = act.bound_form(request.user, obj, form_data(request.data, body))
    if not form.is_valid():
        raise ValidationError(form_errors(form))
    return act.run(request, obj, form)


def record_made(made: object, acted_on: object) -> dict | None:
    """The record an action made (a consent, a meeting …), named by kind and id; none when the
    service answered with the object acted on."""
    if made is None or type(made) is type(acted_on) or not hasattr(made, "_meta"):
        return None
    return {"type": made._meta.model_name, "id": str(made.pk)}


def view_of_action(base: type, name: str, act: Action, path_id: str, prefix: str, done: type, **get):
    """One view of ``base`` for one action of a page, its body described from the page's form
    (``get``: the schema of a GET that describes the form, where the view has one)."""
    body = body_of(act.form_class, f"{prefix}_{name}")
    title = act.title or name  # lazy, as are the texts below: the schema in the reader's language
    view = type(body.__name__.removesuffix("In"), (base,), {"body": body})
    parameters = [OpenApiParameter(path_id, OpenApiTypes.UUID, OpenApiParameter.PATH)]
    schemas = {
        "post": extend_schema(
            parameters=parameters,
            request=body,
            responses={200: done, **problems(400, 401, 403, 404, 409, 422)},
            operation_id=f"{prefix}_{name}",
            summary=title,
            description=format_lazy(
                gettext_lazy(
                    "「{title}」を画面と同じフォーム・同じサービスで行います。本文は画面の入力項目。"
                    "version が古ければ 409、規則により受け付けられなければ 422。"
                ),
                title=title,
            ),
        )
    }
    if get:
        schemas["get"] = extend_schema(
            parameters=parameters,
            responses={200: ActionFormOut, **problems(401, 403, 404)},
            operation_id=f"{prefix}_{name}_form",
            summary=format_lazy(gettext_lazy("{title}（入力項目）"), title=title),
            **get,
        )
    return extend_schema_view(**schemas)(view).as_view()


def case_action_view(name: str):
    return view_of_action(
        CaseAction,
        name,
        CASE_ACTIONS[name][1],
        "case_id",
        "cases",
        ActionDoneOut,
        description=gettext_lazy(
            "画面の入力項目（選べる値と最初の値）を、この閲覧者とこのケースについて返します。"
            "画面がこの操作を示すときだけ（ほかは 403）。"
        ),
    )


class MeetingDetail(APIView):
    """A support meeting as its page shows it: to an attendee, what it is and the duty of
    confidentiality to acknowledge (``acknowledge``); its content while the reader's grant on the
    case includes meetings (the read recorded, as the page records it). Anyone else is refused,
    recorded, alike whether the meeting exists or not."""

    required_scope = Scope.CASES_READ

    @extend_schema(
        parameters=[OpenApiParameter("meeting_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: MeetingOut, **problems(401, 403, 404)},
        operation_id="meetings_read",
    )
    def get(self, request, meeting_id: str):
        page = meeting_page(request.user, _path_id(meeting_id))
        meeting, attendance = page.meeting, page.attendance
        return Response(
            MeetingOut(
                {
                    "id": meeting.pk,
                    "case_id": meeting.case_id,
                    "kind": meeting.kind,
                    "scheduled_for": meeting.scheduled_for,
                    "held_at": meeting.held_at,
                    "legal_basis": meeting.legal_basis.name,
                    "convened_by": meeting.convened_by.name,
                    "version": meeting.case.version,
                    "attending": attendance is not None,
                    "acknowledged": attendance is not None and attendance.acknowledged_at is not None,
                    "confidentiality": confidentiality_text(meeting),
                    "content": _meeting_content(page) if page.shows_content else None,
                    "actions": sorted(page.actions),
                }
            ).data
        )


def _meeting_content(page) -> dict:
    """What the meeting page shows of its content (read and recorded by ``meeting_page``)."""
    meeting = page.meeting
    held = meeting.is_held
    return {
        "agenda": _readable(meeting, "agenda"),
        "attendees": [
            {
                "name": str(attendance.user),
                "organisation": attendance.organisation.name,
                "acknowledged": attendance.acknowledged_at is not None,
            }
            for attendance in meeting.attendances.all()
        ],
        "guests": [
            {
                "id": guest.pk,
                "name": _readable(guest, "name"),
                "relation": _readable(guest, "relation"),
                "organisation": _readable(guest, "organisation"),
                "paper_acknowledged": guest.paper_acknowledged_at is not None,
            }
            for guest in page.guests
        ],
        "minutes": _readable(meeting, "minutes") if held else "",
        "amendments": [
            {
                "amended_at": amendment.amended_at,
                "amended_by": str(amendment.amended_by),
                "reason": _readable(amendment, "reason"),
                "previous_minutes": _readable(amendment, "previous_minutes"),
            }
            for amendment in page.amendments
        ],
        "decisions": [
            {"outcome": decision.outcome, "reason": _readable(decision, "reason")}
            for decision in (meeting.decisions.all() if held else ())
        ],
        "action_items": [
            {
                "description": _readable(item, "description"),
                "owner": str(item.owner),
                "due_on": item.due_on,
                "done": item.done_at is not None,
                "result": _readable(item, "result"),
            }
            for item in (meeting.action_items.all() if held else ())
        ],
    }


class MeetingAction(APIView):
    """One action of the meeting page (cases/actions.py MEETING_ACTIONS): an attendee's
    acknowledgement of confidentiality; the lead's record of the meeting (``hold``, with the case's
    version), its attendees and guests before it is held, its minutes and action items after. GET
    describes the form where the page offers it now; POST takes it from whoever takes that action
    (anyone else refused, recorded, first) — a meeting held since is the service's 422."""

    required_scope = Scope.CASES_ACT
    body: type = None

    def get(self, request, meeting_id: str, action: str):
        page = meeting_for_action(request.user, _path_id(meeting_id), action, offered=True)
        return Response(_form_described(action, MEETING_ACTIONS[action], request.user, page.meeting))

    def post(self, request, meeting_id: str, action: str):
        page = meeting_for_action(request.user, _path_id(meeting_id), action)
        meeting = page.meeting
        made = act_on(request, MEETING_ACTIONS[action], meeting, self.body)
        standing = _standing(meeting.case, case_standing(meeting.case))
        return Response(
            MeetingDoneOut({"action": action, "case": standing, "record": record_made(made, meeting)}).data
        )


def meeting_action_view(name: str):
    return view_of_action(
        MeetingAction,
        name,
        MEETING_ACTIONS[name],
        "meeting_id",
        "meetings",
        MeetingDoneOut,
        description=gettext_lazy(
            "画面の入力項目（選べる値と最初の値）を、この閲覧者とこの会議について返します。"
            "画面がこの操作を示すときだけ（ほかは 403）。"
        ),
    )


PERSON_BODY = body_of(IdentityForm, "person_identity")
CHANGE_PERSON = "update_person_identity"  # the page's action, named in a refusal's audit event


class PersonOfCase(APIView):
    """The case's person, as the page 本人の情報を変更する reads and changes them: only the identity
    and contact fields the reader may change (their grant's field groups), the read recorded;
    PATCH changes the fields given (others stay) at the version read — a 409 if someone changed
    the person since."""

    required_scope = Scope.PERSONS_UPDATE

    @extend_schema(
        parameters=[OpenApiParameter("case_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: PersonOfCaseOut, **problems(401, 403, 404)},
        operation_id="persons_read",
    )
    def get(self, request, case_id: str):
        page = people_form_page(
            request.user, _path_id(case_id), CHANGE_PERSON, needs_identity=False, read_current=True
        )
        shown = {name: plain(value) for name, value in page.current.items()}
        return Response(PersonOfCaseOut({"version": page.version, "fields": shown}).data)

    @extend_schema(
        parameters=[OpenApiParameter("case_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        request=PERSON_BODY,
        responses={200: PersonChangedOut, **problems(400, 401, 403, 404, 409, 422)},
        operation_id="persons_update",
    )
    def patch(self, request, case_id: str):
        page = people_form_page(request.user, _path_id(case_id), CHANGE_PERSON, needs_identity=False)
        # A field outside their groups is refused (recorded) as the service would, before any value
        # is read; a name that is no field at all is a 400 below.
        named = request.data if isinstance(request.data, dict) else {}
        require_changeable(request.user, page, [n for n in named if n in EDITABLE_FIELDS], CHANGE_PERSON)
        data = form_data(request.data, PERSON_BODY)
        given = [name for name in data if name != "version"]
        form = IdentityForm(data, fields=given)
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        person = update_person_identity(
            actor=request.user,
            case=page.case,
            expected_version=form.cleaned_data["version"],
            **{name: form.cleaned_data[name] for name in given},
        )
        return Response(PersonChangedOut({"version": person.version}).data)


class ReferralDetail(APIView):
    """A referral as its page shows it to the reader (refused, recorded, as the page is): both
    sides see where it stands; the agency reads the purpose, the messages and the shared fields
    while its access lasts (the read recorded, as the page records it)."""

    required_scope = Scope.REFERRALS_READ

    @extend_schema(
        parameters=[OpenApiParameter("referral_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: ReferralOut, **problems(401, 403, 404)},
        operation_id="referrals_read",
    )
    def get(self, request, referral_id: str):
        view = referral_page(request.user, _path_id(referral_id))
        referral = view.referral
        if view.is_referrer:
            mark_seen_by_referrer(actor=request.user, referral=referral)  # as the page does
        return Response(
            ReferralOut(
                {
                    "id": referral.pk,
                    "case_id": referral.case_id if view.is_referrer else None,
                    "state": referral.state,
                    "version": referral.version,
                    "referring_organisation": referral.referring_organisation.name,
                    "recipient": referral.recipient.name,
                    "is_referrer": view.is_referrer,
                    "is_recipient": view.is_recipient,
                    "field_groups": referral.field_groups,
                    "sent_at": referral.sent_at,
                    "accept_by": referral.accept_by,
                    "purpose": _readable(referral, "purpose") if view.shows_referral_text else None,
                    "messages": [
                        {
                            "kind": message.kind,
                            "text": _readable(message, "text"),
                            "organisation": message.organisation.name,
                            "created_at": message.created_at,
                        }
                        for message in view.messages
                    ],
                    "person": view.content.person,
                    "concerns": _concern_rows(view.content.concerns),
                    # What the page shows of the meetings: those held, with their minutes.
                    "meetings": [
                        {
                            "held_at": meeting.held_at,
                            "kind": meeting.kind,
                            "minutes": _readable(meeting, "minutes"),
                        }
                        for meeting in view.content.meetings
                        if meeting.is_held
                    ],
                    "actions": offered_actions(view),
                }
            ).data
        )


class ReferralAction(APIView):
    """One action of the referral page (referrals/actions.py), for either side: the same form and
    service; the referral's state and version after it. One view per action (``action_views``)."""

    required_scope = Scope.REFERRALS_ACT
    body: type = None

    def get(self, request, referral_id: str, action: str):
        referral = referral_for_form(request.user, _path_id(referral_id), action).referral
        return Response(_form_described(action, REFERRAL_ACTIONS[action], request.user, referral))

    def post(self, request, referral_id: str, action: str):
        # Who the actor is to the referral, refused (recorded) before the body is read.
        referral = referral_to_act_on(request.user, _path_id(referral_id)).referral
        act_on(request, REFERRAL_ACTIONS[action], referral, self.body)
        standing = _standing(referral, referral_standing(referral))
        return Response(ReferralDoneOut({"action": action, "referral": standing}).data)


def referral_action_view(name: str):
    return view_of_action(
        ReferralAction,
        name,
        REFERRAL_ACTIONS[name],
        "referral_id",
        "referrals",
        ReferralDoneOut,
        description=gettext_lazy(
            "画面の入力項目（選べる値と最初の値。受け入れなら担当者の候補）を、この閲覧者と"
            "このつなぎについて返します。画面がこの操作を示すときだけ（ほかは 403）。"
        ),
    )


REFERRAL_BODY = body_of(NEW_REFERRAL.form_class, "referral_draft")


class ReferralDraft(APIView):
    """The case page's 関係機関につなぐ: a draft of a referral from the case, to send afterwards
    (``send``); only its lead may, as on the page."""

    required_scope = Scope.REFERRALS_ACT

    @extend_schema(
        parameters=[OpenApiParameter("case_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        request=REFERRAL_BODY,
        responses={201: StandingOut, **problems(400, 401, 403, 404, 409, 422)},
        operation_id="referrals_draft",
    )
    def post(self, request, case_id: str):
        case = case_for_action(request.user, _path_id(case_id), "lead_case")  # refused before the body
        referral = act_on(request, NEW_REFERRAL, case, REFERRAL_BODY)
        standing = _standing(referral, referral_standing(referral))
        return Response(StandingOut(standing).data, status=status.HTTP_201_CREATED)


ASSESSMENT = ("capacity_concerns", "wishes", "wishes_supported_by", "wishes_how")


class MatterDetail(APIView):
    """A guardianship matter as its page shows it to its centre (anyone else refused, recorded, as
    the page is); the read recorded as the page records it."""

    required_scope = Scope.MATTERS_READ

    @extend_schema(
        parameters=[OpenApiParameter("matter_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: MatterOut, **problems(401, 403, 404)},
        operation_id="matters_read",
    )
    def get(self, request, matter_id: str):
        overview = matter_page(request.user, _path_id(matter_id))
        matter, petition = overview.matter, overview.petition
        return Response(
            MatterOut(
                {
                    "id": matter.pk,
                    "case_reference": matter.case.reference,
                    "state": matter.state,
                    "version": matter.version,
                    "centre": matter.centre.name,
                    "opened_at": matter.opened_at,
                    "assessment": {name: _readable(matter, name) for name in ASSESSMENT},
                    "petition": petition
                    and {
                        "type": petition.type,
                        "petitioner_kind": petition.petitioner_kind,
                        "filed_on": petition.filed_on,
                        "ruling": petition.ruling or None,
                    },
                    "person": overview.content.person,
                    "actions": offered_on(overview),
                }
            ).data
        )


class MatterAction(APIView):
    """One action of the matter page (guardianship/actions.py), for its centre only: the same form
    and service; the matter's state and version after it. One view per action."""

    required_scope = Scope.MATTERS_ACT
    body: type = None

    def get(self, request, matter_id: str, action: str):
        matter = matter_for_form(request.user, _path_id(matter_id), action)
        return Response(_form_described(action, MATTER_ACTIONS[action], request.user, matter))

    def post(self, request, matter_id: str, action: str):
        matter = matter_to_act_on(request.user, _path_id(matter_id))  # refused, recorded, first
        made = act_on(request, MATTER_ACTIONS[action], matter, self.body)
        standing = _standing(matter, matter_standing(matter))
        record = record_made(made, matter)
        return Response(MatterDoneOut({"action": action, "matter": standing, "record": record}).data)


def matter_action_view(name: str):
    return view_of_action(
        MatterAction,
        name,
        MATTER_ACTIONS[name],
        "matter_id",
        "matters",
        MatterDoneOut,
        description=gettext_lazy(
            "画面の入力項目（選べる値と最初の値）を、この案件の状態について返します。"
            "画面がこの操作を示すときだけ（ほかは 403）。"
        ),
    )


def _standing(obj, state_and_version: tuple[str, int]) -> dict:
    """Where a record stands after an action (StandingOut)."""
    state, version = state_and_version
    return {"id": obj.pk, "state": state, "version": version}


def _path_id(given: str) -> uuid.UUID:
    """An id from the path (a case's, a referral's): one that is no UUID names nothing."""
    try:
        return uuid.UUID(given)
    except ValueError:
        raise NotFound() from None  # nothing could have it: nothing to refuse or record


def _concern_rows(concerns: list) -> list[dict]:
    """The concerns as the case page and a referral's page show them."""
    return [
        {
            "noticed_on": concern.noticed_on,
            "reporter_kind": concern.reporter_kind,
            "urgency": concern.urgency,
            "tags": [str(label) for label in concern.tag_labels],
            "details": _readable(concern, "details"),
        }
        for concern in concerns
    ]


def _readable(obj: object, field: str) -> object:
    """An encrypted field's value, or None once its person was erased (the page shows 消去済み)."""
    try:
        return getattr(obj, field)
    except DataErased:
        return None


class SafetyRounds(APIView):
    """The persons assigned to the reader in each disaster in effect over them (a drill: those who
    consented), with their latest check, as the checks page lists them; the names recorded."""

    required_scope = Scope.SAFETY_CHECKS
    required_permission = "disaster.add_safetycheck"

    @extend_schema(
        responses={200: SafetyRoundOut(many=True), **problems(401, 403)}, operation_id="safety_rounds"
    )
    def get(self, request):
        return Response(SafetyRoundOut(disaster_selectors.checks_page(request.user), many=True).data)


class SafetyCheckCreate(APIView):
    """Record a safety check (無事 / 要支援 / 不在 / 連絡つかず / 避難済み) of a person assigned to the
    reader, or of anyone in the scope for the ward office's list keepers: 201 with the check; a
    ``key`` already used by the reader answers 200 with the first check, never a second."""

    required_scope = Scope.SAFETY_CHECKS

    @extend_schema(
        request=SafetyCheckIn,
        responses={201: SafetyCheckOut, 200: SafetyCheckOut, **problems(400, 401, 403, 422)},
        operation_id="safety_checks_create",
    )
    def post(self, request):
        given = SafetyCheckIn(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        declaration = disaster_selectors.declaration_for_check(request.user, data["declaration"])
        check, created = record_check(
            actor=request.user,
            declaration=declaration,
            registration_id=data["registration"],
            status=data["status"],
            note=data["note"],
            written_at=data["written_at"],
            key=data["key"],
        )
        out = SafetyCheckOut(
            {
                "id": check.pk,
                "status": check.status,
                "checked_at": check.checked_at,
                "written_at": check.written_at,
                "created": created,
            }
        ).data
        return Response(out, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ThisPhone(APIView):
    """What the phone's offline queue asks before it sends (docs/offline.md): whether this session
    is kept on a phone its user marked as their own, the CSRF token to send with (a page the phone
    kept may hold an old one), and how long what waits unsent is kept. Signed-in browsers only:
    a token is no phone."""

    required_scope = None

    @extend_schema(responses={200: ThisPhoneOut, **problems(401, 403)}, operation_id="phones_this")
    def get(self, request):
        phone = request.session.get(SESSION_PHONE)  # a token never gets here (no scope)
        return Response(
            ThisPhoneOut(
                {
                    "phone": phone,
                    "user": request.user.pk,
                    "csrf": get_token(request),
                    "keep_hours": settings.TSUNAGU_OFFLINE_KEEP_HOURS,
                }
            ).data
        )


class ThisPhoneKey(APIView):
    """A new key for what waits on this phone: AES-256-GCM, which the phone imports as a key no
    script can read back out. Only on a phone its user marked as their own; the server keeps no
    copy (phones.services.issue_queue_key)."""

    required_scope = None

    @extend_schema(
        request=None, responses={201: QueueKeyOut, **problems(401, 403)}, operation_id="phones_key"
    )
    def post(self, request):
        kept = request.session.get(SESSION_PHONE)
        phone = phone_of(request.user, kept) if kept is not None else None
        if phone is None:
            raise PermissionDenied(
                _("この端末は自分専用として登録されていません。ログインの画面で登録してください。")
            )
        key = base64.b64encode(issue_queue_key(actor=request.user, phone=phone)).decode()
        return Response(QueueKeyOut({"key": key}).data, status=status.HTTP_201_CREATED)
