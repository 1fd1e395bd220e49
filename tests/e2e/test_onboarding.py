"""The onboarding import in Chromium, as the system administrator on a phone and a desktop: a file
with a mistake comes back with its row and column, the corrected file is checked, confirmed and
imported; a plaza worker is refused."""

from playwright.sync_api import expect

from accounts.models import Area, MembershipRequest, Organisation
from tests.e2e.conftest import DESKTOP, PHONE, shot
from tests.onboarding.test_import import good_file, xlsx


def test_an_administrator_imports_a_workbook_after_correcting_it(people, open_as, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        xlsx(
            organisations=[{"名称": "誤りのある組織", "種別": "町内会"}],  # not a kind Tsunagu knows
            areas=[{"名称": "コードのない区", "階層": "区", "上位の地域": people.demo.municipality.name}],
        )
    )
    good = tmp_path / "good.xlsx"
    good.write_bytes(good_file(people))

    admin = open_as("demo_admin", PHONE)
    admin.goto("/")
    admin.get_by_role("link", name="Excel から取り込む（導入時）").click()
    admin.get_by_label("取り込むファイル（Excel）").set_input_files(str(bad))
    admin.get_by_role("button", name="確かめる").click()
    rows = admin.locator("#problem-table tbody tr")
    expect(rows).to_have_count(2)  # in the workbook's order: areas first
    expect(rows.nth(0)).to_contain_text("地方公共団体コード")
    expect(rows.nth(0)).to_contain_text("市区町村と区には地方公共団体コードが必要です。")
    expect(rows.nth(1)).to_contain_text("種別")
    expect(rows.nth(1)).to_contain_text("「町内会」は選べません")
    assert admin.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(admin, "onboarding-problems-phone")
    assert not Organisation.objects.filter(name="誤りのある組織").exists()
    assert not Area.objects.filter(name="コードのない区").exists()

    admin.get_by_label("取り込むファイル（Excel）").set_input_files(str(good))
    admin.get_by_role("button", name="確かめる").click()
    expect(admin.locator("#preview")).to_contain_text("後見人候補者")
    shot(admin, "onboarding-confirm-phone")
    admin.get_by_role("button", name="取り込む").click()
    expect(admin.locator(".messages, [role=status]").first).to_contain_text("取り込みました")
    assert Organisation.objects.filter(name="試験市あおば地域ケアプラザ").exists()
    assert MembershipRequest.objects.filter(user__username="aoba_sato").count() == 2

    desk = open_as("demo_admin", DESKTOP)
    desk.goto("/onboarding/")
    shot(desk, "onboarding-desktop")
    plaza = open_as("demo_plaza", DESKTOP)
    plaza.goto("/onboarding/")
    expect(plaza.get_by_role("heading", name="この操作は許可されていません")).to_be_visible()


def test_an_administrator_imports_people_and_their_cases_with_the_bar_moving(
    people, open_as, tmp_path, monkeypatch
):
    from cases.models import Case
    from onboarding import people as people_import
    from tests.onboarding.test_people_import import row
    from tests.onboarding.test_people_import import xlsx as people_file

    monkeypatch.setattr(people_import, "BATCH_ROWS", 2)  # five rows: three batches, asked in turn
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(people_file([row(people, 0), row(people, 1, 状態="支援会議")]))
    good = tmp_path / "good.xlsx"
    good.write_bytes(people_file([row(people, n) for n in range(5)]))

    admin = open_as("demo_admin", PHONE)
    admin.goto("/onboarding/")
    admin.get_by_role("link", name="本人とケースを取り込む（地域・組織を登録した後で）").click()
    admin.get_by_label("取り込むファイル（Excel）").set_input_files(str(bad))
    admin.get_by_role("button", name="確かめる").click()
    rows = admin.locator("#problem-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_contain_text("状態")
    assert admin.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(admin, "onboarding-people-problems-phone")
    assert not Case.objects.filter(imported__isnull=False).exists()

    admin.get_by_label("取り込むファイル（Excel）").set_input_files(str(good))
    admin.get_by_role("button", name="確かめる").click()
    expect(admin.get_by_text("本人とケースを 5 件登録します")).to_be_visible()
    shot(admin, "onboarding-people-confirm-phone")
    admin.get_by_role("button", name="取り込む").click()
    expect(admin.get_by_role("status")).to_contain_text("本人とケースを 5 件取り込みました")
    expect(admin.locator("progress")).to_have_attribute("value", "5")
    shot(admin, "onboarding-people-done-phone")
    assert Case.objects.filter(imported__isnull=False).count() == 5

    case = Case.objects.filter(imported__isnull=False).first()
    plaza = open_as("demo_plaza", DESKTOP)
    plaza.goto(f"/cases/{case.pk}/")
    expect(plaza.locator(".timeline")).to_contain_text("以前の記録から取り込み: 見守り")
    shot(plaza, "onboarding-people-case-desktop")
    plaza.goto("/onboarding/people/")
    expect(plaza.get_by_role("heading", name="この操作は許可されていません")).to_be_visible()
    desk = open_as("demo_admin", DESKTOP)
    desk.goto("/onboarding/people/")
    shot(desk, "onboarding-people-desktop")
