from django.core.management.base import BaseCommand
from django.db import transaction

from arrimage.coalition.glossary_data import glossary_terms_load
from arrimage.coalition.models import GlossaryTerm, LegalText


class Command(BaseCommand):
    help = (
        "Load the glossary's terms and legal texts from coalition/data/glossary.json "
        "(done on install by a migration; run again after the file changes)."
    )

    def handle(self, *args: object, **options: object) -> None:
        with transaction.atomic():
            count = glossary_terms_load(term_model=GlossaryTerm, legal_model=LegalText)
        self.stdout.write(f"{count} terms loaded.")
