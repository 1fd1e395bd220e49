"""The append-only, hash-chained audit trail, and its signed checkpoints.

Rows are never updated or deleted: database triggers (migration 0002) refuse it on SQLite and
PostgreSQL alike. A row names what happened to whom — field names, ids, codes — never a value.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.events import PURPOSES, REGISTRY, Action, Mark


class AuditEvent(models.Model):
    # Assigned by audit.services.record under the chain lock, never by the database; an auto field
    # only so that SQLite keeps the table in sequence order (INTEGER PRIMARY KEY is its rowid).
    sequence = models.BigAutoField(_("連番"), primary_key=True)
    occurred_at = models.DateTimeField(_("日時"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # audit_actor_time (actor, occurred_at) serves every lookup by actor
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("操作者の組織"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("操作の種類"), max_length=20, choices=Action.CHOICES, db_index=True)
    event = models.CharField(_("記録の種類"), max_length=64)
    target_type = models.CharField(_("対象の種類"), max_length=64, blank=True)
    target_id = models.CharField(_("対象ID"), max_length=64, blank=True)
    # audit_case_event_time (case_id first) serves every lookup by case, the timeline's among them
    case_id = models.CharField(_("ケースID"), max_length=64, blank=True)
    person_id = models.CharField(_("本人ID"), max_length=64, blank=True, db_index=True)
    fields = models.TextField(_("項目名"), default="[]")  # canonical JSON list of field names
    purpose = models.CharField(_("目的"), max_length=64, blank=True)
    params = models.TextField(_("パラメータ"), default="{}")  # canonical JSON object of codes and ids
    request_id = models.CharField(_("リクエストID"), max_length=32, blank=True)
    client_address = models.CharField(_("接続元"), max_length=45, blank=True)
    prev_hash = models.CharField(_("直前のハッシュ"), max_length=64)
    hash = models.CharField(_("ハッシュ"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("監査記録")
        verbose_name_plural = _("監査記録")
        ordering = ["sequence"]
        permissions = [("view_access_report", _("本人ごとのアクセス報告を作成できる"))]
        indexes = [
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time"),
            # A case's events of one kind in order (the case page's timeline): audit 0004
            models.Index(fields=["case_id", "event", "occurred_at"], name="audit_case_event_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(sequence__gt=0), name="auditevent_sequence_positive"),
            models.CheckConstraint(
                condition=models.Q(action__in=[code for code, _label in Action.CHOICES]),
                name="auditevent_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.event}"

    @property
    def kind(self):
        return REGISTRY.get(self.event)

    @property
    def erases_person(self) -> bool:
        """Whether this event says the person's data was erased (the kind that app marked so)."""
        kind = self.kind
        return kind is not None and kind.mark == Mark.PERSON_ERASED

    @property
    def purpose_label(self) -> str:
        return str(PURPOSES.get(self.purpose, self.purpose))


class AuditCheckpoint(models.Model):
    """A signed statement "the chain up to ``sequence`` ends in ``hash``" (Ed25519, keyring key).

    Verification checks the signature with the keyring's key, never with the public key stored
    here (which is kept so that an outsider holding an exported statement can check it).
    """

    sequence = models.BigIntegerField(_("連番"), unique=True)
    hash = models.CharField(_("ハッシュ"), max_length=64)
    signed_at = models.DateTimeField(_("署名日時"))
    signature = models.CharField(_("署名"), max_length=128)
    public_key = models.CharField(_("公開鍵"), max_length=64)

    class Meta:
        verbose_name = _("監査記録の検証点")
        verbose_name_plural = _("監査記録の検証点")
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"checkpoint #{self.sequence}"
