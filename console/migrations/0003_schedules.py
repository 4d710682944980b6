from django.db import migrations

from console.schedules import SCHEDULES
from governance.periodic import schedules_operation


class Migration(migrations.Migration):
    dependencies = [
        ("console", "0002_rollups"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [schedules_operation(SCHEDULES)]
