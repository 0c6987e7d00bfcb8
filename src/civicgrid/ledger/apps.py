from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "civicgrid.ledger"
    label = "ledger"
    verbose_name = "留痕"
