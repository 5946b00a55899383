"""The operations models, moved from salesite (issue 13): their tables stay where they are
(``Meta.db_table = "salesite_<model>"``), so this migration creates them in the migration
state only; salesite 0009 removes them from salesite's state."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('salesite', '0008_attachment_personal'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='InspectionChecklist',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, unique=True, verbose_name='检查表名称')),
                        ('description', models.TextField(blank=True, verbose_name='说明')),
                        ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                    ],
                    options={
                        'verbose_name': '品质检查表',
                        'verbose_name_plural': '品质检查表',
                        'db_table': 'salesite_inspectionchecklist',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='ServiceCategory',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=30, unique=True, verbose_name='代码')),
                        ('name', models.CharField(max_length=30, verbose_name='类别名称')),
                        ('description', models.TextField(blank=True, verbose_name='说明')),
                        ('order', models.PositiveSmallIntegerField(default=100, verbose_name='排序')),
                    ],
                    options={
                        'verbose_name': '服务类别',
                        'verbose_name_plural': '服务类别',
                        'db_table': 'salesite_servicecategory',
                        'ordering': ['order', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='Inspection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(db_index=True, verbose_name='检查日期')),
                        ('status', models.CharField(choices=[('draft', '检查中'), ('completed', '已完成')], default='draft', max_length=20, verbose_name='状态')),
                        ('total_score', models.PositiveIntegerField(default=0, verbose_name='得分')),
                        ('max_total', models.PositiveIntegerField(default=0, verbose_name='满分')),
                        ('summary', models.TextField(blank=True, verbose_name='检查总结')),
                        ('completed_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                        ('inspector', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='inspections', to=settings.AUTH_USER_MODEL, verbose_name='检查人')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='inspections', to='salesite.project', verbose_name='项目')),
                        ('checklist', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='inspections', to='operations.inspectionchecklist', verbose_name='检查表')),
                    ],
                    options={
                        'verbose_name': '品质检查',
                        'verbose_name_plural': '品质检查',
                        'db_table': 'salesite_inspection',
                        'ordering': ['-date', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='InspectionItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('category', models.CharField(choices=[('appearance', '形象展示'), ('posts', '岗位管理'), ('standards', '服务标准'), ('records', '记录资料')], max_length=20, verbose_name='检查类别')),
                        ('text', models.CharField(max_length=300, verbose_name='检查内容与标准')),
                        ('max_score', models.PositiveSmallIntegerField(default=5, validators=[django.core.validators.MinValueValidator(1)], verbose_name='满分')),
                        ('order', models.PositiveSmallIntegerField(default=100, verbose_name='排序')),
                        ('checklist', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='operations.inspectionchecklist', verbose_name='检查表')),
                    ],
                    options={
                        'verbose_name': '检查项',
                        'verbose_name_plural': '检查项',
                        'db_table': 'salesite_inspectionitem',
                        'ordering': ['checklist', 'order', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='InspectionScore',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('score', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='得分')),
                        ('note', models.CharField(blank=True, max_length=300, verbose_name='扣分说明')),
                        ('inspection', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scores', to='operations.inspection', verbose_name='品质检查')),
                        ('item', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='operations.inspectionitem', verbose_name='检查项')),
                    ],
                    options={
                        'verbose_name': '检查评分',
                        'verbose_name_plural': '检查评分',
                        'db_table': 'salesite_inspectionscore',
                        'ordering': ['inspection', 'item__order', 'item_id'],
                    },
                ),
                migrations.CreateModel(
                    name='MarketingEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('marketing', '营销活动'), ('investment', '招商会'), ('club', '客户俱乐部活动')], max_length=20, verbose_name='活动类型')),
                        ('title', models.CharField(max_length=100, verbose_name='活动名称')),
                        ('starts_at', models.DateTimeField(db_index=True, verbose_name='开始时间')),
                        ('ends_at', models.DateTimeField(blank=True, null=True, verbose_name='结束时间')),
                        ('place', models.CharField(max_length=100, verbose_name='地点')),
                        ('description', models.TextField(blank=True, verbose_name='活动说明与配合要求')),
                        ('status', models.CharField(choices=[('planned', '计划中'), ('prepared', '已准备'), ('held', '已举办'), ('closed', '已关闭')], default='planned', max_length=20, verbose_name='状态')),
                        ('expected_visitors', models.PositiveIntegerField(blank=True, null=True, verbose_name='预计来访人数')),
                        ('visitor_count', models.PositiveIntegerField(blank=True, null=True, verbose_name='实际来访人数')),
                        ('evaluation', models.TextField(blank=True, verbose_name='后评估')),
                        ('rating', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='评分(1-5)')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='关闭时间')),
                        ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='关闭人')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='marketing_events', to='salesite.project', verbose_name='项目')),
                        ('staff', models.ManyToManyField(blank=True, related_name='marketing_events', to=settings.AUTH_USER_MODEL, verbose_name='配合人员')),
                    ],
                    options={
                        'verbose_name': '营销活动',
                        'verbose_name_plural': '营销活动',
                        'db_table': 'salesite_marketingevent',
                        'ordering': ['-starts_at'],
                    },
                ),
                migrations.CreateModel(
                    name='EventHistory',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('from_status', models.CharField(choices=[('planned', '计划中'), ('prepared', '已准备'), ('held', '已举办'), ('closed', '已关闭')], max_length=20, verbose_name='原状态')),
                        ('to_status', models.CharField(choices=[('planned', '计划中'), ('prepared', '已准备'), ('held', '已举办'), ('closed', '已关闭')], max_length=20, verbose_name='新状态')),
                        ('at', models.DateTimeField(auto_now_add=True, verbose_name='时间')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='说明')),
                        ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                        ('event', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='history', to='operations.marketingevent', verbose_name='营销活动')),
                    ],
                    options={
                        'verbose_name': '活动状态记录',
                        'verbose_name_plural': '活动状态记录',
                        'db_table': 'salesite_eventhistory',
                        'ordering': ['event', 'at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='EventChecklistItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('notice', '活动通知'), ('materials', '物料准备'), ('decoration', '现场布置'), ('briefing', '人员交底'), ('other', '其他')], default='other', max_length=20, verbose_name='类别')),
                        ('text', models.CharField(max_length=200, verbose_name='准备事项')),
                        ('done', models.BooleanField(default=False, verbose_name='已完成')),
                        ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                        ('order', models.PositiveSmallIntegerField(default=100, verbose_name='排序')),
                        ('done_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='完成人')),
                        ('event', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='checklist', to='operations.marketingevent', verbose_name='营销活动')),
                    ],
                    options={
                        'verbose_name': '活动准备事项',
                        'verbose_name_plural': '活动准备事项',
                        'db_table': 'salesite_eventchecklistitem',
                        'ordering': ['event', 'order', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='RectificationItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('description', models.TextField(verbose_name='整改内容')),
                        ('deadline', models.DateField(db_index=True, verbose_name='整改期限')),
                        ('status', models.CharField(choices=[('open', '整改中'), ('done', '已整改待验证'), ('verified', '已验证')], db_index=True, default='open', max_length=20, verbose_name='状态')),
                        ('done_note', models.TextField(blank=True, verbose_name='整改情况')),
                        ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='整改完成时间')),
                        ('verified_at', models.DateTimeField(blank=True, null=True, verbose_name='验证时间')),
                        ('verify_note', models.CharField(blank=True, max_length=200, verbose_name='验证意见')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('inspection', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rectifications', to='operations.inspection', verbose_name='品质检查')),
                        ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rectifications', to=settings.AUTH_USER_MODEL, verbose_name='整改负责人')),
                        ('project', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='rectifications', to='salesite.project', verbose_name='项目')),
                        ('score', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='rectification', to='operations.inspectionscore', verbose_name='检查评分')),
                        ('verified_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='验证人')),
                    ],
                    options={
                        'verbose_name': '整改项',
                        'verbose_name_plural': '整改项',
                        'db_table': 'salesite_rectificationitem',
                        'ordering': ['deadline', 'pk'],
                        'permissions': [('verify_rectificationitem', '可验证整改项')],
                    },
                ),
                migrations.CreateModel(
                    name='ServicePlan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveSmallIntegerField(default=1, verbose_name='版本号')),
                        ('status', models.CharField(choices=[('draft', '草稿'), ('submitted', '已报总部'), ('filed', '已备案'), ('returned', '已退回')], default='draft', max_length=20, verbose_name='状态')),
                        ('title', models.CharField(max_length=100, verbose_name='方案名称')),
                        ('revision_reason', models.CharField(blank=True, max_length=200, verbose_name='修订原因')),
                        ('external_customers', models.TextField(blank=True, verbose_name='外部客户群体分析')),
                        ('internal_customers', models.TextField(blank=True, verbose_name='内部客户群体分析')),
                        ('customer_needs', models.TextField(blank=True, verbose_name='服务需求')),
                        ('customer_habits', models.TextField(blank=True, verbose_name='生活习性与共性特点')),
                        ('customer_culture', models.TextField(blank=True, verbose_name='文化诉求')),
                        ('atmosphere_preferences', models.TextField(blank=True, verbose_name='氛围偏好')),
                        ('demand_research', models.TextField(blank=True, verbose_name='服务需求调研（与地产营销部门）')),
                        ('functional_areas', models.TextField(blank=True, verbose_name='营销现场功能划分')),
                        ('customer_route', models.TextField(blank=True, verbose_name='客户走线与服务主流程')),
                        ('posts_plan', models.TextField(blank=True, verbose_name='岗位设置')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='报送时间')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='审核时间')),
                        ('review_comment', models.TextField(blank=True, verbose_name='审核意见')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='编制人')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='service_plans', to='salesite.project', verbose_name='项目')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审核人')),
                        ('revised_from', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='revisions', to='operations.serviceplan', verbose_name='修订自')),
                        ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='报送人')),
                    ],
                    options={
                        'verbose_name': '营销现场配合服务方案',
                        'verbose_name_plural': '营销现场配合服务方案',
                        'db_table': 'salesite_serviceplan',
                        'ordering': ['project', '-version'],
                        'permissions': [('submit_serviceplan', '可报送服务方案'), ('file_serviceplan', '可备案或退回服务方案')],
                    },
                ),
                migrations.CreateModel(
                    name='ServicePlanHistory',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('from_status', models.CharField(choices=[('draft', '草稿'), ('submitted', '已报总部'), ('filed', '已备案'), ('returned', '已退回')], max_length=20, verbose_name='原状态')),
                        ('to_status', models.CharField(choices=[('draft', '草稿'), ('submitted', '已报总部'), ('filed', '已备案'), ('returned', '已退回')], max_length=20, verbose_name='新状态')),
                        ('at', models.DateTimeField(auto_now_add=True, verbose_name='时间')),
                        ('note', models.TextField(blank=True, verbose_name='说明')),
                        ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='history', to='operations.serviceplan', verbose_name='服务方案')),
                    ],
                    options={
                        'verbose_name': '方案状态记录',
                        'verbose_name_plural': '方案状态记录',
                        'db_table': 'salesite_serviceplanhistory',
                        'ordering': ['plan', 'at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ServiceType',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=50, verbose_name='服务名称')),
                        ('description', models.TextField(blank=True, verbose_name='服务说明')),
                        ('default_standard', models.TextField(blank=True, verbose_name='参考服务标准')),
                        ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                        ('order', models.PositiveSmallIntegerField(default=100, verbose_name='排序')),
                        ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='types', to='operations.servicecategory', verbose_name='服务类别')),
                        ('project', models.ForeignKey(blank=True, help_text='留空表示所有项目通用。', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='service_types', to='salesite.project', verbose_name='适用项目')),
                    ],
                    options={
                        'verbose_name': '服务项目',
                        'verbose_name_plural': '服务项目',
                        'db_table': 'salesite_servicetype',
                        'ordering': ['category__order', 'order', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='ServicePlanService',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('standard', models.TextField(verbose_name='服务标准')),
                        ('order', models.PositiveSmallIntegerField(default=100, verbose_name='排序')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='services', to='operations.serviceplan', verbose_name='服务方案')),
                        ('service_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='operations.servicetype', verbose_name='服务项目')),
                    ],
                    options={
                        'verbose_name': '方案服务内容',
                        'verbose_name_plural': '方案服务内容',
                        'db_table': 'salesite_serviceplanservice',
                        'ordering': ['plan', 'service_type__category__order', 'order', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Shift',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=30, verbose_name='班次名称')),
                        ('start', models.TimeField(verbose_name='开始时间')),
                        ('end', models.TimeField(verbose_name='结束时间')),
                        ('order', models.PositiveSmallIntegerField(default=100, verbose_name='排序')),
                        ('project', models.ForeignKey(blank=True, help_text='留空表示所有项目通用。', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='shifts', to='salesite.project', verbose_name='项目')),
                    ],
                    options={
                        'verbose_name': '班次',
                        'verbose_name_plural': '班次',
                        'db_table': 'salesite_shift',
                        'ordering': ['order', 'start', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='ServicePost',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=50, verbose_name='岗位名称')),
                        ('headcount', models.PositiveSmallIntegerField(default=1, validators=[django.core.validators.MinValueValidator(1)], verbose_name='每班定员')),
                        ('duties', models.TextField(blank=True, verbose_name='岗位职责')),
                        ('work_standard', models.TextField(blank=True, verbose_name='工作标准')),
                        ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                        ('order', models.PositiveSmallIntegerField(default=100, verbose_name='排序')),
                        ('project', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='service_posts', to='salesite.project', verbose_name='项目')),
                        ('shifts', models.ManyToManyField(blank=True, related_name='posts', to='operations.shift', verbose_name='值守班次')),
                    ],
                    options={
                        'verbose_name': '服务岗位',
                        'verbose_name_plural': '服务岗位',
                        'db_table': 'salesite_servicepost',
                        'ordering': ['project', 'area__order', 'order', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='RosterEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(db_index=True, verbose_name='日期')),
                        ('note', models.CharField(blank=True, max_length=100, verbose_name='备注')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='排班人')),
                        ('project', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='roster_entries', to='salesite.project', verbose_name='项目')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='roster_entries', to=settings.AUTH_USER_MODEL, verbose_name='上岗人员')),
                        ('post', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='roster', to='operations.servicepost', verbose_name='岗位')),
                        ('shift', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='roster', to='operations.shift', verbose_name='班次')),
                    ],
                    options={
                        'verbose_name': '排班',
                        'verbose_name_plural': '排班',
                        'db_table': 'salesite_rosterentry',
                        'ordering': ['date', 'post', 'shift__start'],
                    },
                ),
                migrations.CreateModel(
                    name='SiteArea',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=50, verbose_name='区域名称')),
                        ('kind', models.CharField(choices=[('perimeter', '营销中心外围'), ('centre', '营销中心'), ('show_unit', '样板房'), ('parking', '停车场'), ('viewing_path', '看房通道'), ('other', '其他')], max_length=20, verbose_name='区域类型')),
                        ('description', models.TextField(blank=True, verbose_name='说明')),
                        ('order', models.PositiveSmallIntegerField(default=100, verbose_name='排序')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='site_areas', to='salesite.project', verbose_name='项目')),
                    ],
                    options={
                        'verbose_name': '营销现场区域',
                        'verbose_name_plural': '营销现场区域',
                        'db_table': 'salesite_sitearea',
                        'ordering': ['project', 'order', 'name'],
                    },
                ),
                migrations.AddField(
                    model_name='servicepost',
                    name='area',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='posts', to='operations.sitearea', verbose_name='所属区域'),
                ),
                migrations.CreateModel(
                    name='TrainingAttendance',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('attended', models.BooleanField(default=True, verbose_name='已出勤')),
                        ('score', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MaxValueValidator(100)], verbose_name='考核成绩')),
                        ('passed', models.BooleanField(blank=True, null=True, verbose_name='考核通过')),
                        ('result', models.CharField(blank=True, max_length=200, verbose_name='培训结果/评语')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='training_attendance', to=settings.AUTH_USER_MODEL, verbose_name='员工')),
                    ],
                    options={
                        'verbose_name': '参训记录',
                        'verbose_name_plural': '参训记录',
                        'db_table': 'salesite_trainingattendance',
                        'ordering': ['session', 'user__name'],
                    },
                ),
                migrations.CreateModel(
                    name='TrainingSession',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(db_index=True, verbose_name='培训日期')),
                        ('topic', models.CharField(max_length=100, verbose_name='培训主题')),
                        ('kind', models.CharField(choices=[('operation_skills', '操作技能'), ('service_flow', '服务流程')], max_length=20, verbose_name='培训类型')),
                        ('trainer_name', models.CharField(blank=True, help_text='讲师不是系统用户时填写。', max_length=50, verbose_name='外部讲师')),
                        ('hours', models.DecimalField(decimal_places=1, default=1, max_digits=4, verbose_name='学时')),
                        ('place', models.CharField(blank=True, max_length=100, verbose_name='地点')),
                        ('content', models.TextField(blank=True, verbose_name='培训内容')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('attendees', models.ManyToManyField(blank=True, related_name='trainings', through='operations.TrainingAttendance', to=settings.AUTH_USER_MODEL, verbose_name='参训人员')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='training_sessions', to='salesite.project', verbose_name='项目')),
                        ('trainer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='trainings_given', to=settings.AUTH_USER_MODEL, verbose_name='培训讲师')),
                    ],
                    options={
                        'verbose_name': '培训',
                        'verbose_name_plural': '培训',
                        'db_table': 'salesite_trainingsession',
                        'ordering': ['-date', 'pk'],
                    },
                ),
                migrations.AddField(
                    model_name='trainingattendance',
                    name='session',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendance', to='operations.trainingsession', verbose_name='培训'),
                ),
                migrations.AddConstraint(
                    model_name='inspectionscore',
                    constraint=models.UniqueConstraint(fields=('inspection', 'item'), name='inspectionscore_unique'),
                ),
                migrations.AddConstraint(
                    model_name='marketingevent',
                    constraint=models.CheckConstraint(condition=models.Q(('rating__isnull', True), models.Q(('rating__gte', 1), ('rating__lte', 5)), _connector='OR'), name='marketingevent_rating_range'),
                ),
                migrations.AddConstraint(
                    model_name='serviceplan',
                    constraint=models.UniqueConstraint(fields=('project', 'version'), name='serviceplan_unique_version'),
                ),
                migrations.AddConstraint(
                    model_name='servicetype',
                    constraint=models.UniqueConstraint(condition=models.Q(('project__isnull', True)), fields=('category', 'name'), name='servicetype_unique_global_name'),
                ),
                migrations.AddConstraint(
                    model_name='servicetype',
                    constraint=models.UniqueConstraint(condition=models.Q(('project__isnull', False)), fields=('project', 'category', 'name'), name='servicetype_unique_project_name'),
                ),
                migrations.AddConstraint(
                    model_name='serviceplanservice',
                    constraint=models.UniqueConstraint(fields=('plan', 'service_type'), name='planservice_unique_type', violation_error_message='该服务项目已在方案中。'),
                ),
                migrations.AddIndex(
                    model_name='rosterentry',
                    index=models.Index(fields=['project', 'date'], name='salesite_ro_project_5c7e04_idx'),
                ),
                migrations.AddConstraint(
                    model_name='rosterentry',
                    constraint=models.UniqueConstraint(fields=('date', 'post', 'shift', 'user'), name='rosterentry_unique', violation_error_message='该员工当天该班次已排在此岗位。'),
                ),
                migrations.AddConstraint(
                    model_name='sitearea',
                    constraint=models.UniqueConstraint(fields=('project', 'name'), name='sitearea_unique_name'),
                ),
                migrations.AddConstraint(
                    model_name='servicepost',
                    constraint=models.UniqueConstraint(fields=('area', 'name'), name='servicepost_unique_name'),
                ),
                migrations.AddConstraint(
                    model_name='trainingattendance',
                    constraint=models.UniqueConstraint(fields=('session', 'user'), name='trainingattendance_unique', violation_error_message='该员工已在参训名单中。'),
                ),
                migrations.AddConstraint(
                    model_name='trainingattendance',
                    constraint=models.CheckConstraint(condition=models.Q(('score__isnull', True), ('score__lte', 100), _connector='OR'), name='trainingattendance_score_max'),
                ),
            ],
        ),
    ]
