from django.urls import path

from arrimage.conferences import views

app_name = "conferences"

urlpatterns = [
    path("", views.conference_list_view, name="list"),
    path("nouvelle/", views.conference_create_view, name="create"),
    path("<uuid:conference_id>/", views.conference_detail_view, name="detail"),
    path("<uuid:conference_id>/invitation.ics", views.conference_ics_view, name="ics"),
    path("<uuid:conference_id>/points/", views.item_add_view, name="item_add"),
    path(
        "<uuid:conference_id>/points/<uuid:item_id>/",
        views.item_record_view,
        name="item_record",
    ),
    path(
        "<uuid:conference_id>/points/<uuid:item_id>/actions/",
        views.action_add_view,
        name="action_add",
    ),
]
