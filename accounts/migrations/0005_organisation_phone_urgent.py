# Urgent paths (issue 19, part 6): the directory's phone number of an organisation, and which ward
# office sections receive a 至急 concern at once. Renumber at merge if another 0005 lands first.

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_user_password_link_sent_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='organisation',
            name='phone',
            field=models.CharField(blank=True, help_text='気付きを報告した人に、至急の連絡先として示す代表番号。', max_length=20, validators=[django.core.validators.RegexValidator('^0\\d{1,4}-\\d{1,4}-\\d{3,4}$', '電話番号は 045-000-0000 のように、ハイフンで区切って入力してください。')], verbose_name='電話番号'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='receives_urgent',
            field=models.BooleanField(default=False, help_text='命や安全にかかわる（至急の）気付きを、地域ケアプラザと同時に受け付ける区役所の課。', verbose_name='至急の気付きを受ける'),
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.CheckConstraint(condition=models.Q(('receives_urgent', False), ('kind', 'ward_office'), _connector='OR'), name='organisation_urgent_is_ward_office'),
        ),
    ]
