from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indicators import exports, selectors
from indicators.definitions import CONTACTS, COUNCIL_PARTICIPANTS, NOT_COUNTED, PIPELINE, WATCHING_PARTNERS
from indicators.forms import YearForm
from printing import tables


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The plan's indicators for the districts the user's organisations serve: ⑧ from the
    commissioners' contact log, the others from the cases, the guardianship track, and those not
    counted with the reason."""
    form = YearForm(request.GET)
    year = form.asked_year()
    contacts = selectors.contacts_indicator(request.user, year)
    districts = selectors.district_indicators(request.user, year)
    pipeline = selectors.pipeline_indicators(request.user, year)
    wards = [
        selectors.council_indicator(request.user, year),
        selectors.watching_indicator(request.user, year),
    ]
    return render(
        request,
        "indicators/index.html",
        {
            "form": form,
            "contacts": contacts,
            "districts": districts,
            "pipeline": pipeline,
            "wards": zip(["council", "watching"], wards, strict=True),
            "not_counted": NOT_COUNTED,
        },
    )


@login_required
def trends(request: HttpRequest) -> HttpResponse:
    """The indicators' totals over five fiscal years, up to the one asked (``?year=``)."""
    form = YearForm(request.GET)
    return render(
        request,
        "indicators/trends.html",
        {"form": form, "trends": selectors.indicator_trends(request.user, form.asked_year())},
    )


# Each table that can be taken away: the page's read of it, its key in the audit trail, its files,
# the stem of their names.
TABLES = {
    "contacts": (
        selectors.contacts_indicator,
        CONTACTS.key,
        {"xlsx": exports.contacts_xlsx, "csv": exports.contacts_csv},
        "indicator-8",
    ),
    "districts": (
        selectors.district_indicators,
        "districts",
        {"xlsx": exports.districts_xlsx, "csv": exports.districts_csv},
        "indicators-by-district",
    ),
    "council": (
        selectors.council_indicator,
        COUNCIL_PARTICIPANTS.key,
        {"xlsx": exports.ward_xlsx, "csv": exports.ward_csv},
        "indicator-1-3",
    ),
    "watching": (
        selectors.watching_indicator,
        WATCHING_PARTNERS.key,
        {"xlsx": exports.ward_xlsx, "csv": exports.ward_csv},
        "indicator-6b",
    ),
    "guardianship": (
        selectors.pipeline_indicators,
        PIPELINE.key,
        {"xlsx": exports.pipeline_xlsx, "csv": exports.pipeline_csv},
        "guardianship-pipeline",
    ),
    "trends": (
        selectors.indicator_trends,
        "trends",
        {"xlsx": exports.trends_xlsx, "csv": exports.trends_csv},
        "indicator-trends",
    ),
}


@login_required
def table_file(request: HttpRequest, table: str, file_format: str) -> HttpResponse:
    """An indicator table as Excel or CSV, for the year the page shows (``?year=``)."""
    read, key, makers, stem = TABLES[table]
    found = selectors.export_table(request.user, read, key, YearForm(request.GET).asked_year(), file_format)
    # The file's name: what and which year, no one's name.
    return tables.file_response(makers[file_format](found), file_format, f"{stem}_{found.fiscal_year}")
