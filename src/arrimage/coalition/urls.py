from django.urls import path

from arrimage.coalition import views

app_name = "coalition"

urlpatterns = [
    path("", views.coalition_list_view, name="list"),
    path("<uuid:coalition_id>/", views.coalition_detail_view, name="detail"),
]
