from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "减负通 管理后台"
admin.site.site_title = "减负通"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("jianfu.api.urls")),
    path("", include("jianfu.channel.urls")),
    path("", include("jianfu.reports.urls")),
    path("", include("jianfu.web.urls")),
    path("", include("jianfu.org.urls")),
]
handler500 = "jianfu.org.views.server_error"
