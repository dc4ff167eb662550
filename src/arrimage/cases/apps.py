from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "arrimage.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # The kernel finds a case by id for apps that may not import cases (screening).
        from arrimage.cases.access import case_subject_by_id
        from arrimage.privacy.subjects import subject_resolver_register

        subject_resolver_register("case", case_subject_by_id)
