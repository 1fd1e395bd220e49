"""What the notifications page asks the apps above it (notifications imports none of them).

- ``cases_shown(actor, case_ids)`` — each receiver returns ``{case_id: who}`` for those of the
  cases it knows: what the row may say of the case to this actor now (``cases`` answers with
  ``cases.selectors.lists.who_for``: the case number, and the name only where the actor's live
  grant includes identity, recorded). Asked once per page, for the page's rows only.
"""

from django.dispatch import Signal

cases_shown = Signal()
