from django.urls import path

from jianfu.channel import views

app_name = "channel"

urlpatterns = [
    path("channel/", views.index, name="index"),
    path("channel/report/", views.new_report, name="new_report"),
    path("channel/p/<str:token>/", views.point_report, name="point_report"),
    path("channel/p/<str:token>/survey/", views.point_survey, name="point_survey"),
    path("channel/receipt/", views.receipt, name="receipt"),
    path("channel/reports/", views.report_list, name="report_list"),
    path("channel/reports/<uuid:pk>/", views.report_detail, name="report_detail"),
    path("channel/reports/<uuid:pk>/assign/", views.assign, name="assign"),
    path("channel/reports/<uuid:pk>/merge/", views.merge, name="merge"),
    path("channel/reports/<uuid:pk>/answer/", views.answer, name="answer"),
    path("channel/reports/<uuid:pk>/verify/", views.verify, name="verify"),
    path("channel/reports/<uuid:pk>/reopen/", views.reopen, name="reopen"),
    path("channel/reports/<uuid:pk>/to-item/", views.to_item, name="to_item"),
    path("channel/reports/<uuid:pk>/feedback/", views.feedback, name="feedback"),
    path("channel/files/<uuid:pk>/", views.attachment, name="attachment"),
    path("channel/items/search/", views.item_search, name="item_search"),
    path("channel/points/", views.points, name="points"),
    path("channel/points/<int:pk>/rotate/", views.point_rotate, name="point_rotate"),
]
