"""Which role gets which renovation permission (installed by migration 0002, then edited in
admin). Engineering and customer-service heads review; the centre head is the delegate of
both and the project manager who approves fines and refunds; the cashier takes the money."""

VIEW = [
    "renovation.view_renovationapplication",
    "renovation.view_applicationdocument",
    "renovation.view_governmentapproval",
    "renovation.view_renovationagreement",
    "renovation.view_feepayment",
    "renovation.view_workerpass",
    "renovation.view_entryconfirmation",
    "renovation.view_depositledgerentry",
    "renovation.view_depositrefund",
]
FRONT_OFFICE = [
    "renovation.add_depositrefund",
    "renovation.change_depositrefund",
    "renovation.add_renovationagreement",
    "renovation.issue_permit",
    "renovation.add_workerpass",
    "renovation.add_entryconfirmation",
]
EDIT_APPLICATION = [
    "renovation.add_renovationapplication",
    "renovation.change_renovationapplication",
    "renovation.change_applicationdocument",
]

ROLE_PERMS = {
    "front_desk": VIEW + EDIT_APPLICATION + FRONT_OFFICE,
    "customer_ambassador": VIEW,
    "cs_lead": VIEW
    + EDIT_APPLICATION
    + FRONT_OFFICE
    + ["renovation.review_customer_service", "renovation.record_government_approval"],
    "engineering": VIEW + ["renovation.review_engineering", "renovation.add_entryconfirmation"],
    "security": VIEW + ["renovation.add_workerpass"],
    "security_lead": VIEW,
    "cashier": VIEW + ["renovation.collect_fees", "renovation.record_refund"],
    "centre_head": VIEW
    + EDIT_APPLICATION
    + FRONT_OFFICE
    + [
        "renovation.collect_fees",
        "renovation.approve_refund",
        "renovation.record_refund",
        "renovation.review_engineering",
        "renovation.review_customer_service",
        "renovation.record_government_approval",
    ],
    "archivist": VIEW,
    "subsidiary_deputy": VIEW,
    "subsidiary_gm": VIEW,
    "hq_inspector": VIEW,
}

SCHEDULES = [
    # name, task, (minute, hour, day_of_week)
    (
        "装修审核超时提醒（每 30 分钟）",
        "renovation.tasks.renovation_review_overdue",
        ("*/30", "*", "*"),
    ),
    ("装修押金到期提醒（每天 8:30）", "renovation.tasks.renovation_refunds_due", ("30", "8", "*")),
]

# --- later slices: each installed by its own data migration ----------------------------

PATROL_VIEW = ["renovation.view_patrolrecord", "renovation.view_missedpatrol"]
PATROL_CHANGE = ["renovation.change_patrolrecord"]  # photos are attachments of the record
PATROL_ROLE_PERMS = {
    "front_desk": PATROL_VIEW + PATROL_CHANGE + ["renovation.patrol_front_desk"],
    "cs_lead": PATROL_VIEW + PATROL_CHANGE + ["renovation.patrol_front_desk"],
    "engineering": PATROL_VIEW + PATROL_CHANGE + ["renovation.patrol_engineering"],
    "security": PATROL_VIEW + PATROL_CHANGE + ["renovation.patrol_security"],
    "security_lead": PATROL_VIEW + PATROL_CHANGE + ["renovation.patrol_security"],
    "centre_head": PATROL_VIEW
    + PATROL_CHANGE
    + [
        "renovation.patrol_front_desk",
        "renovation.patrol_engineering",
        "renovation.patrol_security",
    ],
    "customer_ambassador": PATROL_VIEW,
    "archivist": PATROL_VIEW,
    "subsidiary_deputy": PATROL_VIEW,
    "subsidiary_gm": PATROL_VIEW,
    "hq_inspector": PATROL_VIEW,
}
PATROL_SCHEDULES = [
    (
        "装修漏巡标记（每天 8:00，标记前一天）",
        "renovation.tasks.renovation_patrols_missed",
        ("0", "8", "*"),
    ),
]


def install(apps, role_perms: dict, schedules=()):
    """Grant role permissions and create beat schedules (for data migrations)."""
    from salesite.roles import grant

    for role, perms in role_perms.items():
        grant(apps, [role], perms)
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour, dow) in schedules:
        crontab = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week=dow,
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Shanghai",
        )[0]
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


SITE_VIEW = [
    "renovation.view_violation",
    "renovation.view_fine",
    "renovation.view_hotworkpermit",
    "renovation.view_materialrefusal",
]
RECORD_VIOLATION = ["renovation.add_violation", "renovation.change_violation"]
VIOLATION_ROLE_PERMS = {
    "front_desk": SITE_VIEW
    + RECORD_VIOLATION
    + ["renovation.add_fine", "renovation.add_hotworkpermit", "renovation.add_materialrefusal"],
    "cs_lead": SITE_VIEW
    + RECORD_VIOLATION
    + ["renovation.add_fine", "renovation.add_hotworkpermit", "renovation.add_materialrefusal"],
    "engineering": SITE_VIEW
    + RECORD_VIOLATION
    + ["renovation.add_hotworkpermit", "renovation.approve_hot_work"],
    "security": SITE_VIEW
    + RECORD_VIOLATION
    + ["renovation.add_hotworkpermit", "renovation.add_materialrefusal"],
    "security_lead": SITE_VIEW
    + RECORD_VIOLATION
    + [
        "renovation.add_hotworkpermit",
        "renovation.approve_hot_work",
        "renovation.add_materialrefusal",
    ],
    # The project manager (物管中心负责人) approves fines.
    "centre_head": SITE_VIEW
    + RECORD_VIOLATION
    + [
        "renovation.add_fine",
        "renovation.approve_fine",
        "renovation.add_hotworkpermit",
        "renovation.approve_hot_work",
        "renovation.add_materialrefusal",
    ],
    "customer_ambassador": SITE_VIEW,
    "archivist": SITE_VIEW,
    "subsidiary_deputy": SITE_VIEW,
    "subsidiary_gm": SITE_VIEW,
    "hq_inspector": SITE_VIEW,
}

COMPLETION_ROLE_PERMS = {
    role: ["renovation.view_completioninspection"] + extra
    for role, extra in {
        "front_desk": ["renovation.add_completioninspection"],
        "cs_lead": ["renovation.add_completioninspection"],
        "engineering": ["renovation.inspect_completion"],
        "security": ["renovation.inspect_completion"],
        "security_lead": ["renovation.inspect_completion"],
        "centre_head": ["renovation.add_completioninspection", "renovation.inspect_completion"],
        "customer_ambassador": [],
        "archivist": [],
        "subsidiary_deputy": [],
        "subsidiary_gm": [],
        "hq_inspector": [],
    }.items()
}

LECTURE_EDIT = ["renovation.add_renovationlecture", "renovation.change_renovationlecture"]
LECTURE_VIEW = ["renovation.view_renovationlecture", "renovation.view_lectureattendee"]
LECTURE_ROLE_PERMS = {
    "front_desk": LECTURE_VIEW + LECTURE_EDIT,
    "cs_lead": LECTURE_VIEW + LECTURE_EDIT,
    "customer_ambassador": LECTURE_VIEW + LECTURE_EDIT,
    "centre_head": LECTURE_VIEW + LECTURE_EDIT,
    "engineering": LECTURE_VIEW,
    "security": LECTURE_VIEW,
    "security_lead": LECTURE_VIEW,
    "archivist": LECTURE_VIEW,
    "subsidiary_deputy": LECTURE_VIEW,
    "subsidiary_gm": LECTURE_VIEW,
    "hq_inspector": LECTURE_VIEW,
}
