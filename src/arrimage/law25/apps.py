from django.apps import AppConfig


class Law25Config(AppConfig):
    name = "arrimage.law25"
    label = "law25"
