from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "arrimage.core"
    label = "core"
