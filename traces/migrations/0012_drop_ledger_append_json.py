"""PostgreSQL: drops ``execlave_ledger_append(bigint, jsonb)``, the JSON batch function.

Nothing has called it since session 12: a statement appending a few events calls
``execlave_ledger_append_one`` once per event (group commit, ``traces.append``), which costs
less backend CPU than escaping the events into a document and parsing it there. Dropping it
leaves ``execlave_ledger_append_one`` exactly as 0011 created it; ``CREATE`` below is that
function's text (0011's, up to the JSON function), what ``traces.ledger_sql.render()`` gives
(``tests/traces/test_layout.py``). Backwards re-creates the JSON function as 0011 left it.
SQLite has no functions: nothing to do.
"""

from importlib import import_module

from django.db import migrations

previous = import_module("traces.migrations.0011_ledger_duplicate_check_on_trace_index")

DROP = "DROP FUNCTION IF EXISTS execlave_ledger_append(bigint, jsonb);\n"

_SPLIT = previous.CREATE.index("\nCREATE FUNCTION execlave_ledger_append(p_org bigint")
CREATE = previous.CREATE[:_SPLIT]  # execlave_ledger_append_one, unchanged (not re-created)
JSON_FUNCTION = previous.CREATE[_SPLIT:]  # what backwards restores


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(JSON_FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [("traces", "0011_ledger_duplicate_check_on_trace_index")]
    operations = [migrations.RunPython(forwards, backwards)]
