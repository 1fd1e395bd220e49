"""The administration screens work under the Content-Security-Policy: Django's admin keeps its
JavaScript in static files, and its widgets (the select-all counter, the two-box picker, the
related-object popup and its response page, the autocomplete) run with no inline script allowed.
The suite's conftest fails the test on any violation a page reports."""

from playwright.sync_api import expect

from accounts.models import Area, Organisation, local_government_code_check_digit
from tests.e2e.conftest import shot


def test_the_admin_works_under_the_content_security_policy(people, open_as):
    admin = open_as("demo_admin")
    admin.goto("/admin/")
    expect(admin.locator("#site-name")).to_contain_text("つなぐ 管理")

    # The change list: the select-all box counts the selection (actions.js), the filters show.
    admin.goto("/admin/accounts/organisation/")
    rows = admin.locator("#result_list tbody tr").count()
    admin.locator("#action-toggle").check()
    expect(admin.locator(".action-counter")).to_have_text(f"{rows}個中{rows}個選択")
    expect(admin.locator("#changelist-filter")).to_be_visible()

    # The add form: the two-box area picker (SelectFilter2) and a municipality added in a popup.
    admin.goto("/admin/accounts/organisation/add/")
    admin.locator("#id_name").fill("CSP確認プラザ")
    admin.locator("#id_kind").select_option(Organisation.Kind.CARE_PLAZA)
    admin.locator("#id_areas_from").select_option(label=str(people.district))
    admin.locator("#id_areas_add").click()
    expect(admin.locator("#id_areas_to option")).to_have_count(1)
    with admin.expect_popup() as opened:
        admin.locator("#add_id_municipality").click()
    popup = opened.value
    popup.locator("#id_level").select_option(Area.Level.MUNICIPALITY)
    popup.locator("#id_name").fill("CSP市")
    popup.locator("#id_code").fill("99200" + local_government_code_check_digit("99200"))
    with popup.expect_event("close"):  # popup_response.js hands the new area back, then closes it
        popup.locator("input[name=_save]").click()
    expect(admin.locator("#id_municipality option:checked")).to_have_text("CSP市")
    shot(admin, "08-admin-organisation-form")
    admin.locator("input[name=_save]").click()
    expect(admin.locator(".messagelist .success")).to_be_visible()
    organisation = Organisation.objects.get(name="CSP確認プラザ")
    assert organisation.municipality.name == "CSP市"
    assert list(organisation.areas.all()) == [people.district]

    # The autocomplete (select2, fetching from the admin) finds a user as one types.
    admin.goto("/admin/accounts/membership/add/")
    admin.locator(".field-user .select2-selection").click()
    admin.locator(".select2-search__field").fill("demo_plaza")
    plaza_staff = str(people.staff)  # the option shows the user's name
    admin.locator(".select2-results__option", has_text=plaza_staff).click()
    expect(admin.locator("#select2-id_user-container")).to_contain_text(plaza_staff)
