"""What the case workflow announces to the apps that build on it (cases imports neither of them).

- ``case_decided(case, outcome, actor)`` — inside the transaction of ``decide``: referrals and
  guardianship open their side of the case there.
- ``conclusion_blockers(case)`` — asked before ``conclude`` (and by the case page, which offers
  the next step only when nothing holds it): each receiver returns a list of reasons
  (translated text) why the case cannot move on yet, e.g. referrals still open.
- ``case_page_sections(actor, case, overview)`` — each receiver returns a list of sections for the
  case page: ``{"template": name, "context": {...}}``, already limited to what the actor may see.
  ``overview`` is the page being built (``cases.selectors.CasePage``): its permissions, the
  ``actions`` it offers and the ``choices`` its forms share, read once — a section asks the
  database only for its own records. For the lead, a section also says what of those records
  holds the case (``"blockers"``: the reasons ``conclusion_blockers`` would give), so that the
  page need not ask again.
- ``case_ended(case, actor)`` — inside the transaction of any transition that ends the case
  (closed or withdrawn): apps end what they still hold open for it (a referral still waiting, and
  the agency's sight of the shared fields with it).
- ``progress_links(case)`` — each receiver returns ``(kind, [(id, label), …])``: the records of its
  own that a progress entry of the case may be linked to (referrals: ``("referral", …)``). The
  progress services check a link against it; the case page takes the same pairs from the
  sections (``"progress_links"`` of a section) so as to ask nothing more.
- ``reminders_requested(today)`` — for ``send_reminders``: each receiver writes the day's reminders
  of its app as notifications (``notifications.services.notify_each``, keyed by kind, object and
  day, so that a second run the same day writes none) and returns those it wrote.
- ``retention_holds(cutoff)`` — asked by ``people_due_for_erasure``: each receiver returns the ids
  (a queryset of ``person`` ids) of people its app still holds in use although no case does, or
  used after ``cutoff`` (disaster: whoever is on the evacuation-support list, or left it since).
- ``agreement_ended(agreement, actor)`` — inside the transaction of ``terminate_agreement``: apps
  end what they gave under it (disaster recalls the lists its party holds).
"""

from django.dispatch import Signal

case_decided = Signal()
conclusion_blockers = Signal()
case_page_sections = Signal()
case_ended = Signal()
progress_links = Signal()
reminders_requested = Signal()
agreement_ended = Signal()
retention_holds = Signal()
