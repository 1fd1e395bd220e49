"""What accounts announces to the apps above it (accounts imports none of them).

- ``password_reset_link_sent(user, actor)`` — a link to set a password was sent to ``user``'s
  e-mail address, at ``actor``'s request (None: the user asked for it on the sign-in page, or a
  command). Audit records it.
"""

from django.dispatch import Signal

password_reset_link_sent = Signal()
