from django.urls import path

from salesite import views

app_name = "salesite"

urlpatterns = [
    path("projects/", views.project_list, name="project_list"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/phase/", views.project_phase_change, name="project_phase_change"),
    path("projects/<int:project_pk>/import/", views.import_register, name="import_register"),
    path("imports/<int:pk>/", views.import_batch, name="import_batch"),
    path(
        "projects/<int:project_pk>/import/template/",
        views.import_template,
        name="import_template",
    ),
    path("projects/<int:project_pk>/tenants/new/", views.tenant_edit, name="tenant_create"),
    path("projects/<int:project_pk>/tenants/<int:pk>/edit/", views.tenant_edit, name="tenant_edit"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("customers/", views.customer_list, name="customer_list"),
    path("customers/new/", views.customer_create, name="customer_create"),
    path("customers/<int:pk>/", views.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("customers/<int:customer_pk>/purchases/new/", views.purchase_edit, name="purchase_create"),
    path(
        "customers/<int:customer_pk>/purchases/<int:pk>/edit/",
        views.purchase_edit,
        name="purchase_edit",
    ),
    path(
        "attachments/<int:ct_id>/<int:object_id>/upload/",
        views.attachment_upload,
        name="attachment_upload",
    ),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_read, name="inbox_read_all"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
]
