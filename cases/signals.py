"""What the case workflow announces to the apps that build on it (cases imports neither of them).

- ``case_decided(case, outcome, actor)`` — inside the transaction of ``decide``: referrals and
  guardianship open their side of the case there.
- ``conclusion_blockers(case)`` — asked before ``conclude``: each receiver returns a list of
  reasons (translated text) why the case cannot move on yet, e.g. referrals still open.
"""

from django.dispatch import Signal

case_decided = Signal()
conclusion_blockers = Signal()
