from django.apps import AppConfig
from django.db.backends.signals import connection_created


class DirectoryConfig(AppConfig):
    name = "arrimage.directory"
    label = "directory"
    verbose_name = "Directory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from arrimage.directory.normalised import sqlite_functions_register

        connection_created.connect(
            sqlite_functions_register, dispatch_uid="directory_sqlite_functions"
        )
