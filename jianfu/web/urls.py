from django.contrib.auth import views as auth_views
from django.urls import path

from jianfu.web.views import bill, home, items, list_edit, lists, notifications, queue, tokens, users, workflow

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # the ledger
    path("items/", items.item_list, name="item_list"),
    path("items/new/", items.item_new, name="item_new"),
    path("items/kind-fields/", items.kind_fields, name="item_kind_fields"),
    path("items/review/", items.live_review, name="item_live_review"),
    path("items/<int:pk>/", items.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", items.item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", items.item_delete, name="item_delete"),
    path("items/<int:pk>/submit/", workflow.item_submit, name="item_submit"),
    path("items/<int:pk>/sign-off/", workflow.item_sign_off, name="item_sign_off"),
    path("items/<int:pk>/decide/", workflow.item_decide, name="item_decide"),
    path("items/<int:pk>/merge/", workflow.item_merge, name="item_merge"),
    path("items/<int:pk>/issue/", workflow.item_issue, name="item_issue"),
    # the office
    path("queue/", queue.queue, name="queue"),
    path("queue/batch/", queue.queue_batch, name="queue_batch"),
    path("lists/", lists.lists_index, name="lists"),
    path("lists/thresholds/save/", lists.thresholds_save, name="thresholds_save"),
    path("lists/lexicon/try/", lists.lexicon_try, name="lexicon_try"),
    path("lists/users/new/", users.user_new, name="user_new"),
    path("lists/users/<int:pk>/", users.user_edit, name="user_edit"),
    path("lists/<slug:slug>/", lists.list_page, name="list_page"),
    path("lists/<slug:slug>/import/", lists.list_import, name="list_import"),
    path("lists/<slug:slug>/import/confirm/", lists.list_import_confirm, name="list_import_confirm"),
    path("lists/<slug:slug>/export/", lists.list_export, name="list_export"),
    path("lists/<slug:slug>/add/", list_edit.list_add, name="list_add"),
    path("lists/<slug:slug>/<int:pk>/delete/", list_edit.list_delete, name="list_delete"),
    # the grassroots
    path("bill/", bill.bill, name="bill"),
    path("bill/<int:unit_id>/", bill.bill, name="bill_unit"),
    # everyone
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/read/", notifications.notifications_read, name="notifications_read"),
    path("tokens/", tokens.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
]
