from django.urls import include, path

from . import printing, views

app_name = "handover"

urlpatterns = [
    path("", views.index, name="index"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/date/", views.batch_change_date, name="batch_change_date"),
    path("milestones/<int:pk>/complete/", views.milestone_complete, name="milestone_complete"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_start, name="case_start"),
    path("cases/not-taken/", views.case_not_taken_new, name="case_not_taken_new"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/step/<int:step>/", views.case_step, name="case_step"),
    path("cases/<int:pk>/not-taken/", views.case_not_taken, name="case_not_taken"),
    path("cases/<int:pk>/resume/", views.case_resume, name="case_resume"),
    path("cases/<int:pk>/acceptance/", views.acceptance_edit, name="acceptance_edit"),
    path("cases/<int:pk>/rectifications/new/", views.rectification_add, name="rectification_add"),
    path(
        "rectifications/<int:pk>/status/", views.rectification_status, name="rectification_status"
    ),
    path("", include("handover.urls_signatures")),
]

urlpatterns += [
    path("reports/<slug:kind>/", views.report, name="report"),
    path("reports/<slug:kind>/print/", views.report_print, name="report_print"),
]

urlpatterns += [
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/send/", views.notice_send, name="notice_send"),
    path("open-days/", views.openday_list, name="openday_list"),
    path("open-days/new/", views.openday_create, name="openday_create"),
    path("open-days/<int:pk>/", views.openday_detail, name="openday_detail"),
    path("open-days/<int:pk>/invite/", views.openday_invite, name="openday_invite"),
    path("invitations/<int:pk>/", views.invitation_record, name="invitation_record"),
]

urlpatterns += [
    path("fee-status/", views.fee_status_edit, name="fee_status_edit"),
    path("move-ins/", views.movein_list, name="movein_list"),
    path("move-ins/new/", views.movein_create, name="movein_create"),
    path("move-ins/<int:pk>/", views.movein_detail, name="movein_detail"),
    path("move-ins/<int:pk>/tenant-info/", views.movein_tenant_info, name="movein_tenant_info"),
    path("move-ins/<int:pk>/owner-file/", views.movein_owner_file, name="movein_owner_file"),
    path("releases/", views.release_list, name="release_list"),
    path("releases/new/", views.release_create, name="release_create"),
    path("releases/<int:pk>/", views.release_detail, name="release_detail"),
]

urlpatterns += [
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/verify/<int:defect_pk>/", views.defect_verify, name="defect_verify"),
    path("inspections/<int:pk>/complete/", views.inspection_complete, name="inspection_complete"),
]

# Pre-delivery preview findings (R-HO-1 提前看房活动).
urlpatterns += [
    path("findings/", views.finding_list, name="finding_list"),
    path("batches/<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
]

# Paper forms (R-DASH-3).
urlpatterns += [
    path("cases/<int:pk>/print/", printing.case_print, name="case_print"),
    path("inspections/<int:pk>/print/", printing.inspection_print, name="inspection_print"),
    path("move-ins/<int:pk>/print/", printing.movein_print, name="movein_print"),
    path("notices/<int:pk>/print/", printing.notice_print, name="notice_print"),
    path("releases/<int:pk>/print/", printing.release_print, name="release_print"),
]

# Handover days (issue #15): slots, bookings, the queue, waits, rehearsal, venue settings.
urlpatterns += [
    path("batches/<int:pk>/days/", views.day.batch_days, name="batch_days"),
    path("batches/<int:pk>/days/new/", views.day.day_create, name="day_create"),
    path("batches/<int:pk>/waits/", views.day.batch_waits, name="batch_waits"),
    path("batches/<int:pk>/waits/print/", views.day.batch_waits_print, name="batch_waits_print"),
    path("batches/<int:pk>/day-plan/", views.day_plan.batch_day_plan, name="batch_day_plan"),
    path(
        "batches/<int:pk>/rehearsals/new/", views.day_plan.rehearsal_create, name="rehearsal_create"
    ),
    path(
        "batches/<int:pk>/emergency-plan/",
        views.day_plan.emergency_plan_edit,
        name="emergency_plan_edit",
    ),
    path("batches/<int:pk>/venue/", views.day_plan.venue_settings, name="venue_settings"),
    path("batches/<int:pk>/venue/rotate/", views.day_plan.venue_rotate, name="venue_rotate"),
    path("batches/<int:pk>/check-in-qr.svg", views.day_plan.batch_check_in_qr, name="batch_qr"),
    path("rehearsal-problems/<int:pk>/fixed/", views.day_plan.problem_fixed, name="problem_fixed"),
    path(
        "check-items/<int:pk>/toggle/", views.day_plan.check_item_toggle, name="check_item_toggle"
    ),
    path("days/<int:pk>/", views.day.day_detail, name="day_detail"),
    path("days/<int:pk>/slots/new/", views.day.slot_create, name="slot_create"),
    path("days/<int:pk>/start/", views.day.day_start, name="day_start"),
    path("days/<int:pk>/book/", views.day.booking_phone, name="booking_phone"),
    path("days/<int:pk>/queue/", views.day.day_queue, name="day_queue"),
    path("days/<int:pk>/queue/check-in/", views.day.queue_check_in, name="queue_check_in"),
    path("days/<int:pk>/queue/call/", views.day.queue_call, name="queue_call"),
    path("bookings/<int:pk>/no-show/", views.day.booking_no_show, name="booking_no_show"),
    path("tickets/<int:pk>/<slug:action>/", views.day.ticket_action, name="ticket_action"),
]
