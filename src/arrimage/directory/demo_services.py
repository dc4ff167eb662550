"""The demonstration directory's services, as data: for each type of organisation, the
services its demo organisations offer, in the order ``directory/demo.py`` creates them. Read by
``directory/demo.py`` and the benches."""

from arrimage.directory.demo_legal_services import IMMIGRATION_LEGAL, LEGAL_AID
from arrimage.directory.demo_shelters import SHELTERS
from arrimage.directory.demo_support_services import COMMUNITY, HEALTH_SOCIAL
from arrimage.directory.demo_template import Template

TEMPLATES: dict[str, list[Template]] = {
    "shelter": SHELTERS,
    "community": COMMUNITY,
    "health_social": HEALTH_SOCIAL,
    "legal_aid": LEGAL_AID,
    "immigration_legal": IMMIGRATION_LEGAL,
}
