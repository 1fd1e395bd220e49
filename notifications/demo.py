"""The demo users' notifications (see ``manage.py seed_demo``), which runs this after the other
apps' demos (notifications is listed last in INSTALLED_APPS).

Most come from the demo's own actions, through the services that notify: concerns reported and
taken up, referrals sent and answered, meetings' action items, the matter opened, the urgent
hand-over. Then the demo day's reminders (``send_reminders``: watch visits due, referrals past
their answer date). A demo user whom none of that reaches (the privacy officer, the administrator,
the guardian whose first report is not due yet) gets the fictional notifications below, of their
role's kinds, linking to their pages. Idempotent: reminders are keyed by day, these by name.
"""

import io

from django.core.management import call_command
from django.urls import reverse

from accounts.demo import DemoStructure
from accounts.models import User
from notifications.models import Kind
from notifications.services import notify

# username → (kind, URL name) of what they are told when nothing else reached them.
FICTIONAL = {
    "demo_privacy": [(Kind.BREAK_GLASS_REVIEW, "cases:break_glass_reviews")],
    "demo_admin": [(Kind.SIGN_IN_LOCKED, "admin:axes_accessattempt_changelist")],
    "demo_guardian": [(Kind.GUARDIAN_REPORT_DUE, "guardianship:my_reports")],
}


def seed(structure: DemoStructure) -> None:
    call_command("send_reminders", stdout=io.StringIO())
    for username, notices in FICTIONAL.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        for kind, url_name in notices:
            notify(kind=kind, recipients=[user], link=reverse(url_name), key=f"demo:{kind}")
