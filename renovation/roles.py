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
