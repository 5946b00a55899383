"""Callback rules as rows (issue #20): the model; 0012 fills it, 0013 links tasks and
questionnaires to it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0010_policy_rule_values"),
        ("salesite", "0010_phase_history"),
    ]

    operations = [
        migrations.CreateModel(
            name="CallbackRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    models.SlugField(
                        help_text="回访任务以此代码关联规则；创建后请勿修改。",
                        max_length=30,
                        unique=True,
                        verbose_name="代码",
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="名称")),
                (
                    "trigger",
                    models.CharField(
                        choices=[
                            ("signed_in_month", "上月签约的客户（每月初）"),
                            ("handed_over_in_month", "上月交房的客户（每月初）"),
                            ("after_handover", "交房后（按偏移）"),
                            ("one_year_after_handover", "交房满一年（保修期内）"),
                            ("repair_closed", "维修关闭"),
                            ("major_repair_closed", "重点工程维修关闭"),
                            ("rectification_done", "整改完成"),
                            ("complaint_closed", "投诉关闭"),
                        ],
                        help_text="每月初类：上月签约/交房的客户，期限为当月1日加偏移；交房后：交房日加偏移；交房满一年：交房日加一年再加偏移；维修/投诉关闭、整改完成：该时刻加偏移。",
                        max_length=30,
                        verbose_name="触发条件",
                    ),
                ),
                (
                    "offset_value",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="触发后多久到期，例如 24（小时）、3（月）。",
                        verbose_name="偏移量",
                    ),
                ),
                (
                    "offset_unit",
                    models.CharField(
                        choices=[
                            ("hours", "小时"),
                            ("days", "天"),
                            ("weeks", "周"),
                            ("months", "月"),
                        ],
                        default="days",
                        help_text="按日期触发的规则（每月初、交房后）不能用小时。",
                        max_length=10,
                        verbose_name="偏移单位",
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("phone", "电话访问"),
                            ("visit", "面访"),
                            ("sms_questionnaire", "问卷（短信链接）"),
                        ],
                        default="phone",
                        help_text="电话访问、面访，或发送问卷链接短信由客户自行填写。",
                        max_length=20,
                        verbose_name="回访方式",
                    ),
                ),
                (
                    "max_attempts",
                    models.PositiveSmallIntegerField(
                        default=3,
                        help_text="未联系上时重试，达到此次数后任务结束。",
                        verbose_name="最多回访次数",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="停用后不再生成新的回访任务，已生成的不受影响。",
                        verbose_name="启用",
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=100, verbose_name="排序")),
                ("help_text", models.TextField(blank=True, verbose_name="说明")),
                (
                    "role",
                    models.ForeignKey(
                        blank=True,
                        help_text="客户大使：自动分配给负责该楼栋的客户大使；其他角色：不自动分配，由项目负责人指派。",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="callback_rules",
                        to="salesite.role",
                        verbose_name="回访角色",
                    ),
                ),
            ],
            options={
                "verbose_name": "回访规则",
                "verbose_name_plural": "回访规则",
                "ordering": ["order", "code"],
            },
        ),
    ]
