# The band rows change meaning (MinHash band buckets → posting keys of topical
# grams) and so does `Signature.sig`: the old rows are dropped here, and
# `jianfu reindex` builds the new ones (until then lookups find nothing).

from django.db import migrations, models

EMPTY = [
    "DELETE FROM similarity_band",
    "DELETE FROM similarity_uppergram",
    "DELETE FROM similarity_fieldname",
    "DELETE FROM similarity_signature",
    "DELETE FROM similarity_stopgram",
    "UPDATE similarity_indexstate SET stop_version = 0",
]


class Migration(migrations.Migration):
    dependencies = [
        ("similarity", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="stopgram",
            name="common",
            field=models.BooleanField(default=False),
        ),
        migrations.RunSQL(EMPTY, reverse_sql=migrations.RunSQL.noop),
    ]
