"""The daily beat entry that sends the survey link of callbacks answered by questionnaire
(R-FB-5/6, 问卷（短信链接）): 9:30 Asia/Shanghai, when owners read their messages."""

from django.db import migrations

SCHEDULES = [
    (
        "回访问卷短信链接发送（每日 9:30）",
        "feedback.tasks.feedback_survey_links_send",
        {"minute": "30", "hour": "9", "day_of_month": "*", "month_of_year": "*"},
    ),
]


def forwards(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, cron in SCHEDULES:
        crontab = CrontabSchedule.objects.get_or_create(
            day_of_week="*", timezone="Asia/Shanghai", **cron
        )[0]
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def backwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=[task for _, task, _ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0016_survey_surveylink"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
