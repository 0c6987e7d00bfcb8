"""Party-building rules as plain functions over plain values: no database, so each is unit-tested alone."""
