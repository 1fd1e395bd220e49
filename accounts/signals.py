"""What accounts announces to the apps above it (accounts imports none of them): security changes
that ``audit`` records — as privacy announces key rotation. Sent inside the writing transaction;
arguments are users and numbers only.

- ``password_reset_link_sent(user, actor)`` — a link to set a password was sent to ``user``'s
  e-mail address, at ``actor``'s request (None: the user asked for it on the sign-in page, or a
  command).
- ``second_factor_enrolled(user)``, ``second_factor_reset(actor, user, devices)``,
  ``recovery_code_used(user, remaining)``, ``recovery_codes_regenerated(user, count)``.
- ``lockout_started(request, account, locked)`` — the failure that started a sign-in lockout was
  counted: ``account`` is the User, or None when no account has the name typed; ``locked`` a list
  of "account"/"address".
- ``sign_in_unlocked(actor, attempts)`` — failure counts were deleted (actor None: a command).
"""

from django.dispatch import Signal

password_reset_link_sent = Signal()
second_factor_enrolled = Signal()
second_factor_reset = Signal()
recovery_code_used = Signal()
recovery_codes_regenerated = Signal()
lockout_started = Signal()
sign_in_unlocked = Signal()
