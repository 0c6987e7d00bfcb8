"""A database trigger that refuses to change ledger entries, for writes that bypass the ORM.

PostgreSQL refuses UPDATE and DELETE; TRUNCATE fires no row trigger, so the test runner's flush still
works. On SQLite the trigger refuses UPDATE only: Django flushes SQLite tables with DELETE, so there the
application refuses deletions and `civicgrid ledger verify` reports any row removed behind its back.
SQLite drops the trigger whenever Django rebuilds the table: a migration that alters LedgerEntry must
install it again.
"""

from django.db import migrations

INSTALL = {
    "postgresql": [
        """
        CREATE FUNCTION ledger_entry_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '留痕记录只能追加，不能修改或删除';
        END
        $$
        """,
        """
        CREATE TRIGGER ledger_entry_immutable BEFORE UPDATE OR DELETE ON ledger_ledgerentry
        FOR EACH ROW EXECUTE FUNCTION ledger_entry_immutable()
        """,
    ],
    "sqlite": [
        """
        CREATE TRIGGER ledger_entry_immutable BEFORE UPDATE ON ledger_ledgerentry
        BEGIN
            SELECT RAISE(ABORT, '留痕记录只能追加，不能修改');
        END
        """,
    ],
}
REMOVE = {
    "postgresql": [
        "DROP TRIGGER ledger_entry_immutable ON ledger_ledgerentry",
        "DROP FUNCTION ledger_entry_immutable()",
    ],
    "sqlite": ["DROP TRIGGER ledger_entry_immutable"],
}


def run_for_vendor(statements: dict[str, list[str]]):
    def run(apps, schema_editor) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(run_for_vendor(INSTALL), run_for_vendor(REMOVE))]
