from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "arrimage.home"
    label = "home"
