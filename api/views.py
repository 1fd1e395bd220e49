"""The API's endpoints: thin adapters over the same services and selectors as the pages."""

import uuid

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import PROBLEM
from api.models import Scope
from api.serializers import (
    CaseListOut,
    CaseOut,
    ConcernIn,
    ConcernOut,
    PersonSearchIn,
    PersonSearchOut,
    Problem,
)
from cases.forms_lists import CaseListForm
from cases.models import CaseState
from cases.selectors import case_list_choices, case_page, concern_form_choices, inbox_page, person_search
from cases.selectors.lists import URGENCY_CHOICES, ListSort, ListTab
from cases.services import intake
from privacy.exceptions import DataErased


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
        responses={201: ConcernOut, **problems(400, 401, 403, 422)},
        operation_id="concerns_create",
    )
    def post(self, request):
        choices = concern_form_choices(request.user)
        given = ConcernIn(data=request.data, areas=choices.areas)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        case = intake.report_concern(
            actor=request.user,  # a token's user belongs to the token's organisation alone
            area=data["area"],
            reporter_kind=data.get("reporter_kind") or choices.reporter_kind,
            signals=data["signals"],
            categories=data["categories"],
            urgency=data["urgency"],
            details=data["details"],
            identity={"name": data["name"], "address": data["address"]},
        )
        return Response(ConcernOut(case).data, status=status.HTTP_201_CREATED)


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
            OpenApiParameter("area", int, description="地区・圏域のID"),
            OpenApiParameter("urgency", enum=[code for code, _label in URGENCY_CHOICES]),
            OpenApiParameter("lead", int, description="主担当の組織のID"),
            OpenApiParameter("sort", enum=[code for code, _label in ListSort.CHOICES]),
            OpenApiParameter("page", int),
        ],
        responses={200: CaseListOut, **problems(400, 401, 403)},
        operation_id="cases_list",
    )
    def get(self, request):
        form = CaseListForm(request.query_params, choices=case_list_choices(request.user))
        pages = request.query_params.getlist("page")
        query = form.query(page=pages[0] if pages else 1)
        errors = dict(form.errors)
        for name in form.fields:  # the page's filters: given empty, a program is told
            if name in request.query_params and not request.query_params[name]:
                errors[name] = [_("値を指定するか、パラメータごと省いてください。")]
        if pages and (len(pages) > 1 or not pages[0].isdigit() or int(pages[0]) < 1):
            # The page clamps what it cannot use (known_page); a program is told.
            errors["page"] = [_("ページは1以上の整数で一つだけ指定してください。")]
        if errors:
            raise ValidationError(errors)
        return Response(CaseListOut(inbox_page(request.user, query)).data)


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
        try:
            case_id = uuid.UUID(case_id)
        except ValueError:
            raise NotFound() from None  # no case could have it: nothing to refuse or record
        page = case_page(request.user, case_id)
        case = page.case
        return Response(
            CaseOut(
                {
                    "id": case.pk,
                    "reference": case.reference,
                    "state": case.state,
                    "urgent": case.urgent,
                    "created_at": case.created_at,
                    "area": case.area.name,
                    "lead_organisation": case.lead_organisation.name if case.lead_organisation else None,
                    "field_groups": sorted(page.field_groups),
                    "erased": case.person.is_erased,
                    "person": page.person,
                    "concerns": [
                        {
                            "noticed_on": concern.noticed_on,
                            "reporter_kind": concern.reporter_kind,
                            "urgency": concern.urgency,
                            "tags": [str(label) for label in concern.tag_labels],
                            "details": _readable(concern, "details"),
                        }
                        for concern in page.concerns
                    ],
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
                    "actions": sorted(page.actions),
                }
            ).data
        )


def _readable(obj: object, field: str) -> object:
    """An encrypted field's value, or None once its person was erased (the page shows 消去済み)."""
    try:
        return getattr(obj, field)
    except DataErased:
        return None
