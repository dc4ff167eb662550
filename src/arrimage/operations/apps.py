from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "arrimage.operations"
    label = "operations"
    verbose_name = "Operations"
