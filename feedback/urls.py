from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.index, name="index"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/mine/", views.my_cases, name="my_cases"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/customer-search/", views.customer_search, name="customer_search"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/<slug:action>/", views.case_action, name="case_action"),
    path("customers/<int:pk>/timeline/", views.customer_timeline, name="customer_timeline"),
    path("callbacks/", views.callback_list, name="callback_list"),
    path("callbacks/<int:pk>/", views.callback_detail, name="callback_detail"),
]
