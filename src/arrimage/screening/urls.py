from django.urls import path

from arrimage.screening import views

app_name = "screening"

urlpatterns = [
    path("", views.list_view, name="list"),
    path("nouveau/", views.start_view, name="start"),
    path("<uuid:screening_id>/", views.question_view, name="question"),
    path("<uuid:screening_id>/resultat/", views.result_view, name="result"),
    path("<uuid:screening_id>/rattacher/", views.attach_view, name="attach"),
]
