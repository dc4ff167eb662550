"""Shared fixtures. Every authorisation test uses two organisations with identical data."""

from dataclasses import dataclass

import pytest

from arrimage.accounts.models import Membership, Role, User
from arrimage.coalition.models import Coalition, CoalitionLevel, Organisation, Region
from arrimage.privacy.crypto import clear_key_cache

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fresh_key_cache():
    clear_key_cache()
    yield
    clear_key_cache()


@dataclass
class Side:
    """One organisation and one user per role in it."""

    organisation: Organisation
    users: dict[str, User]

    def user(self, role: str) -> User:
        return self.users[role]


def make_side(
    label: str,
    *,
    org_type: str = "community",
    region_code: str = "QC-06",
    coalition: Coalition | None = None,
) -> Side:
    region = Region.objects.get(code=region_code)
    organisation = Organisation.objects.create(
        name=f"Organisation {label}", type=org_type, region=region, mandate="Accompagnement"
    )
    if coalition is not None:
        coalition.organisations.add(organisation)
    users = {}
    for role in Role.values:
        user = User.objects.create_user(
            email=f"{role}.{label.lower()}@example.org",
            password=PASSWORD,
            full_name=f"{role.title()} {label}",
        )
        Membership.objects.create(user=user, organisation=organisation, role=role)
        users[role] = user
    return Side(organisation, users)


@pytest.fixture
def coalition(db) -> Coalition:
    national = Coalition.objects.create(name="Nationale", level=CoalitionLevel.NATIONAL)
    provincial = Coalition.objects.create(
        name="Québec", level=CoalitionLevel.PROVINCIAL, parent=national, province="QC"
    )
    return Coalition.objects.create(
        name="Montréal",
        level=CoalitionLevel.REGIONAL,
        parent=provincial,
        province="QC",
        region=Region.objects.get(code="QC-06"),
    )


@pytest.fixture
def side_a(db, coalition) -> Side:
    return make_side("A", coalition=coalition)


@pytest.fixture
def side_b(db) -> Side:
    """Same shape as side A, in another regional coalition."""
    other = Coalition.objects.create(
        name="Estrie",
        level=CoalitionLevel.REGIONAL,
        province="QC",
        region=Region.objects.get(code="QC-05"),
    )
    return make_side("B", coalition=other)


@pytest.fixture
def police_side(db, coalition) -> Side:
    return make_side("Police", org_type="police", coalition=coalition)


def login(client, user: User, password: str = PASSWORD):
    response = client.post("/compte/connexion/", {"username": user.email, "password": password})
    assert response.status_code == 302, response.content[:500]
    return client
