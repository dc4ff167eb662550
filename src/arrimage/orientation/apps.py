from django.apps import AppConfig


class OrientationConfig(AppConfig):
    name = "arrimage.orientation"
    label = "orientation"
    verbose_name = "Orientation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Models are loaded only now: the selectors cannot be imported at the top.
        from arrimage.directory.service_panels import service_panel_register
        from arrimage.orientation.response_indicators import response_indicator_panel

        service_panel_register("response_indicator", response_indicator_panel)
