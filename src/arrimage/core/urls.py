from django.urls import path

from arrimage.core import views

app_name = "core"

urlpatterns = [
    path("", views.welcome_view, name="welcome"),
    path("sante/", views.health_view, name="health"),
]
