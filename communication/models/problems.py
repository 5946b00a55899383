"""Problems raised in communication (R-COM-3): owner, due date, state, and the history of
every move. The allowed state changes are declared here (``Problem.TRANSITIONS``) and applied
by the core workflow engine (``salesite.workflow.transition``), which writes the history row."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models.scoping import ProjectScopedQuerySet
from salesite.models.workflow import StatusHistory


class ProblemQuerySet(ProjectScopedQuerySet):
    def unresolved(self):
        return self.exclude(status=Problem.Status.RESOLVED)

    def overdue(self, today):
        return self.unresolved().filter(due_date__lt=today)


class Problem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待解决")
        ESCALATED = "escalated", _("已升级")
        RESOLVED = "resolved", _("已解决")

    # from → the states it may move to; resolved is final. An escalated problem escalated
    # again moves up a level and stays escalated (a level change, not a state change).
    TRANSITIONS = {
        Status.OPEN: {Status.RESOLVED, Status.ESCALATED},
        Status.ESCALATED: {Status.RESOLVED},
    }
    WORKFLOW_HISTORY = "communication.ProblemEvent"
    # The only refusal a service can meet: resolving a resolved problem (escalating or
    # reassigning one is refused earlier, with its own message).
    TRANSITION_ERROR = _("该问题已解决，不能重复解决。")

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="communication_problems",
    )
    level = models.ForeignKey(
        "communication.CommunicationLevel",
        verbose_name=_("当前层级"),
        on_delete=models.PROTECT,
        related_name="problems",
    )
    raised_in = models.ForeignKey(
        "communication.CommunicationRecord",
        verbose_name=_("提出于"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems_raised",
    )
    title = models.CharField(_("问题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        on_delete=models.PROTECT,
        related_name="communication_problems",
    )
    developer_owner = models.ForeignKey(
        "salesite.ProjectMembership",
        verbose_name=_("地产方责任人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_date = models.DateField(_("完成期限"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    escalated_at = models.DateTimeField(_("最近升级时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    resolution = models.TextField(_("处理结果"), blank=True)
    overdue_since = models.DateTimeField(_("标记逾期时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("沟通问题")
        verbose_name_plural = _("沟通问题")
        ordering = ["-created_at", "-pk"]
        permissions = [("escalate_problem", _("可升级沟通问题"))]
        indexes = [
            models.Index(fields=["project", "level", "status"], name="comprob_agenda"),
            models.Index(fields=["status", "due_date"], name="comprob_due"),
            # A project's problem list (ordered by status and due date) and its counts.
            models.Index(fields=["project", "status", "due_date"], name="comprob_list"),
            # "My work": a person's unresolved problems by due date, without reading the
            # resolved ones they owned (thousands for a long-serving member at 10x data).
            models.Index(
                fields=["owner", "due_date"],
                condition=~models.Q(status="resolved"),
                name="comprob_owner_unresolved",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("communication:problem_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.RESOLVED


class ProblemEvent(StatusHistory):
    """One row of a problem's history: created, carried forward, escalated, reassigned,
    marked overdue, resolved — who (``by``), when, and from/to where. ``from_status`` and
    ``to_status`` are filled when the row records a state change (written by
    ``salesite.workflow.transition``), blank otherwise."""

    class Kind(models.TextChoices):
        CREATED = "created", _("登记")
        CARRIED_FORWARD = "carried_forward", _("列入议程（结转）")
        ESCALATED = "escalated", _("升级")
        REASSIGNED = "reassigned", _("变更责任人")
        OVERDUE = "overdue", _("逾期")
        RESOLVED = "resolved", _("解决")

    project_lookup = "problem__project"

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    from_level = models.ForeignKey(
        "communication.CommunicationLevel",
        verbose_name=_("原层级"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_level = models.ForeignKey(
        "communication.CommunicationLevel",
        verbose_name=_("新层级"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    record = models.ForeignKey(
        "communication.CommunicationRecord",
        verbose_name=_("相关记录"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problem_events",
    )
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("原责任人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("新责任人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(
        _("原状态"), max_length=20, choices=Problem.Status.choices, blank=True
    )
    to_status = models.CharField(
        _("新状态"), max_length=20, choices=Problem.Status.choices, blank=True
    )
    at = models.DateTimeField(_("时间"))

    objects = ProjectScopedQuerySet.as_manager()

    class Meta(StatusHistory.Meta):
        verbose_name = _("问题处理记录")
        verbose_name_plural = _("问题处理记录")
        ordering = ["problem", "at", "pk"]

    def __str__(self):
        return f"{self.problem} · {self.get_kind_display()}"

    @property
    def project(self):
        return self.problem.project
