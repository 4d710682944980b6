"""Cheaper appends: fewer and smaller indexes on ledger entries, no foreign-key triggers.

Measured with 1,000-row COPY batches of the benchmark's rows (bench/ingest.py) on the 2-core
benchmark machine: the former nine btree indexes plus two foreign-key checks ran at 29,600
rows/s, the set below at about 66,000 (a plain table: 133,000). See models.LedgerEntry.

Time ranges (the admin's "recorded" filter, the trace API's since/until on occurred_at) get
BRIN indexes on PostgreSQL: rows are appended in time order, so a few kilobytes of block
ranges replace two btrees that grew with every row. SQLite has no BRIN: the former btree
indexes stay there. Neither is declared on the model (Django has no portable BRIN index).
"""

import django.db.models.deletion
from django.db import migrations, models

TIME_INDEXES = {
    "postgresql": [
        "CREATE INDEX IF NOT EXISTS ledger_recorded_brin ON traces_ledgerentry USING brin (recorded_at)",
        "CREATE INDEX IF NOT EXISTS ledger_occurred_brin ON traces_ledgerentry USING brin (occurred_at)",
    ],
    "other": [
        "CREATE INDEX IF NOT EXISTS ledger_org_recorded ON traces_ledgerentry (organisation_id, recorded_at)",
        "CREATE INDEX IF NOT EXISTS ledger_org_occurred ON traces_ledgerentry (organisation_id, occurred_at)",
    ],
}
DROP_TIME_INDEXES = {
    "postgresql": [
        "DROP INDEX IF EXISTS ledger_recorded_brin",
        "DROP INDEX IF EXISTS ledger_occurred_brin",
    ],
    "other": ["DROP INDEX IF EXISTS ledger_org_recorded", "DROP INDEX IF EXISTS ledger_org_occurred"],
}


def _run(statements):
    def run(apps, schema_editor):
        vendor = "postgresql" if schema_editor.connection.vendor == "postgresql" else "other"
        for sql in statements[vendor]:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0002_auditlog_append_only_trigger'),
        ('traces', '0005_ledgerentry_no_separate_org_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='ledgerentry',
            name='ledger_org_recorded',
        ),
        migrations.RemoveIndex(
            model_name='ledgerentry',
            name='ledger_org_occurred',
        ),
        migrations.RemoveIndex(
            model_name='ledgerentry',
            name='ledger_org_agent_seq',
        ),
        migrations.RemoveIndex(
            model_name='ledgerentry',
            name='ledger_org_status_seq',
        ),
        migrations.RemoveIndex(
            model_name='ledgerentry',
            name='ledger_org_decision_seq',
        ),
        migrations.RemoveIndex(
            model_name='ledgerentry',
            name='ledger_org_kind_seq',
        ),
        migrations.AlterField(
            model_name='ledgerentry',
            name='agent',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='governance.agent'),
        ),
        migrations.AlterField(
            model_name='ledgerentry',
            name='organisation',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='governance.organisation'),
        ),
        migrations.AddIndex(
            model_name='ledgerentry',
            index=models.Index(fields=['agent', 'seq'], name='ledger_agent_seq'),
        ),
        migrations.AddIndex(
            model_name='ledgerentry',
            index=models.Index(condition=models.Q(('status__in', ['blocked', 'denied', 'error'])), fields=['organisation', 'status', 'seq'], name='ledger_org_status_rare'),
        ),
        migrations.AddIndex(
            model_name='ledgerentry',
            index=models.Index(condition=models.Q(('decision__in', ['block', 'require_approval', 'warn'])), fields=['organisation', 'decision', 'seq'], name='ledger_org_decision_rare'),
        ),
        migrations.AddIndex(
            model_name='ledgerentry',
            index=models.Index(condition=models.Q(('kind__in', ['approval', 'output_decision'])), fields=['organisation', 'kind', 'seq'], name='ledger_org_kind_rare'),
        ),
        # The former (organisation, recorded_at)/(organisation, occurred_at) btrees were removed
        # above (state and database); these are outside the model state.
        migrations.RunPython(_run(TIME_INDEXES), _run(DROP_TIME_INDEXES)),
    ]
