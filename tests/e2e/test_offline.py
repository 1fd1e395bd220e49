"""Issue 25 in Chromium on a 390×844 phone: a commissioner who marked the phone as their own
records two concerns and a safety check without a network, reloads the form offline, and when the
network returns each arrives exactly once — even when the first sending is cut off after the
server took it. What waits on the phone is sealed; once confirmed nothing typed remains, and after
sign-out nothing of the user's. A revoked phone's queue is refused and wiped."""

import json
import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from audit.models import AuditEvent
from cases.models import Concern
from disaster import services as disaster
from disaster.models import ConsentMethod, ConsentStatus, DisasterKind, SafetyCheck
from phones.models import Phone
from phones.services import revoke_phone
from tests.e2e.conftest import PHONE, shot

NAME, ADDRESS, NOTE = "雲雀 ハルエ", "つなぐ市はまかぜ区潮見台9-8-7 ひばり荘", "新聞が三日分たまっている"
SECOND_NAME = "鶫 トシオ"
CHECK_NOTE = "左足をけがして歩けない"
CONCERN_FORM = "/cases/concerns/new/"

# Everything the site keeps in this browser, as text: every IndexedDB store's records (sealed
# bytes as hex), every cached response's body, localStorage. What "nothing left behind" reads.
LEFT_BEHIND = """
async () => {
  const out = {databases: [], caches: [], local: JSON.stringify({...localStorage})};
  const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
  const plain = (value) => JSON.stringify(value, (k, v) =>
    v instanceof ArrayBuffer ? hex(v)
    : ArrayBuffer.isView(v) ? hex(v.buffer)
    : v instanceof CryptoKey ? "CryptoKey" : v);
  for (const info of await indexedDB.databases()) {
    const db = await Promise.race([
      new Promise((ok, no) => {
        const r = indexedDB.open(info.name);
        r.onsuccess = () => { r.result.onversionchange = () => r.result.close(); ok(r.result); };
        r.onerror = no;
      }),
      new Promise((_, no) => setTimeout(() => no(new Error(`${info.name} could not be opened`)), 10000)),
    ]);
    const stores = {};
    for (const name of db.objectStoreNames) {
      stores[name] = await new Promise((ok) => {
        const r = db.transaction(name).objectStore(name).getAll(); r.onsuccess = () => ok(plain(r.result));
      });
    }
    db.close();
    out.databases.push({name: info.name, stores});
  }
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      out.caches.push({url: request.url, body: await (await cache.match(request)).text()});
    }
  }
  return out;
}
"""


def declared_disaster_with(people, checker: User, name: str):
    registration = disaster.register_for_list(
        actor=people.ward_worker,
        office=people.ward,
        area=people.district,
        name=name,
        address="つなぐ市はまかぜ区1-2-3",
        care_level="4",
        consent=ConsentStatus.GIVEN,
        consent_method=ConsentMethod.WRITTEN,
        consent_on=timezone.localdate(),
    )
    disaster.assign_checker(actor=people.ward_worker, registration=registration, user=checker)
    disaster.declare_disaster(
        actor=people.ward_worker, kind=DisasterKind.EARTHQUAKE, title="震度6弱の地震", area=people.district
    )
    return registration


def sign_in_on_own_phone(new_context, username: str):
    context = new_context(PHONE)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_label(re.compile("この端末は自分専用です")).check()
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(re.compile(r"/$"))
    return context, page


def queue_ready(page) -> None:
    expect(page.locator("form[data-offline-kind]").first).to_have_attribute("data-queued", "1")


def send_all(page) -> str:
    """The page's own sending, bounded: a round that never ends fails the test instead of hanging
    it (an evaluation has no timeout of its own)."""
    return page.evaluate(
        "Promise.race([TsunaguQueue.sendAll(), new Promise((_, no) =>"
        " setTimeout(() => no(new Error('the sending did not end')), 20000))])"
    )


def controlled(page) -> None:
    """Until the worker answers for the page (polled here: the CSP refuses Playwright's eval)."""
    for _ in range(100):
        if page.evaluate("navigator.serviceWorker.controller !== null"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("no service worker answers for the page")


def record_concern(page, name: str, address: str, note: str, waiting: int) -> None:
    page.get_by_label("郵便物や新聞がたまっている").check()
    page.get_by_label("氏名（分かれば）").fill(name)
    page.get_by_label("住所・目印（分かれば）").fill(address)
    page.get_by_label("様子（自由記入）").fill(note)
    page.get_by_role("button", name="プラザに送る").click()
    expect(page.locator("[data-queued-notice]")).to_be_visible()
    expect(page.locator("li.queued")).to_have_count(waiting)  # kept before anything else happens


def test_a_commissioner_records_offline_and_each_record_arrives_once(
    people, new_context, open_as, live_server
):
    commissioner = User.objects.get(username="demo_commissioner")
    declared_disaster_with(people, commissioner, "安否 花子")
    context, page = sign_in_on_own_phone(new_context, "demo_commissioner")
    assert Phone.objects.filter(user=commissioner, revoked_at__isnull=True).count() == 1

    # Installable: the manifest, and a service worker whose scope is the site (answering only for
    # the concern form and the static files).
    page.goto(CONCERN_FORM)
    queue_ready(page)
    manifest = page.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["start_url"] == CONCERN_FORM and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == f"{live_server.url}/"
    controlled(page)

    # The safety check, on the checks page opened while the network was there.
    page.goto("/disaster/checks/")
    queue_ready(page)
    context.set_offline(True)
    expect(page.locator("[data-network]")).to_be_visible()
    card = page.locator("article.check").first
    card.get_by_label("要支援").check()
    card.get_by_label("メモ").fill(CHECK_NOTE)
    card.get_by_role("button", name="記録する").click()
    expect(card.locator("[data-queued-notice]")).to_be_visible()

    # Two concerns on the form, opened offline from what the worker kept.
    page.goto(CONCERN_FORM)
    queue_ready(page)
    record_concern(page, NAME, ADDRESS, NOTE, waiting=2)
    record_concern(page, SECOND_NAME, "", "", waiting=3)
    page.reload()  # still offline: the form is there and works
    queue_ready(page)
    expect(page.locator(".who")).to_have_count(0)  # the worker's shell, not the network's page
    expect(page.locator("[data-queue-count]")).to_have_text("3")
    expect(page.locator("li.queued")).to_have_count(3)
    shot(page, "offline-queue-phone")
    left = page.evaluate(LEFT_BEHIND)
    kept = json.dumps(left, ensure_ascii=False)
    for typed in (NAME, ADDRESS, NOTE, SECOND_NAME, CHECK_NOTE):
        assert typed not in kept  # sealed while it waits
    # The worker keeps the concern form's shell and the static files, no other page; the shell
    # names nobody, not even the user, and the checks page (names, addresses) is not kept.
    cached = {item["url"].removeprefix(live_server.url) for item in left["caches"]}
    assert CONCERN_FORM in cached and "/disaster/checks/" not in cached
    assert all(url == CONCERN_FORM or url.startswith("/static/") for url in cached)
    shell = next(item["body"] for item in left["caches"] if item["url"].endswith(CONCERN_FORM))
    assert str(commissioner) not in shell and "安否 花子" not in shell
    assert Concern.objects.count() == 0 and not SafetyCheck.objects.exists()

    # Back online. Background Sync is the worker's; this test sends from the page so that the
    # first sending can be cut off: the server takes the first concern, the answer never arrives.
    page.evaluate(
        "navigator.serviceWorker.getRegistrations().then(rs => Promise.all(rs.map(r => r.unregister())))"
    )
    cut = []

    def cut_once(route):
        if cut:
            route.continue_()
            return
        route.fetch()  # the server takes it …
        cut.append(route.request.url)
        route.abort()  # … and the phone never hears

    page.route("**/api/v1/concerns/", cut_once)
    context.set_offline(False)
    send_all(page)
    assert cut and Concern.objects.count() == 1
    send_all(page)  # the retry: the same key answers the first concern
    expect(page.locator("[data-queue-count]")).to_have_text("0")
    expect(page.locator("li.sent")).to_have_count(3)
    assert Concern.objects.count() == 2 and SafetyCheck.objects.count() == 1
    assert Concern.objects.filter(written_at__isnull=False, key__isnull=False).count() == 2
    check = SafetyCheck.objects.get()
    assert check.written_at is not None and check.written_at <= check.checked_at
    shot(page, "offline-sent-phone")

    kept = json.dumps(page.evaluate(LEFT_BEHIND), ensure_ascii=False)
    for typed in (NAME, ADDRESS, NOTE, SECOND_NAME, CHECK_NOTE):
        assert typed not in kept  # confirmed, deleted

    # The plaza sees, in the case's history, when it was written and when it arrived.
    concerns = Concern.objects.select_related("case__person__data_key")
    concern = next(c for c in concerns if c.reported_name == NAME)
    plaza = open_as("demo_plaza", PHONE)
    plaza.goto(reverse("cases:case_detail", args=[concern.case_id]))
    sent_offline = plaza.locator(".offline-sent")
    expect(sent_offline).to_contain_text("電波のない所で記録")
    expect(sent_offline).to_contain_text(timezone.localtime(concern.written_at).strftime("%Y-%m-%d %H:%M"))
    expect(sent_offline).to_contain_text(timezone.localtime(concern.created_at).strftime("%Y-%m-%d %H:%M"))

    # Signing out wipes what the site kept.
    page.goto("/")
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    left = page.evaluate(LEFT_BEHIND)
    assert left["caches"] == [] and left["local"] == "{}"
    assert all(not any(json.loads(v) for v in db["stores"].values()) for db in left["databases"])
    assert Phone.objects.get(user=commissioner).revoked_at is not None


def test_nothing_is_kept_once_signing_out_has_begun(people, new_context):
    """A page's start-up still running when the user signs out (a key being fetched, a record
    being sent) writes nothing after the wipe."""
    _, page = sign_in_on_own_phone(new_context, "demo_commissioner")
    page.goto(CONCERN_FORM)
    queue_ready(page)
    after = page.evaluate(
        """async () => {
          const here = await TsunaguQueue.phone();
          await TsunaguQueue.end();
          const late = await Promise.allSettled([TsunaguQueue.key(here), TsunaguQueue.purge()]);
          const databases = (await indexedDB.databases()).map((d) => d.name);
          return {late: late.map((r) => r.status), databases};
        }"""
    )
    assert after == {"late": ["rejected", "rejected"], "databases": []}


def test_a_revoked_phone_is_refused_and_wiped(people, new_context, live_server):
    commissioner = User.objects.get(username="demo_commissioner")
    context, page = sign_in_on_own_phone(new_context, "demo_commissioner")
    page.goto(CONCERN_FORM)
    queue_ready(page)
    controlled(page)
    context.set_offline(True)
    record_concern(page, NAME, ADDRESS, NOTE, waiting=1)

    phone = Phone.objects.get(user=commissioner, revoked_at__isnull=True)
    revoke_phone(actor=User.objects.get(username="demo_admin"), phone=phone)

    context.set_offline(False)
    # The page and its worker both send when the network returns: whichever asks first hears of
    # the revocation and wipes; the other finds the session gone, or nothing left to send.
    assert send_all(page) in {"revoked", "refused", "empty"}
    assert not Concern.objects.exists()  # refused: nothing written
    # Shown in either case (the worker tells the page), once the wipe is done.
    expect(page.locator("[data-phone-notice]")).to_contain_text("この端末でのログインは無効にされました")
    shot(page, "offline-revoked-phone")
    left = page.evaluate(LEFT_BEHIND)
    assert left["caches"] == []
    assert all(not any(json.loads(v) for v in db["stores"].values()) for db in left["databases"])
    assert NAME not in json.dumps(left, ensure_ascii=False)
    page.goto(CONCERN_FORM)  # signed out: the session ended with the revocation
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_what_waits_too_long_is_wiped_and_the_phone_said_when(people, new_context, settings):
    settings.TSUNAGU_OFFLINE_KEEP_HOURS = 5
    context, page = sign_in_on_own_phone(new_context, "demo_commissioner")
    page.goto(CONCERN_FORM)
    queue_ready(page)
    controlled(page)  # the worker has kept the form's shell
    context.set_offline(True)
    record_concern(page, NAME, ADDRESS, NOTE, waiting=1)
    # The list says when it goes: written + 5 hours.
    expires_at = page.evaluate(
        "TsunaguQueue.all('queue').then(items => items[0].expires_at - Date.parse(items[0].written_at))"
    )
    assert expires_at == 5 * 3600 * 1000
    expect(page.locator("li.queued")).to_contain_text("この時刻までに送れないと端末から消去")
    # Five hours later (the phone's clock moved on), still without a network: opening the form
    # deletes it unsent.
    context.add_init_script(
        "(() => { const now = Date.now; Date.now = () => now() + 5 * 3600 * 1000 + 1000; })()"
    )
    page.reload()
    queue_ready(page)
    expect(page.locator("li.queued")).to_have_count(0)
    assert NAME not in json.dumps(page.evaluate(LEFT_BEHIND), ensure_ascii=False)
    context.set_offline(False)
    send_all(page)
    assert not Concern.objects.exists()


def test_a_record_refused_to_its_writer_is_shown_and_the_rest_still_go(people, new_context):
    commissioner = User.objects.get(username="demo_commissioner")
    registration = declared_disaster_with(people, commissioner, "安否 花子")
    context, page = sign_in_on_own_phone(new_context, "demo_commissioner")
    page.goto("/disaster/checks/")
    queue_ready(page)
    controlled(page)  # the worker has kept the form's shell
    context.set_offline(True)
    card = page.locator("article.check").first
    card.get_by_label("無事").check()
    card.get_by_role("button", name="記録する").click()
    expect(card.locator("[data-queued-notice]")).to_be_visible()
    page.goto(CONCERN_FORM)
    queue_ready(page)
    record_concern(page, NAME, ADDRESS, NOTE, waiting=2)

    # Meanwhile the ward office gave the person to another checker: the check is refused.
    disaster.unassign_checker(
        actor=people.ward_worker, assignment=registration.checkers.get(user=commissioner)
    )
    context.set_offline(False)
    send_all(page)
    assert Concern.objects.count() == 1 and not SafetyCheck.objects.exists()
    refused = page.locator("li.queued.refused")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("送れませんでした")
    expect(page.locator("li.sent")).to_have_count(1)
    shot(page, "offline-refused-phone")
    send_all(page)  # not sent again
    refusals = AuditEvent.objects.filter(event="case.denied").count()
    send_all(page)
    assert AuditEvent.objects.filter(event="case.denied").count() == refusals
    refused.get_by_role("button", name="この記録を消す").click()
    expect(page.locator("li.queued")).to_have_count(0)


def test_an_urgent_concern_sent_from_the_kept_phone_shows_what_to_do_now(people, new_context):
    _context, page = sign_in_on_own_phone(new_context, "demo_commissioner")
    page.goto(CONCERN_FORM)
    queue_ready(page)
    page.get_by_label("けがやあざがある").check()
    page.get_by_label("至急（命や安全にかかわる）").check()
    page.get_by_role("button", name="プラザに送る").click()
    page.wait_for_url(re.compile(r"/cases/concerns/[0-9a-f-]+/urgent/$"))
    expect(page.locator("main")).to_contain_text("119")
    concern = Concern.objects.get()
    assert concern.case.urgent and str(concern.case_id) in page.url
