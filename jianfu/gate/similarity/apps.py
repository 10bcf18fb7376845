from django.apps import AppConfig


class SimilarityConfig(AppConfig):
    """The gate's similarity index, kept in the database (its own tables and migrations)."""

    name = "jianfu.gate.similarity"
    label = "similarity"
    verbose_name = "相似度索引"
