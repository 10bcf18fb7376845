"""The similarity index, kept in ordinary tables so it is persistent,
transactional and the same on SQLite and PostgreSQL (docs/similarity.md).

Item ids are plain integers, not foreign keys: deleting an item must not make
Django's collector scan these tables by item (they are keyed for lookups by
bucket/gram, and an extra index per item would double their size). The index
removes its own rows when the ledger tells it an item is gone
(`jianfu.gate.index.remove_items`), and queries join the live ledger, so a
row that outlives its item is never reported.

The three posting tables have composite primary keys and are created by hand
in the migration: `WITHOUT ROWID` on SQLite, so each table *is* its index.
"""

from django.db import models


class Signature(models.Model):
    """Per item: its posting keys (`sig`, little-endian int32: to find and delete
    its band rows, and their count to estimate the share in common with a
    draft) and a digest of what was indexed, so a status change re-indexes nothing."""

    item_id = models.IntegerField(primary_key=True)
    digest = models.BigIntegerField()
    sig = models.BinaryField()
    is_upper = models.BooleanField(default=False)
    has_fields = models.BooleanField(default=False)
    period = models.IntegerField(default=0)  # rows.period_of(date): where its band rows are filed

    class Meta:
        verbose_name = "相似度签名"
        verbose_name_plural = "相似度签名"


class Band(models.Model):
    """Posting rows: (posting key, period of the item's date, item). The items
    sharing most of a draft's posting keys are the candidates for NEAR_DUPLICATE
    (text.posting_keys)."""

    pk = models.CompositePrimaryKey("bucket", "period", "item_id")
    bucket = models.IntegerField()
    period = models.IntegerField()
    item_id = models.IntegerField()

    class Meta:
        verbose_name = "LSH 分桶"
        verbose_name_plural = "LSH 分桶"


class BandList(models.Model):
    """Merged posting rows: per posting key and period, the sorted ids of its items
    as packed little-endian int32 (postings.py: one row read per key and quarter
    instead of one per posting). New postings wait in `Band` until merged."""

    pk = models.CompositePrimaryKey("bucket", "period")
    bucket = models.IntegerField()
    period = models.IntegerField()
    ids = models.BinaryField()

    class Meta:
        verbose_name = "LSH 分桶（合并）"
        verbose_name_plural = "LSH 分桶（合并）"


class UpperGram(models.Model):
    """A consistent 1/8 sample of an upper-level document's gram hashes, for
    containment ("以文件落实文件"), which Jaccard banding cannot see when the
    upper document is much longer than the draft."""

    pk = models.CompositePrimaryKey("gram", "period", "item_id")
    gram = models.IntegerField()
    period = models.IntegerField(default=0)  # always rows.UNDATED: copies are found whatever their age
    item_id = models.IntegerField()

    class Meta:
        verbose_name = "上级来文采样"
        verbose_name_plural = "上级来文采样"
        # No index on item_id: a document's old rows are found by their keys,
        # which its stored sample holds (text.upper_from_bytes).


class UpperList(models.Model):
    """Merged `UpperGram` rows: per sampled gram, the packed ids of its documents."""

    pk = models.CompositePrimaryKey("gram", "period")
    gram = models.IntegerField()
    period = models.IntegerField(default=0)
    ids = models.BinaryField()

    class Meta:
        verbose_name = "上级来文采样（合并）"
        verbose_name_plural = "上级来文采样（合并）"


class FieldName(models.Model):
    """Normalised field names of data requests, so field overlap is a lookup."""

    pk = models.CompositePrimaryKey("name", "item_id")
    name = models.CharField(max_length=100)
    item_id = models.IntegerField()

    class Meta:
        verbose_name = "报表字段索引"
        verbose_name_plural = "报表字段索引"
        indexes = [models.Index(fields=["item_id"], name="similarity_field_item")]


class StopGram(models.Model):
    """Grams so common in the ledger that they identify nothing (measured by
    `jianfu reindex`; ignored everywhere), or, `common`, too frequent to be
    posting keys (still compared when verifying)."""

    gram = models.BigIntegerField(primary_key=True)
    common = models.BooleanField(default=False)

    class Meta:
        verbose_name = "高频停用片段"
        verbose_name_plural = "高频停用片段"


class IndexState(models.Model):
    """One row: which stop-gram set the stored signatures were computed with."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    stop_version = models.PositiveIntegerField(default=0)
    sampled_items = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "索引状态"
        verbose_name_plural = "索引状态"
