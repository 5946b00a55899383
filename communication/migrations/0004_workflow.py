"""Problems move through the core workflow engine (issue 13, item 2): ProblemEvent becomes a
StatusHistory (``actor`` renamed ``by``; ``from_status``/``to_status`` added and filled for the
existing rows that changed the state: created, first escalation, resolution)."""

from django.db import migrations, models


def fill_statuses(apps, schema_editor):
    ProblemEvent = apps.get_model("communication", "ProblemEvent")
    state = {}
    changed = []
    for event in ProblemEvent.objects.order_by("problem_id", "at", "pk").iterator():
        current = state.get(event.problem_id)
        if event.kind == "created":
            event.from_status, event.to_status = "", "open"
            state[event.problem_id] = "open"
        elif event.kind == "escalated" and current in (None, "open"):
            event.from_status, event.to_status = "open", "escalated"
            state[event.problem_id] = "escalated"
        elif event.kind == "resolved":
            event.from_status, event.to_status = current or "open", "resolved"
            state[event.problem_id] = "resolved"
        else:
            continue
        changed.append(event)
    ProblemEvent.objects.bulk_update(changed, ["from_status", "to_status"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("communication", "0003_list_indexes"),
    ]

    operations = [
        migrations.RenameField(
            model_name="problemevent",
            old_name="actor",
            new_name="by",
        ),
        migrations.AddField(
            model_name="problemevent",
            name="from_status",
            field=models.CharField(
                blank=True,
                choices=[("open", "待解决"), ("escalated", "已升级"), ("resolved", "已解决")],
                max_length=20,
                verbose_name="原状态",
            ),
        ),
        migrations.AddField(
            model_name="problemevent",
            name="to_status",
            field=models.CharField(
                blank=True,
                choices=[("open", "待解决"), ("escalated", "已升级"), ("resolved", "已解决")],
                max_length=20,
                verbose_name="新状态",
            ),
        ),
        migrations.RunPython(fill_statuses, migrations.RunPython.noop),
    ]
