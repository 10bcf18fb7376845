from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "jianfu.ledger"
    verbose_name = "台账"
