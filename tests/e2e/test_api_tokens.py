"""A system administrator issues an API token in the admin, on a desktop and on a phone: the key is
shown once, works with the API, and is refused once revoked (docs/api.md "Tokens")."""

import json
import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from api.models import ApiToken
from tests.e2e.conftest import DESKTOP, PHONE, shot


def call(live_server, key: str, area: int) -> int:
    request = urllib.request.Request(  # noqa: S310 (the live server's address)
        f"{live_server.url}/api/v1/concerns/",
        data=json.dumps({"area": area, "signals": ["mail_piling_up"]}).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_sysadmin_issues_and_revokes_a_token(people, open_as, live_server, viewport):
    admin = open_as("demo_admin", viewport)
    admin.goto("/admin/api/apitoken/add/")
    admin.locator("#id_name").fill("区の相談記録システム")
    admin.locator(".field-user .select2-selection").click()
    admin.locator(".select2-search__field").fill("demo_commissioner")
    admin.locator(".select2-results__option", has_text=str(people.commissioner)).click()
    council = people.commissioner.memberships.get().organisation
    admin.locator(".field-organisation .select2-selection").click()
    admin.locator(".select2-search__field").fill(council.name[:4])
    admin.locator(".select2-results__option", has_text=council.name).click()
    admin.get_by_label("気付きの登録").check()
    admin.locator("input[name=_save]").click()

    expect(admin.get_by_role("heading", name="APIトークンを発行しました")).to_be_visible()
    key = admin.get_by_label("トークン").input_value().strip()
    assert re.fullmatch(r"tsg_[0-9a-f]{12}_[\w-]{43}", key)
    shot(admin, f"api-token-issued-{'phone' if viewport == PHONE else 'desktop'}")
    token = ApiToken.objects.get()
    assert token.key_hash not in key and token.prefix in key
    expect(admin.locator("#content")).to_contain_text(f"識別子 {token.prefix}")
    assert call(live_server, key, people.district.pk) == 201

    # Revoked from the list: refused from then on.
    admin.goto("/admin/api/apitoken/")
    expect(admin.locator("#result_list")).to_contain_text(token.prefix)
    admin.locator("input[name=_selected_action]").check()
    admin.locator("select[name=action]").select_option("revoke")
    admin.locator("button[name=index]").click()
    expect(admin.locator(".messagelist .success")).to_contain_text("失効させました")
    assert call(live_server, key, people.district.pk) == 401


def test_only_a_sysadmin_reaches_the_tokens(people, open_as):
    plaza = open_as("demo_plaza")
    plaza.goto("/admin/api/apitoken/")
    expect(plaza.locator("body")).not_to_contain_text("APIトークン")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_signed_in_staff_read_the_api_docs_under_the_pages_csp(people, open_as, new_context, viewport):
    """Swagger UI from our static files (no CDN), under the same CSP as every page (the suite fails
    on any violation), listing every endpoint; a visitor who has not signed in is sent to sign in."""
    page = open_as("demo_plaza", viewport)
    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Tsunagu API")
    for operation in (
        "/api/v1/concerns/",
        "/api/v1/cases/{case_id}/actions/consent/",
        "/api/v1/persons/search/",
    ):
        expect(page.locator(".opblock-summary-path", has_text=operation).first).to_be_attached()
    consent = page.locator(".opblock-post", has_text="/api/v1/cases/{case_id}/actions/consent/")
    consent.locator(".opblock-summary-path").click()
    expect(consent.locator(".opblock-body")).to_contain_text("obtained_on")  # the body, from the form
    shot(page, f"api-docs-{'phone' if viewport == PHONE else 'desktop'}")
    visitor = new_context(viewport).new_page()
    visitor.goto(f"{page.url.split('/api/')[0]}/api/v1/docs/")
    assert "/accounts/login/" in visitor.url
