from django.urls import path

from jianfu.org import views

app_name = "org"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/otp/enrol/", views.otp_enrol, name="otp_enrol"),
    path("account/otp/verify/", views.otp_verify, name="otp_verify"),
    path("account/otp/disable/", views.otp_disable, name="otp_disable"),
    path("account/logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("audit/", views.audit_log, name="audit"),
]
