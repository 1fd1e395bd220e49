# Urgent paths (issue 19, part 6): the ward's permission to take a 至急 concern before intake, and
# the break-glass review's finding (妥当 / 要確認) with its note. Written after 0012 on its branch:
# at merge it follows 0013 (renumber and re-point the dependency).

import privacy.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0013_household_member_ended_on'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='case',
            options={'permissions': [('lead_case', 'ケースの主担当として進められる'), ('view_case_status', 'ケースの状況だけを見られる'), ('take_intake', '気付きを受け付けられる'), ('take_urgent', '至急の気付きを区役所として引き受けられる'), ('break_glass', '緊急アクセスができる'), ('review_break_glass', '緊急アクセスを確認できる')], 'verbose_name': 'ケース', 'verbose_name_plural': 'ケース'},
        ),
        migrations.AddField(
            model_name='breakglassaccess',
            name='finding',
            field=models.CharField(blank=True, choices=[('appropriate', '妥当'), ('needs_follow_up', '要確認')], max_length=20, verbose_name='確認の結果'),
        ),
        migrations.AddField(
            model_name='breakglassaccess',
            name='finding_note',
            field=privacy.fields.EncryptedTextField(blank=True, max_length=2000, null=True, verbose_name='確認のメモ'),
        ),
        migrations.AddConstraint(
            model_name='breakglassaccess',
            constraint=models.CheckConstraint(condition=models.Q(('finding', ''), models.Q(('finding__in', ['appropriate', 'needs_follow_up']), ('reviewed_at__isnull', False)), _connector='OR'), name='break_glass_finding_when_reviewed'),
        ),
    ]
