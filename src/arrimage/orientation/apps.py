from django.apps import AppConfig


class OrientationConfig(AppConfig):
    name = "arrimage.orientation"
    label = "orientation"
    verbose_name = "Orientation"
    default_auto_field = "django.db.models.BigAutoField"
