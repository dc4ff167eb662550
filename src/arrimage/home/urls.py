from django.urls import path

from arrimage.home import views

app_name = "home"

urlpatterns = [
    path("tableau/", views.home_view, name="home"),
    path(
        "tableau/disponibilites/<uuid:capacity_id>/confirmer/",
        views.availability_confirm_view,
        name="availability_confirm",
    ),
]
