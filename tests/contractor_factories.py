"""Factories of the contractor register (issue #16), shared by the core, feedback and
renovation tests."""

import datetime

import factory

from salesite.models import Contractor, ContractorDocument, ContractorTraining


class ContractorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contractor
        skip_postgeneration_save = True

    company = factory.LazyAttribute(lambda o: o.project.property_company)
    name = factory.Sequence(lambda n: f"维修单位{n}")
    tech_lead_name = "赵工"
    tech_lead_phone = "13600000001"
    status = "active"

    class Params:
        project = None

    @factory.post_generation
    def projects(self, create, extracted, **kwargs):
        if create:
            self.projects.set(extracted or [])


def contractor_for(project, **kwargs) -> Contractor:
    return ContractorFactory(project=project, projects=[project], **kwargs)


def training_for(contractor, project, **kwargs) -> ContractorTraining:
    values = {
        "held_on": datetime.date(2026, 11, 1),
        "trainees": "赵工（技术负责人）",
        "trainee_count": 1,
    }
    return ContractorTraining.objects.create(
        contractor=contractor, project=project, **(values | kwargs)
    )


def document_for(contractor, project, valid_until, **kwargs) -> ContractorDocument:
    return ContractorDocument.objects.create(
        contractor=contractor,
        project=project,
        kind=kwargs.pop("kind", "licence"),
        title=kwargs.pop("title", "营业执照"),
        valid_until=valid_until,
        **kwargs,
    )
