from django.urls import path

from salesite import attachment_views, contractor_urls, import_views, register_views, views

app_name = "salesite"

urlpatterns = [
    path("projects/", register_views.project_list, name="project_list"),
    path("projects/<int:pk>/", register_views.project_detail, name="project_detail"),
    path(
        "projects/<int:pk>/phase/", register_views.project_phase_change, name="project_phase_change"
    ),
    path("projects/<int:project_pk>/import/", import_views.import_register, name="import_register"),
    path("imports/<int:pk>/", import_views.import_batch, name="import_batch"),
    path(
        "projects/<int:project_pk>/import/template/",
        import_views.import_template,
        name="import_template",
    ),
    path(
        "projects/<int:project_pk>/tenants/new/", register_views.tenant_create, name="tenant_create"
    ),
    path(
        "projects/<int:project_pk>/tenants/<int:pk>/edit/",
        register_views.tenant_edit,
        name="tenant_edit",
    ),
    path("units/", register_views.unit_list, name="unit_list"),
    path("units/new/", register_views.unit_create, name="unit_create"),
    path("units/<int:pk>/", register_views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", register_views.unit_edit, name="unit_edit"),
    path("customers/", register_views.customer_list, name="customer_list"),
    path("customers/new/", register_views.customer_create, name="customer_create"),
    path("customers/<int:pk>/", register_views.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", register_views.customer_edit, name="customer_edit"),
    path(
        "customers/<int:customer_pk>/purchases/new/",
        register_views.purchase_create,
        name="purchase_create",
    ),
    path(
        "customers/<int:customer_pk>/purchases/<int:pk>/edit/",
        register_views.purchase_edit,
        name="purchase_edit",
    ),
    path(
        "attachments/<int:ct_id>/<int:object_id>/upload/",
        attachment_views.attachment_upload,
        name="attachment_upload",
    ),
    path("attachments/<int:pk>/", attachment_views.attachment_download, name="attachment_download"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_read, name="inbox_read_all"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
]
urlpatterns += contractor_urls.urlpatterns  # the contractor register (issue #16)
