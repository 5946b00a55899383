"""Front-desk cases (R-FB-1..4): visits and calls, requests and suggestions, complaints and
repairs, with their deadlines stored as columns, a status history, breaches found by a job, and
the customer ambassadors who follow a building's or area's cases."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite import workflow
from salesite.models.options import option_label
from salesite.models.scoping import ProjectScopedQuerySet
from salesite.models.workflow import ProjectOwned, StatusHistory


class CaseKind(models.TextChoices):
    VISIT = "visit", _("来访来电")
    REQUEST = "request", _("需求/建议")
    COMPLAINT = "complaint", _("投诉")
    REPAIR = "repair", _("报修")


class Channel(models.TextChoices):
    VISIT = "visit", _("来访")
    CALL = "call", _("来电")
    SURVEY = "survey", _("问卷")  # a dissatisfied answer to a survey sent by SMS link
    OWNER = "owner", _("业主端")  # submitted by the owner on the owner portal (owners/)
    OTHER = "other", _("其他")


class OwnerConfirmation(models.TextChoices):
    """The owner's answer on the portal once staff mark a repair done."""

    FIXED = "fixed", _("业主确认已修好")
    NOT_FIXED = "not_fixed", _("业主反馈未修好")


class ComplaintCategory(models.TextChoices):
    """The default categories (the list itself is data: ``ComplaintCategoryOption``)."""

    DESIGN = "design", _("设计")
    BUILD_QUALITY = "build_quality", _("工程质量")
    SALES = "sales", _("销售")
    SERVICE = "service", _("服务")
    OTHER = "other", _("其他")


class CaseStatus(models.TextChoices):
    NEW = "new", _("新登记")
    DISPATCHED = "dispatched", _("已转派")
    IN_PROGRESS = "in_progress", _("处理中")
    REPLIED = "replied", _("已回复客户")
    CLOSED = "closed", _("已关闭")


# Which moves a case may make (``Case.TRANSITIONS``, run by ``salesite.workflow``). A case
# settled on the spot goes straight to "replied"; a reply is always recorded before closing
# (R-FB-3), and a reply found insufficient reopens the work. "closed" is final.
CASE_TRANSITIONS = {
    CaseStatus.NEW: {CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS, CaseStatus.REPLIED},
    CaseStatus.DISPATCHED: {CaseStatus.IN_PROGRESS, CaseStatus.REPLIED},
    CaseStatus.IN_PROGRESS: {CaseStatus.REPLIED},
    CaseStatus.REPLIED: {CaseStatus.CLOSED, CaseStatus.IN_PROGRESS},
}
OPEN_STATUSES = [CaseStatus.NEW, CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS, CaseStatus.REPLIED]


class Case(ProjectOwned):
    """One matter received at the front desk (a single entry point for every kind)."""

    TRANSITIONS = CASE_TRANSITIONS
    WORKFLOW_HISTORY = "feedback.CaseEvent"
    TRANSITION_ERROR = _("事项不能从“%(from)s”变更为“%(to)s”。")

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="cases"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=CaseKind.choices, db_index=True)
    channel = models.CharField(
        _("方式"), max_length=10, choices=Channel.choices, default=Channel.VISIT
    )
    # The code of a ComplaintCategoryOption row.
    complaint_category = models.CharField(_("投诉类别"), max_length=30, blank=True)
    customer = models.ForeignKey(
        "salesite.Customer",
        verbose_name=_("客户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    walk_in_name = models.CharField(_("来访人（非登记客户）"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话/来电号码"), max_length=20, blank=True)
    building = models.ForeignKey(
        "salesite.Building",
        verbose_name=_("楼栋"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    unit = models.ForeignKey(
        "salesite.Unit",
        verbose_name=_("房号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    area = models.CharField(_("区域"), max_length=50, blank=True)
    location = models.CharField(_("户内位置"), max_length=50, blank=True)
    preferred_visit_at = models.DateTimeField(_("期望上门时间"), null=True, blank=True)
    subject = models.CharField(_("事由"), max_length=200)
    content = models.TextField(_("内容"), blank=True)
    handling = models.TextField(_("处理情况"), blank=True)
    settled_on_spot = models.BooleanField(_("当场处理完毕"), default=False)
    is_major = models.BooleanField(_("重大/紧急/突发（报修为重点工程）"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.NEW, db_index=True
    )
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受理人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    promised_at = models.DateTimeField(_("承诺答复时间"), null=True, blank=True)
    # Dispatch (R-FB-2, R-FB-4)
    department = models.ForeignKey(
        "salesite.Department",
        verbose_name=_("转派部门"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_cases",
    )
    responsible_person = models.CharField(_("责任人"), max_length=50, blank=True)
    dispatched_at = models.DateTimeField(_("转派时间"), null=True, blank=True)
    repair_contractor = models.CharField(_("维修单位"), max_length=100, blank=True, db_index=True)
    supervisor = models.CharField(_("监督人"), max_length=50, blank=True)
    # The register (issue #16): a repair goes to a registered contractor and a supervisor
    # (维修监理); the two texts above keep their names (and old cases' free text).
    contractor = models.ForeignKey(
        "salesite.Contractor",
        verbose_name=_("维修单位（登记）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repair_cases",
    )
    repair_supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("维修监理"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_repairs",
    )
    contractor_untrained = models.BooleanField(_("派单时维修单位无岗前培训记录"), default=False)
    # Reply and closing (R-FB-3)
    reply = models.TextField(_("答复客户内容"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    rectification_done_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    # Deadlines, computed by the services and stored so that a job can sweep them with an index
    dispatch_due = models.DateTimeField(_("转派期限"), null=True, blank=True, db_index=True)
    answer_due = models.DateTimeField(_("答复期限"), null=True, blank=True, db_index=True)
    callback_due = models.DateTimeField(_("首次回访期限"), null=True, blank=True)
    second_callback_due = models.DateTimeField(_("第二次回访期限"), null=True, blank=True)
    survey_due = models.DateTimeField(_("整改满意度回访期限"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("上报领导时间"), null=True, blank=True)
    # The service policy values the deadlines above were computed with (salesite.policy).
    rule_values = models.JSONField(
        _("所用规则值"), default=dict, blank=True, help_text=_("登记时适用的服务规则取值")
    )
    # The owner's answers on the owner portal (issue 14): the repair confirmed or not, a rating.
    owner_confirmation = models.CharField(
        _("业主确认"), max_length=12, choices=OwnerConfirmation.choices, blank=True
    )
    owner_confirmed_at = models.DateTimeField(_("业主确认时间"), null=True, blank=True)
    owner_rating = models.PositiveSmallIntegerField(_("业主评分(1–5)"), null=True, blank=True)
    owner_comment = models.TextField(_("业主评价"), blank=True)
    owner_rated_at = models.DateTimeField(_("业主评价时间"), null=True, blank=True)
    source_callback = models.ForeignKey(
        "feedback.CallbackTask",
        verbose_name=_("来源回访"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_up_cases",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("客户反馈事项")
        verbose_name_plural = _("客户反馈事项")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["project", "status", "-received_at"]),
            models.Index(fields=["building", "status"]),
            # The first-time fix rate (issue #17): the repairs closed in a period, and the
            # repeat check (a repair of the same unit and category received after a closing).
            models.Index(fields=["kind", "status", "closed_at"], name="case_kind_status_closed"),
            models.Index(
                fields=["unit", "kind", "complaint_category", "received_at"],
                name="case_repeat_lookup",
            ),
            # "My work": the open cases of a person, and the owner-portal cases nobody took
            # yet, without a scan of every open case (74,000 at 10x data).
            models.Index(
                fields=["assignee", "received_at"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="case_open_by_assignee",
            ),
            models.Index(
                fields=["project", "received_at"],
                condition=models.Q(status__in=OPEN_STATUSES, assignee__isnull=True),
                name="case_open_unassigned",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(reply=""),
                name="case_closed_needs_reply",
                violation_error_message=_("未答复客户的事项不能关闭。"),
            ),
            models.CheckConstraint(
                condition=models.Q(owner_rating__isnull=True)
                | models.Q(owner_rating__gte=1, owner_rating__lte=5),
                name="case_owner_rating_1_5",
                violation_error_message=_("评分须在 1–5 之间。"),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.subject}"

    @property
    def number(self) -> str:
        return self.number_of(self.pk)

    @staticmethod
    def number_of(pk) -> str:
        """The case number of a primary key (rows read as values)."""
        return f"FB{pk:06d}" if pk else "FB-"

    @property
    def customer_label(self) -> str:
        return self.customer.name if self.customer_id else self.walk_in_name

    def get_absolute_url(self):
        return reverse("feedback:case_detail", args=[self.pk])

    def clean(self):
        super().clean()
        # The contractor (the repair's, or the one a complaint is about) is one of the
        # property company's registered contractors; another company's is refused.
        if self.contractor_id and self.project_id:
            company_id = self.project.property_company_id
            if self.contractor.company_id != company_id:
                raise ValidationError(
                    {
                        "contractor": _(
                            "维修单位“%(c)s”不是本项目物业公司登记的单位，不能关联到此事项。"
                        )
                        % {"c": self.contractor.name}
                    }
                )

    def get_complaint_category_display(self) -> str:
        from .options import ComplaintCategoryOption

        return option_label(self, "complaint_category", ComplaintCategoryOption)

    def allowed_next(self) -> list[str]:
        return workflow.allowed_next(self)

    def deadlines(self):
        """(label, due, done_at) for the record page."""
        minutes = (self.rule_values or {}).get("dispatch_minutes", 10)
        rows = [
            (_("转派期限（%(n)s分钟）") % {"n": minutes}, self.dispatch_due, self.dispatched_at),
            (_("答复期限"), self.answer_due, self.replied_at),
            (_("首次回访期限（关闭后24小时）"), self.callback_due, None),
            (_("第二次回访期限（重点工程，2个月）"), self.second_callback_due, None),
            (_("整改满意度回访期限（完成后1周）"), self.survey_due, None),
        ]
        return [r for r in rows if r[1]]


class CaseEvent(StatusHistory):
    """History of a case: every state change with who, when and a note (``transition`` writes
    it; registration and a finished rectification add a row of their own)."""

    case = models.ForeignKey(
        Case, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("原状态"), max_length=20, choices=CaseStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=CaseStatus.choices)
    note = models.TextField(_("备注"), blank=True)

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "case__project"

    class Meta:
        verbose_name = _("事项处理记录")
        verbose_name_plural = _("事项处理记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.case_id}: {self.from_status} → {self.to_status}"


class BreachKind(models.TextChoices):
    DISPATCH = "dispatch", _("超时未转派（10分钟）")
    ANSWER = "answer", _("超时未答复")
    CALLBACK = "callback", _("维修首次回访超时（24小时）")
    SECOND_CALLBACK = "second_callback", _("重点工程第二次回访超时（2个月）")
    SURVEY = "survey", _("整改满意度回访超时（1周）")


class DeadlineBreach(ProjectOwned):
    """A deadline of a case that passed without the action; one row per case and kind."""

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="case_breaches",
    )
    case = models.ForeignKey(
        Case, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="breaches"
    )
    kind = models.CharField(_("超时类型"), max_length=20, choices=BreachKind.choices)
    due_at = models.DateTimeField(_("期限"))
    detected_at = models.DateTimeField(_("发现时间"))
    notified = models.BooleanField(_("已通知"), default=False)

    class Meta:
        verbose_name = _("超时记录")
        verbose_name_plural = _("超时记录")
        ordering = ["-detected_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="breach_unique_case_kind")
        ]

    def __str__(self):
        return f"{self.case_id} {self.get_kind_display()}"


class AmbassadorAssignment(ProjectOwned):
    """A customer ambassador (客户大使) follows the cases of a building or an area (R-FB-3)."""

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="ambassador_assignments",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("客户大使"),
        on_delete=models.CASCADE,
        related_name="ambassador_assignments",
    )
    building = models.ForeignKey(
        "salesite.Building",
        verbose_name=_("楼栋"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ambassador_assignments",
    )
    area = models.CharField(_("区域"), max_length=50, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("客户大使分工")
        verbose_name_plural = _("客户大使分工")
        ordering = ["project", "building", "area"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(building__isnull=False) | ~models.Q(area=""),
                name="ambassador_building_or_area",
                violation_error_message=_("请指定楼栋或区域。"),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.building or self.area}"
