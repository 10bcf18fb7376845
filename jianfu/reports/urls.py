from django.urls import path

from jianfu.reports import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/items/", views.drilldown, name="items"),
    path("dashboard/methods/", views.methods, name="methods"),
    path("dashboard/report.<str:fmt>", views.download, name="download"),
]
