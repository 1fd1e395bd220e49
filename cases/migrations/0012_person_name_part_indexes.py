# Search by surname or given name alone (issue 18, part 4). Rows that exist already keep index
# version 1 (computed before the variant-kanji fold and the name parts): manage.py reindex_people
# computes their new indexes. New rows get the current version (privacy.normalise.INDEX_VERSION).

import privacy.fields
import privacy.normalise
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0011_people_supporters'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='person',
            name='person_erased_has_no_index',
        ),
        migrations.AddField(
            model_name='person',
            name='given_name_index',
            field=privacy.fields.BlindIndexField(db_index=True, editable=False, kind='given_name', max_length=16, null=True, source='name'),
        ),
        migrations.AddField(
            model_name='person',
            name='index_version',
            field=models.PositiveSmallIntegerField(default=1, editable=False),
        ),
        migrations.AlterField(
            model_name='person',
            name='index_version',
            field=models.PositiveSmallIntegerField(default=privacy.normalise.current_index_version, editable=False),
        ),
        migrations.AddField(
            model_name='person',
            name='kana_given_name_index',
            field=privacy.fields.BlindIndexField(db_index=True, editable=False, kind='given_name', max_length=16, null=True, source='kana'),
        ),
        migrations.AddField(
            model_name='person',
            name='kana_surname_index',
            field=privacy.fields.BlindIndexField(db_index=True, editable=False, kind='surname', max_length=16, null=True, source='kana'),
        ),
        migrations.AddField(
            model_name='person',
            name='surname_index',
            field=privacy.fields.BlindIndexField(db_index=True, editable=False, kind='surname', max_length=16, null=True, source='name'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.CheckConstraint(condition=models.Q(('erased_at__isnull', True), models.Q(('kana_index__isnull', True), ('name_index__isnull', True), ('phone_index__isnull', True), ('birth_date_index__isnull', True), ('given_name_index__isnull', True), ('surname_index__isnull', True), ('kana_given_name_index__isnull', True), ('kana_surname_index__isnull', True)), _connector='OR'), name='person_erased_has_no_index'),
        ),
    ]
