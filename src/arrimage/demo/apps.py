from django.apps import AppConfig


class DemoConfig(AppConfig):
    """``arrimage demo``: builds the demonstration data of every app, in order. Like
    ``urls.py``, it composes every app and sits outside the layers (docs/architecture.md)."""

    name = "arrimage.demo"
    label = "demo"
