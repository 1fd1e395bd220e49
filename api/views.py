"""The API's endpoints: thin adapters over the same services and selectors as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.models import ApiToken, Scope
from api.serializers import ConcernIn, ConcernOut, Problem
from cases.selectors import concern_form_choices
from cases.services import intake


class ConcernCreate(APIView):
    """Log a concern (気付き), as the concern form does: the case is opened in 受付待ち and the care
    plazas of the area (the ward office where there is none) see it in their intake inbox."""

    required_scope = Scope.CONCERNS_CREATE
    required_permission = "cases.add_concern"

    @extend_schema(
        request=ConcernIn,
        responses={201: ConcernOut, **dict.fromkeys([400, 401, 403, 422], Problem)},
        operation_id="concerns_create",
    )
    def post(self, request):
        choices = concern_form_choices(request.user)
        given = ConcernIn(data=request.data, areas=choices.areas)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        token = request.auth if isinstance(request.auth, ApiToken) else None
        case = intake.report_concern(
            actor=request.user,
            organisation=token.organisation if token else None,
            area=data["area"],
            reporter_kind=data.get("reporter_kind") or choices.reporter_kind,
            signals=data["signals"],
            categories=data["categories"],
            urgency=data["urgency"],
            details=data["details"],
            identity={"name": data["name"], "address": data["address"]},
        )
        return Response(ConcernOut(case).data, status=status.HTTP_201_CREATED)
