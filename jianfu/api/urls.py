from django.urls import path

from jianfu.api.api import api

urlpatterns = [path("", api.urls)]
