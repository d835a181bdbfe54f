"""On PostgreSQL the database itself refuses to change or remove an audit row, whoever asks
(the app has no path for it either; see ReadRecord). TRUNCATE, which only an operator runs,
is not a row change and stays possible (test databases are emptied that way)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION privacy_readrecord_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'privacy_readrecord is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER privacy_readrecord_append_only
    BEFORE UPDATE OR DELETE ON privacy_readrecord
    FOR EACH ROW EXECUTE FUNCTION privacy_readrecord_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS privacy_readrecord_append_only ON privacy_readrecord;
DROP FUNCTION IF EXISTS privacy_readrecord_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0004_audit_of_reads")]

    operations = [migrations.RunPython(forwards, backwards)]
