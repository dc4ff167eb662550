from django.urls import path

from arrimage.core import views

app_name = "core"

urlpatterns = [
    path("", views.welcome_view, name="welcome"),
    path("sante/", views.health_view, name="health"),
    path("taches/<uuid:task_id>/", views.task_view, name="task"),
    path("taches/<uuid:task_id>/etat/", views.task_state_view, name="task_state"),
    path("taches/<uuid:task_id>/fichier/", views.task_file_view, name="task_file"),
]
