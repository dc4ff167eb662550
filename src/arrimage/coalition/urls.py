from django.urls import path

from arrimage.coalition import views

app_name = "coalition"

# A coalition's own page and its life (texts, trainings, onboarding) compose accounts and the
# layers above: coalition_pages serves them in this namespace (arrimage/urls.py).
urlpatterns = [
    path("", views.coalition_list_view, name="list"),
]
