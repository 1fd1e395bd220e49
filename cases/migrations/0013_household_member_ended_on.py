# A household member can leave (issue 18): HouseholdMember.ended_on, and a person is a current
# member of a household once, a former one any number of times (moved out and back). Existing
# rows are current members: ended_on stays empty.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0012_person_name_part_indexes'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='householdmember',
            name='household_member_unique',
        ),
        migrations.AddField(
            model_name='householdmember',
            name='ended_on',
            field=models.DateField(blank=True, null=True, verbose_name='世帯を離れた日'),
        ),
        migrations.AddConstraint(
            model_name='householdmember',
            constraint=models.UniqueConstraint(condition=models.Q(('ended_on__isnull', True)), fields=('household', 'person'), name='household_member_unique_current'),
        ),
    ]
