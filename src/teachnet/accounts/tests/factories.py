import factory
from django.utils import timezone

from teachnet.core.identity import id_check_char
from teachnet.orgs.models import Organization, Region
from teachnet.training.models import Project

from ..models import RoleAssignment, User


def make_id_card(region_code: str = "440106", birth: str = "19850315", seq: int = 123) -> str:
    first17 = f"{region_code}{birth}{seq:03d}"
    return first17 + id_check_char(first17)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试学校{n}")
    type = Organization.Type.SCHOOL
    region = factory.LazyFunction(lambda: Region.objects.get(code="440106"))


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"测试项目{n}")
    year = 2011
    office = factory.SubFactory(
        OrganizationFactory,
        type=Organization.Type.PROJECT_OFFICE,
        region=factory.LazyFunction(lambda: Region.objects.get(code="110000")),
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"测试用户{n}")
    activated_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def identity(self, create, extracted, **kwargs):
        n = self.pk or 0
        self.set_phone(f"139{n:08d}")
        self.set_id_card(make_id_card(seq=n % 1000, birth=f"19{60 + n // 1000 % 40:02d}0101"))
        self.set_password("correct horse battery staple")
        if create:
            self.save()


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)


def persona(username, role, *, region=None, organization=None, project=None, home_org=None, home_region=None):
    """An activated user holding one role, as the personas of conftest.py are made."""
    user = UserFactory(username=username, real_name=username, organization=home_org, region=home_region)
    RoleAssignment.objects.create(
        user=user, role=role, region=region, organization=organization, project=project
    )
    return user
