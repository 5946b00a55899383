"""Build a large data set on PostgreSQL for `bench/bench_scale.py`:
`.venv/bin/python bench/build_data.py --database-url postgres://… --scale 10`.

Migrates the given empty database, seeds the demo (roles, users, the three demo projects and
their records) and adds 47 projects (50 in all, spread over five property subsidiaries, seven
staff users on each new project), then generates, spread evenly over the 50 projects (so each
project's data grows with the scale):

    per scale unit (S=1)        at S=10 (the issue's full size)
    10,000 units, customers and purchases          100,000
    11,000 communication records                   110,000
    100,000 communication problems                 1,000,000
    50,000 feedback cases (5 % with a breach)      500,000
    one sales callback per customer                100,000
    a delivery batch per building, 8 milestones each, 30 % of the units in a handover case,
    a rectification item on a third of those, a renovation application on 10 % of the units.

Rows are written by ``INSERT … SELECT generate_series(…)`` in the database, every NOT NULL
column filled (see ``insert_rows``), with statuses spread, dates over the last year around
today, some overdue, some escalated, in the physical order a real database has them. Then
VACUUM ANALYZE. Prints the time per table. On the project's 2-core machine the generation
takes about 25 s at 1x and 4 minutes at 10x, after 2–3 minutes of migrate and demo seed.
"""

from __future__ import annotations

import argparse
import datetime
import io
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pages import configure

PROJECTS = 50
PER_SCALE = {
    "units": 10_000,  # and as many customers and purchases
    "records": 10_000,  # on levels that take problems
    "report_records": 1_000,  # weekly/monthly service reports
    "cases": 50_000,
}
PROBLEMS_PER_RECORD = 10
UNITS_PER_BUILDING = 200  # 20 floors x 10
STAFF_ROLES = [
    "cs_lead",
    "centre_head",
    "front_desk",
    "customer_ambassador",
    "engineering",
    "repair_team",
    "cashier",
]
# New property subsidiaries (with the developer city company of their projects).
SUBSIDIARIES = [
    ("杭州物业分公司", "杭州城市公司"),
    ("宁波物业分公司", "宁波城市公司"),
    ("温州物业分公司", "温州城市公司"),
    ("绍兴物业分公司", "绍兴城市公司"),
    ("嘉兴物业分公司", "嘉兴城市公司"),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database")
    parser.add_argument(
        "--scale", type=float, default=10, help="10 = the issue's full size, 1 = a tenth"
    )
    return parser.parse_args()


# --- SQL helpers ----------------------------------------------------------------------------


def literal(value) -> str:
    """An SQL literal for a Python value (psycopg2 quoting)."""
    from django.db import connection

    connection.ensure_connection()
    with connection.connection.cursor() as cur:
        return cur.mogrify("%s", [value]).decode()


def insert_rows(model, values: dict[str, str], from_sql: str, order_by: str = "") -> int:
    """``INSERT INTO <model table> SELECT … FROM <from_sql> [ORDER BY <order_by>]``: ``values``
    maps field names to SQL expressions; every other column gets NULL if nullable, else the
    field's Python default, '' for blank text and now() for auto_now(_add) — so no NOT NULL
    column is forgotten when a model gains a field. Returns the number of rows.

    ``order_by`` sets the physical order of the rows as a real database would have it: records
    and cases in the order they happened (interleaved across projects), units and customers
    project by project (imported per project). It matters: a per-project or date-range scan
    reads far fewer pages than over rows written in random order."""
    from django.db import connection, models

    columns, exprs = [], []
    unknown = set(values) - {f.name for f in model._meta.concrete_fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no field {sorted(unknown)}")
    for f in model._meta.concrete_fields:
        if f.primary_key and isinstance(f, models.AutoField):
            continue
        if f.name in values:
            expr = values[f.name]
        elif f.null:
            continue
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            expr = "now()"
        elif f.has_default():
            expr = literal(f.get_db_prep_save(f.get_default(), connection))
        elif isinstance(f, models.CharField | models.TextField) and f.blank:
            expr = "''"
        else:
            raise ValueError(f"{model.__name__}.{f.name} needs a value")
        columns.append(connection.ops.quote_name(f.column))
        exprs.append(f"{expr} AS {connection.ops.quote_name(f.column)}")
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)})\n"
        f"SELECT {', '.join(exprs)}\nFROM {from_sql}"
        + (f"\nORDER BY {order_by}" if order_by else "")
    )
    with connection.cursor() as cur:
        cur.execute(sql)
        return cur.rowcount


def execute(sql: str) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql)
        return cur.rowcount


def max_id(model) -> int:
    """The highest primary key so far: rows generated afterwards are those above it."""
    from django.db.models import Max

    return model.objects.aggregate(m=Max("pk"))["m"] or 0


def text_array(items) -> str:
    return "ARRAY[" + ", ".join(literal(i) for i in items) + "]::text[]"


def pick(array_sql: str, n: int, index_sql: str) -> str:
    """The element ``index_sql mod n`` of an SQL array literal (1-based in SQL)."""
    return f"({array_sql})[1 + (({index_sql})::bigint % {n})]"


class Steps:
    """Runs and times the build steps, one transaction each.

    Generated rows take their foreign keys from joins with existing rows, so the steps run
    with ``session_replication_role = replica``, which skips the per-row foreign-key
    triggers (two thirds of the time of a 1M-row insert); it needs a superuser, as the
    bench's local postgres user is, and is left on only when that works."""

    def __init__(self):
        self.skip_fk_checks = True

    def run(self, label: str, fn, *, generated: bool = True) -> None:
        from django.db import DatabaseError, connection, transaction

        started = time.perf_counter()
        with transaction.atomic():
            if generated and self.skip_fk_checks:
                try:
                    with transaction.atomic(), connection.cursor() as cur:
                        cur.execute("SET LOCAL session_replication_role = replica")
                except DatabaseError:
                    self.skip_fk_checks = False
                    print("  (not a superuser: foreign keys checked row by row)", flush=True)
            n = fn()
        elapsed = time.perf_counter() - started
        print(f"  {label:<40} {n:>10,d} rows {elapsed:8.1f} s", flush=True)


# --- the build ------------------------------------------------------------------------------


def seed(steps: Steps) -> None:
    from django.core.management import call_command

    from salesite.models import Project

    call_command("migrate", verbosity=0)
    if Project.objects.exists():
        sys.exit("The bench database is not empty; give an empty throwaway database.")

    def demo():
        call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())
        return Project.objects.count()

    steps.run("demo seed (seed_demo)", demo, generated=False)


def add_projects(steps: Steps, today: datetime.date) -> None:
    """47 more projects over five subsidiaries, each with seven staff users."""
    from salesite.models import (
        Company,
        MarketingPhase,
        Project,
        ProjectMembership,
        Role,
        User,
    )

    def create():
        hq = Company.objects.get(kind=Company.Kind.PROPERTY_HQ)
        group = Company.objects.get(kind=Company.Kind.DEVELOPER_GROUP)
        subs = []
        for sub_name, city_name in SUBSIDIARIES:
            sub, _ = Company.objects.get_or_create(
                name=sub_name, defaults={"kind": Company.Kind.PROPERTY_SUBSIDIARY, "parent": hq}
            )
            city, _ = Company.objects.get_or_create(
                name=city_name, defaults={"kind": Company.Kind.DEVELOPER_CITY, "parent": group}
            )
            subs.append((sub, city))
        phases = list(MarketingPhase)
        roles = {r.code: r for r in Role.objects.filter(code__in=STAFF_ROLES)}
        created = 0
        for i in range(PROJECTS - Project.objects.count()):
            sub, city = subs[i % len(subs)]
            name = f"压测项目{i + 1:02d}"
            centre = Company.objects.create(
                name=f"{name}物管中心", kind=Company.Kind.SERVICE_CENTRE, parent=sub
            )
            project = Project.objects.create(
                name=name,
                code=f"bench{i + 1:02d}",
                developer_company=city,
                property_company=sub,
                service_centre=centre,
                marketing_phase=phases[i % len(phases)],
                address=f"{sub.name[:2]}市压测路 {i + 1} 号",
            )
            users = User.objects.bulk_create(
                User(
                    username=f"{project.code}_{code}",
                    name=f"{name}{roles[code].name}",
                    company=centre,
                    password="!",
                    email=f"{project.code}_{code}@bench.salesite.local",
                )
                for code in STAFF_ROLES
            )
            ProjectMembership.objects.bulk_create(
                ProjectMembership(
                    project=project,
                    role=roles[code],
                    user=user,
                    since=today - datetime.timedelta(days=400),
                )
                for code, user in zip(STAFF_ROLES, users, strict=True)
            )
            created += 1
        return created

    steps.run("projects, companies, staff users", create, generated=False)


def helper_tables() -> None:
    """Temporary lookup tables: the projects by index, and seven staff users per project."""
    from salesite.models import Project, ProjectMembership

    execute("DROP TABLE IF EXISTS bench_proj, bench_people")
    execute(
        f"""
        CREATE TEMP TABLE bench_proj AS
        SELECT (row_number() OVER (ORDER BY id) - 1)::int AS idx, id, code
        FROM {Project._meta.db_table}
        """
    )
    roles = ", ".join(literal(c) for c in STAFF_ROLES)
    execute(
        f"""
        CREATE TEMP TABLE bench_people AS
        SELECT m.project_id,
               (row_number() OVER (PARTITION BY m.project_id ORDER BY r.code) - 1)::int AS idx,
               m.user_id, r.code AS role
        FROM {ProjectMembership._meta.db_table} m JOIN salesite_role r ON r.id = m.role_id
        WHERE m.user_id IS NOT NULL AND m.is_active AND r.code IN ({roles})
        """
    )
    execute("CREATE INDEX ON bench_people (project_id, idx)")
    execute("ANALYZE bench_proj; ANALYZE bench_people")


def core(steps: Steps, scale: float, today: datetime.date) -> int:
    """Buildings, units, customers and purchases; returns units per project."""
    from salesite.demo import GIVEN, SURNAMES
    from salesite.models import Building, Customer, Purchase, Unit

    per_project = max(1, round(PER_SCALE["units"] * scale / PROJECTS))
    n_buildings = -(-per_project // UNITS_PER_BUILDING)
    t = f"DATE {literal(today.isoformat())}"
    # Delivery dates from about eight months ago to six months ahead, varying by project.
    offset = "((b * 45 + p.idx * 17) % 420 - 240)"
    steps.run(
        "buildings",
        lambda: insert_rows(
            Building,
            {
                "project": "p.id",
                "name": "'B' || b || '幢'",
                "phase": "CASE WHEN b % 2 = 1 THEN '一期' ELSE '二期' END",
                "floors": "20",
                "planned_delivery_date": f"{t} + {offset}",
                "actual_delivery_date": f"CASE WHEN {offset} < 0 THEN {t} + {offset} END",
            },
            f"bench_proj p CROSS JOIN generate_series(1, {n_buildings}) b",
        ),
    )
    types = text_array(["三室两厅两卫", "两室两厅一卫", "四室两厅三卫"])
    areas = "(ARRAY[128.50, 89.36, 168.20])"
    steps.run(
        "units",
        lambda: insert_rows(
            Unit,
            {
                "project": "p.id",
                "building": "b.id",
                "number": "(k % 200 / 10 + 1) || lpad((k % 10 + 1)::text, 2, '0')",
                "floor": "k % 200 / 10 + 1",
                "unit_type": pick(types, 3, "k"),
                "area": pick(areas, 3, "k"),
                "is_commercial": "k % 50 = 0",
            },
            f"""(SELECT g / {per_project} AS pidx, g % {per_project} AS k
                FROM generate_series(0, {per_project * PROJECTS - 1}) g) s
            JOIN bench_proj p ON p.idx = s.pidx
            JOIN {Building._meta.db_table} b
              ON b.project_id = p.id AND b.name = 'B' || (s.k / 200 + 1) || '幢'""",
            order_by="s.pidx, s.k",
        ),
    )
    surnames = text_array(list(SURNAMES))
    given = text_array([GIVEN[i : i + 2] for i in range(0, len(GIVEN) - 1, 2)] + list(GIVEN[:20]))
    n_given = len(GIVEN) // 2 + 20
    weights = "ARRAY[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]"
    demo_customers = max_id(Customer)
    # A valid mainland ID number per row (ISO 7064 check digit), unique per g.
    steps.run(
        "customers",
        lambda: insert_rows(
            Customer,
            {
                "project": "p.id",
                "name": f"{pick(surnames, len(SURNAMES), 'g * 7 + 3')}"
                f" || {pick(given, n_given, 'g * 13 + 5')}",
                "phone": "'139' || lpad(g::text, 8, '0')",
                "id_type": "'id_card'",
                "id_number": f"""body || substr('10X98765432', 1 + (
                    SELECT sum(substr(body, i, 1)::int * ({weights})[i])
                    FROM generate_series(1, 17) i
                  )::int % 11, 1)""",
                "birthday": "bday",
                "emergency_contact": f"{pick(surnames, len(SURNAMES), 'g * 11')} || '先生'",
                "emergency_phone": "'138' || lpad(g::text, 8, '0')",
                "is_club_member": "g % 10 < 3",
                "club_joined_on": f"CASE WHEN g % 10 < 3 THEN {t} - (g % 700) END",
                "is_vip": "g % 10 = 9",
                "created_at": f"{t} - (g % 730) * interval '1 day'",
                "updated_at": f"{t} - (g % 365) * interval '1 day'",
            },
            f"""(SELECT g, g / {per_project} AS pidx, bday,
                    '330106' || to_char(bday, 'YYYYMMDD') || lpad((100 + g % 900)::text, 3, '0')
                      AS body
                FROM generate_series(0, {per_project * PROJECTS - 1}) g,
                     LATERAL (SELECT DATE '1960-01-01' + g / 900 AS bday) d) s
            JOIN bench_proj p ON p.idx = s.pidx""",
            order_by="g",
        ),
    )
    # Pair the k-th generated unit of a project with its k-th generated customer.
    execute("DROP TABLE IF EXISTS bench_cust")
    execute(
        f"""
        CREATE TEMP TABLE bench_cust AS
        SELECT u.project_id, u.k, u.id AS unit_id, u.building_id, c.id AS customer_id,
               c.name AS customer_name, c.phone
        FROM (SELECT un.id, un.project_id, un.building_id,
                     (row_number() OVER (PARTITION BY un.project_id ORDER BY un.id) - 1)::int AS k
              FROM {Unit._meta.db_table} un JOIN {Building._meta.db_table} b
                ON b.id = un.building_id WHERE b.name LIKE 'B%') u
        JOIN (SELECT id, project_id, name, phone,
                     (row_number() OVER (PARTITION BY project_id ORDER BY id) - 1)::int AS k
              FROM {Customer._meta.db_table} WHERE id > {demo_customers}) c
          ON c.project_id = u.project_id AND c.k = u.k
        """
    )
    execute("CREATE INDEX ON bench_cust (project_id, k)")
    execute("ANALYZE bench_cust")
    steps.run(
        "purchases",
        lambda: insert_rows(
            Purchase,
            {
                "project": "c.project_id",
                "unit": "c.unit_id",
                "customer": "c.customer_id",
                "subscribed_on": f"{t} - (c.k * 7 % 700 + 20)",
                "signed_on": f"{t} - (c.k * 7 % 700 + 10)",
                "contract_number": "'HT' || p.code || '-' || c.unit_id",
                "sales_consultant": "'置业顾问' || (c.k % 12 + 1)",
                "created_at": f"{t} - (c.k * 7 % 700 + 20) * interval '1 day'",
            },
            "bench_cust c JOIN bench_proj p ON p.id = c.project_id",
            order_by="c.project_id, c.k",
        ),
    )
    return per_project


def communication(steps: Steps, scale: float, today: datetime.date, now: datetime.datetime):
    from communication.models import CommunicationLevel, CommunicationRecord, Problem

    levels = list(CommunicationLevel.objects.active().order_by("pk"))
    talk = [lv.pk for lv in levels if lv.takes_problems]
    report = [lv.pk for lv in levels if not lv.takes_problems]
    n_talk = round(PER_SCALE["records"] * scale)
    n_report = round(PER_SCALE["report_records"] * scale)
    talk_arr = "ARRAY[" + ", ".join(map(str, talk)) + "]"
    report_arr = "ARRAY[" + ", ".join(map(str, report)) + "]"
    n = f"TIMESTAMPTZ {literal(now.isoformat())}"
    topics = text_array(
        ["交付前风险排查", "样板房开放安排", "客户投诉跟进", "案场服务检查", "物业费标准沟通"]
    )

    def records():
        return insert_rows(
            CommunicationRecord,
            {
                "project": "p.id",
                "level": f"""CASE WHEN g < {n_talk} THEN {pick(talk_arr, len(talk), "g / 50")}
                             ELSE {pick(report_arr, len(report), "g / 50")} END""",
                "held_at": "held_at",
                "held_on": "(held_at AT TIME ZONE 'Asia/Shanghai')::date",
                "place": "'营销中心会议室'",
                "topics": pick(topics, 5, "g"),
                "decisions": "'按会议决定执行'",
                "created_by": "pe.user_id",
                "created_at": "held_at",
                "updated_at": "held_at",
            },
            f"""(SELECT g, g % {PROJECTS} AS pidx,
                    {n} - (g::bigint * 7919 % 525600) * interval '1 minute' AS held_at
                FROM generate_series(0, {n_talk + n_report - 1}) g) s
            JOIN bench_proj p ON p.idx = s.pidx
            JOIN bench_people pe ON pe.project_id = p.id AND pe.role = 'centre_head'""",
            order_by="held_at",
        )

    demo_records = max_id(CommunicationRecord)
    steps.run("communication records", records)
    titles = text_array(
        [
            "样板房空调漏水",
            "案场保洁人员不足",
            "停车位指引不清",
            "客户对物业费有疑问",
            "看房通道照明不足",
            "售楼处饮水机故障",
            "交付资料未齐",
            "外立面施工噪音",
        ]
    )
    t = f"DATE {literal(today.isoformat())}"

    def problems():
        # Ten problems raised in each record on a level that takes problems. Old ones are
        # mostly resolved; recent ones open or escalated; due dates 1–8 weeks after raising.
        return insert_rows(
            Problem,
            {
                "project": "x.project_id",
                "level": "x.level_id",
                "raised_in": "x.id",
                "title": pick(titles, 8, "x.id + x.j"),
                "owner": "pe.user_id",
                "due_date": "x.due_date",
                "status": "x.status",
                "escalated_at": "CASE WHEN x.status = 'escalated' THEN x.held_at + interval '3 days' END",
                "resolved_at": "CASE WHEN x.status = 'resolved' THEN x.held_at + interval '5 days' END",
                "resolution": "CASE WHEN x.status = 'resolved' THEN '已处理完毕' ELSE '' END",
                "overdue_since": f"""CASE WHEN x.status <> 'resolved' AND x.due_date < {t}
                                     THEN x.due_date + interval '1 day' END""",
                "created_by": "x.created_by_id",
                "created_at": "x.held_at",
                "updated_at": "x.held_at + interval '5 days'",
            },
            f"""(SELECT r.id, r.project_id, r.level_id, r.held_at, r.created_by_id, j,
                    r.held_on + (7 + (r.id + j) * 13 % 50)::int AS due_date,
                    CASE WHEN {t} - r.held_on > 60
                         THEN CASE WHEN (r.id * 10 + j) % 100 < 92 THEN 'resolved'
                                   WHEN (r.id * 10 + j) % 100 < 96 THEN 'open'
                                   ELSE 'escalated' END
                         ELSE CASE WHEN (r.id * 10 + j) % 100 < 55 THEN 'open'
                                   WHEN (r.id * 10 + j) % 100 < 75 THEN 'escalated'
                                   ELSE 'resolved' END
                    END AS status
                FROM {CommunicationRecord._meta.db_table} r
                CROSS JOIN generate_series(1, {PROBLEMS_PER_RECORD}) j
                WHERE r.level_id IN ({", ".join(map(str, talk))})
                  AND r.id > {demo_records}) x
            JOIN bench_people pe ON pe.project_id = x.project_id AND pe.idx = (x.id + x.j) % 7""",
            order_by="x.held_at",
        )

    steps.run("communication problems", problems)


def feedback(steps: Steps, scale: float, per_project: int, today, now) -> None:
    from feedback.models import CallbackTask, Case, DeadlineBreach

    n_cases = round(PER_SCALE["cases"] * scale)
    n = f"TIMESTAMPTZ {literal(now.isoformat())}"
    t = f"DATE {literal(today.isoformat())}"
    subjects = text_array(
        [
            "卫生间渗水",
            "入户门异响",
            "咨询交付时间",
            "小区绿化建议",
            "电梯运行噪音",
            "车位划线不清",
            "物业费发票",
            "墙面空鼓",
            "快递柜位置建议",
            "投诉保安态度",
        ]
    )
    kinds = "ARRAY['visit', 'visit', 'visit', 'request', 'request', 'complaint', 'complaint', 'repair', 'repair', 'repair']"
    categories = text_array(["design", "build_quality", "sales", "service", "other"])

    def cases():
        return insert_rows(
            Case,
            {
                "project": "s.project_id",
                "kind": "s.kind",
                "channel": "CASE WHEN s.g % 3 = 0 THEN 'call' ELSE 'visit' END",
                "complaint_category": f"""CASE WHEN s.kind = 'complaint'
                                          THEN {pick(categories, 5, "s.g / 7")} ELSE '' END""",
                "customer": "c.customer_id",
                "contact_phone": "c.phone",
                "building": "c.building_id",
                "unit": "c.unit_id",
                "subject": pick(subjects, 10, "s.g / 3"),
                "content": "'客户来访反映情况，已登记。'",
                "handling": "CASE WHEN s.status <> 'new' THEN '已安排处理' ELSE '' END",
                "is_major": "s.g % 97 = 0",
                "status": "s.status",
                "received_at": "s.received_at",
                "received_by": "pe.user_id",
                "assignee": "CASE WHEN s.status <> 'new' THEN pe.user_id END",
                "responsible_person": "CASE WHEN s.status <> 'new' THEN '张工' ELSE '' END",
                "dispatched_at": "CASE WHEN s.status <> 'new' THEN s.received_at + interval '8 minutes' END",
                "reply": "CASE WHEN s.status IN ('replied', 'closed') THEN '已答复客户' ELSE '' END",
                "replied_at": "CASE WHEN s.status IN ('replied', 'closed') THEN s.received_at + interval '20 hours' END",
                "closed_at": "CASE WHEN s.status = 'closed' THEN s.received_at + interval '2 days' END",
                "dispatch_due": "s.received_at + interval '10 minutes'",
                "answer_due": "s.received_at + interval '1 day' * (1 + s.g % 3)",
                "callback_due": """CASE WHEN s.status = 'closed' AND s.kind = 'repair'
                                   THEN s.received_at + interval '3 days' END""",
                "created_at": "s.received_at",
            },
            f"""(SELECT g, p.id AS project_id, (g / {PROJECTS}) % {per_project} AS ck,
                    {pick(kinds, 10, "g / 11")} AS kind, received_at,
                    CASE WHEN {n} - received_at > interval '14 days'
                         THEN CASE WHEN g % 100 < 88 THEN 'closed'
                                   WHEN g % 100 < 96 THEN 'replied'
                                   ELSE 'in_progress' END
                         ELSE CASE WHEN g % 100 < 15 THEN 'new'
                                   WHEN g % 100 < 35 THEN 'dispatched'
                                   WHEN g % 100 < 65 THEN 'in_progress'
                                   WHEN g % 100 < 85 THEN 'replied'
                                   ELSE 'closed' END
                    END AS status
                FROM generate_series(0, {n_cases - 1}) g
                JOIN bench_proj p ON p.idx = g % {PROJECTS},
                LATERAL (SELECT {n} - (g::bigint * 6007 % 525600) * interval '1 minute'
                         AS received_at) r) s
            JOIN bench_cust c ON c.project_id = s.project_id AND c.k = s.ck
            JOIN bench_people pe ON pe.project_id = s.project_id AND pe.idx = s.g % 7""",
            order_by="s.received_at",
        )

    steps.run("feedback cases", cases)
    steps.run(
        "feedback deadline breaches",
        lambda: insert_rows(
            DeadlineBreach,
            {
                "project": "project_id",
                "case": "id",
                "kind": "'answer'",
                "due_at": "answer_due",
                "detected_at": "answer_due + interval '15 minutes'",
                "notified": "true",
            },
            f"{Case._meta.db_table} WHERE id % 20 = 0 AND answer_due < {n}",
            order_by="answer_due",
        ),
    )

    def callbacks():
        # One sales callback per generated customer, due from 15 weeks ago to 2 weeks ahead.
        return insert_rows(
            CallbackTask,
            {
                "project": "s.project_id",
                "customer": "s.customer_id",
                "rule": "'sales'",
                "source_key": "to_char(s.due_date, 'YYYY-MM')",
                "due_date": "s.due_date",
                "assigned_to": "CASE WHEN s.k % 5 > 0 THEN pe.user_id END",
                "status": "s.status",
                "attempts": "CASE s.status WHEN 'pending' THEN 0 WHEN 'not_reached' THEN 2 ELSE 1 END",
                "score": "CASE WHEN s.status IN ('reached', 'done') THEN 3 + (s.k % 21) / 10.0 END",
                "dissatisfied": "s.status IN ('reached', 'done') AND s.k % 21 < 3",
                "completed_at": "CASE WHEN s.status IN ('reached', 'done') THEN s.due_date - interval '2 days' END",
                "created_at": "s.due_date - interval '30 days'",
            },
            f"""(SELECT c.*, {t} - (c.k * 37 % 120) + 14 AS due_date,
                    CASE WHEN {t} - (c.k * 37 % 120) + 14 > {t} THEN 'pending'
                         WHEN c.k % 10 < 7 THEN 'done'
                         WHEN c.k % 10 < 8 THEN 'reached'
                         WHEN c.k % 10 < 9 THEN 'not_reached'
                         ELSE 'pending' END AS status
                FROM bench_cust c) s
            JOIN bench_people pe ON pe.project_id = s.project_id AND pe.role = 'front_desk'""",
            order_by="s.due_date",
        )

    steps.run("feedback callback tasks", callbacks)


def handover(steps: Steps, today) -> None:
    from handover.models import (
        DeliveryBatch,
        HandoverCase,
        Milestone,
        MilestonePlan,
        RectificationItem,
    )
    from salesite.models import Building

    t = f"DATE {literal(today.isoformat())}"
    steps.run(
        "handover delivery batches",
        lambda: insert_rows(
            DeliveryBatch,
            {
                "project": "b.project_id",
                "name": "b.name || '交付批次'",
                "planned_delivery_date": "b.planned_delivery_date",
                "note": "'压测批次'",
                "plan": f"""(SELECT p.id FROM {MilestonePlan._meta.db_table} p
                            WHERE p.company_id IS NULL AND p.is_default)""",
                "created_at": "b.planned_delivery_date - interval '200 days'",
            },
            f"{Building._meta.db_table} b WHERE b.name LIKE 'B%'",
        ),
    )
    through = DeliveryBatch.units.through._meta.db_table
    steps.run(
        "handover batch units (m2m)",
        lambda: execute(
            f"""INSERT INTO {through} (deliverybatch_id, unit_id)
            SELECT d.id, c.unit_id FROM bench_cust c
            JOIN {Building._meta.db_table} b ON b.id = c.building_id
            JOIN {DeliveryBatch._meta.db_table} d
              ON d.project_id = b.project_id AND d.name = b.name || '交付批次'"""
        ),
    )
    # The global default plan's steps, copied as batch_create copies them: (code, name,
    # months, days, days before delivery, mock round, scope); month offsets turned into days
    # from a fixed reference date.
    ref = datetime.date(2026, 12, 31)
    default_plan = MilestonePlan.objects.get(company__isnull=True, is_default=True)
    plan_steps = list(default_plan.steps.prefetch_related("responsible_roles").order_by("order"))
    plan = ", ".join(
        f"({literal(s.code)}, {literal(s.name)}, {s.offset_months}, {s.offset_days}, "
        f"{(ref - s.due_for(ref)).days}, {s.mock_round or 'NULL'}::int, {literal(s.scope_note)})"
        for s in plan_steps
    )
    steps.run(
        "handover milestones",
        lambda: insert_rows(
            Milestone,
            {
                "project": "d.project_id",
                "batch": "d.id",
                "kind": "m.kind",
                "name": "m.name",
                "offset_months": "m.months",
                "offset_days": "m.days_",
                "mock_round": "m.mock_round",
                "scope_note": "m.scope",
                "due_date": "d.planned_delivery_date - m.days",
                "status": f"""CASE WHEN d.planned_delivery_date - m.days < {t} - 10
                                   OR (d.planned_delivery_date - m.days < {t} AND d.id % 3 > 0)
                                   THEN 'done'
                              WHEN d.planned_delivery_date - m.days < {t} THEN 'overdue'
                              ELSE 'open' END""",
                "completed_on": f"""CASE WHEN d.planned_delivery_date - m.days < {t}
                                    THEN d.planned_delivery_date - m.days END""",
            },
            f"""{DeliveryBatch._meta.db_table} d
            CROSS JOIN (VALUES {plan}) AS m(kind, name, months, days_, days, mock_round, scope)
            WHERE d.note = '压测批次'""",
        ),
    )
    kind_roles = ", ".join(
        f"({literal(s.code)}, {role.pk})" for s in plan_steps for role in s.responsible_roles.all()
    )
    steps.run(
        "handover milestone roles (m2m)",
        lambda: execute(
            f"""INSERT INTO {Milestone.responsible_roles.through._meta.db_table}
                (milestone_id, role_id)
            SELECT m.id, kr.role_id FROM {Milestone._meta.db_table} m
            JOIN {DeliveryBatch._meta.db_table} d ON d.id = m.batch_id AND d.note = '压测批次'
            JOIN (VALUES {kind_roles}) AS kr(kind, role_id) ON kr.kind = m.kind"""
        ),
    )

    def cases():
        # 30 % of the units: handed over when their batch is due, 10 % still in progress,
        # 5 % not taken.
        return insert_rows(
            HandoverCase,
            {
                "project": "s.project_id",
                "batch": "s.batch_id",
                "unit": "s.unit_id",
                "purchase": "s.purchase_id",
                "customer": "s.customer_id",
                "status": "s.status",
                "last_step": "CASE s.status WHEN 'completed' THEN 9 WHEN 'in_progress' THEN s.k % 8 ELSE 0 END",
                "handover_date": "CASE WHEN s.status = 'completed' THEN s.done_on END",
                "completed_on": "CASE WHEN s.status = 'completed' THEN s.done_on END",
                "owner_signed": "s.status = 'completed'",
                "keys_count": "CASE WHEN s.status = 'completed' THEN 3 END",
                "not_taken_reason": "CASE WHEN s.status = 'not_taken' THEN '业主在外地，暂不接房' ELSE '' END",
                "created_at": "s.done_on - interval '1 day'",
                "updated_at": "s.done_on + (s.k % 30) * interval '1 day'",
            },
            f"""(SELECT c.project_id, c.unit_id, c.customer_id, c.k, pu.id AS purchase_id,
                    d.id AS batch_id,
                    LEAST({t}, d.planned_delivery_date + c.k % 60) AS done_on,
                    CASE WHEN d.planned_delivery_date > {t} OR c.k % 20 < 2 THEN 'in_progress'
                         WHEN c.k % 20 = 2 THEN 'not_taken'
                         ELSE 'completed' END AS status
                FROM bench_cust c
                JOIN salesite_purchase pu ON pu.unit_id = c.unit_id
                JOIN {Building._meta.db_table} b ON b.id = c.building_id
                JOIN {DeliveryBatch._meta.db_table} d
                  ON d.project_id = b.project_id AND d.name = b.name || '交付批次'
                WHERE c.k % 10 < 3) s""",
            order_by="s.done_on",
        )

    steps.run("handover cases", cases)
    steps.run(
        "handover rectification items",
        lambda: insert_rows(
            RectificationItem,
            {
                "project": "h.project_id",
                "case": "h.id",
                "location": "'卫生间'",
                "description": "'墙面瓷砖空鼓，需重新铺贴'",
                "responsible_unit": "'总包单位'",
                "deadline": f"COALESCE(h.handover_date, {t}) + 15",
                "status": f"""CASE WHEN COALESCE(h.handover_date, {t}) + 15 < {t} - 20
                                   THEN 'verified'
                              WHEN h.id % 3 = 0 THEN 'fixed' ELSE 'open' END""",
                "found_on": f"COALESCE(h.handover_date, {t})",
                "fixed_on": f"""CASE WHEN COALESCE(h.handover_date, {t}) + 15 < {t} - 20
                                     OR h.id % 3 = 0 THEN COALESCE(h.handover_date, {t}) + 10 END""",
                "verified_on": f"""CASE WHEN COALESCE(h.handover_date, {t}) + 15 < {t} - 20
                                   THEN COALESCE(h.handover_date, {t}) + 14 END""",
            },
            f"{HandoverCase._meta.db_table} h WHERE h.id % 3 = 0 AND h.status <> 'not_taken'",
            order_by="h.id",
        ),
    )


def renovation(steps: Steps, today, now) -> None:
    from renovation.models import RenovationApplication

    t = f"DATE {literal(today.isoformat())}"
    n = f"TIMESTAMPTZ {literal(now.isoformat())}"
    # Share of each status, in percent (the pipeline of R-REN-10).
    shares = [
        ("draft", 4),
        ("submitted", 10),
        ("waiting_government", 3),
        ("returned", 2),
        ("approved", 4),
        ("agreement_signed", 3),
        ("fees_paid", 3),
        ("permitted", 30),
        ("completion_applied", 4),
        ("rectification", 2),
        ("completion_accepted", 12),
        ("refund_requested", 3),
        ("refunded", 5),
        ("closed", 15),
    ]
    cases, acc = [], 0
    for status, share in shares:
        acc += share
        cases.append(f"WHEN c.k % 100 < {acc} THEN '{status}'")
    status_sql = "CASE " + " ".join(cases) + " ELSE 'closed' END"
    reviewed = "s.status NOT IN ('draft', 'submitted', 'waiting_government', 'returned')"
    steps.run(
        "renovation applications",
        lambda: insert_rows(
            RenovationApplication,
            {
                "project": "s.project_id",
                "unit": "s.unit_id",
                "number": "'ZX' || to_char(s.created_at, 'YYYYMMDD') || '-' || lpad(s.unit_id::text, 6, '0')",
                "status": "s.status",
                "owner": "s.customer_id",
                "owner_name": "s.customer_name",
                "owner_phone": "s.phone",
                "contractor_name": "'杭州美家装饰工程有限公司'",
                "contractor_head_name": "'王建国'",
                "contractor_head_phone": "'13700000000'",
                "contractor_head_id_number": "'330106198001011234'",
                "contractor_head_id_valid_until": f"{t} + 2000",
                "business_licence_number": "'91330100MA2XXXXX'",
                "business_licence_valid_until": f"{t} + 1500",
                "qualification_number": "'D233000000'",
                "qualification_valid_until": f"{t} + 900",
                "changes_gas": "s.k % 30 = 0",
                "scope": "'全屋硬装，水电改造'",
                "planned_start": "(s.created_at)::date + 20",
                "planned_end": "(s.created_at)::date + 110",
                "submitted_at": "CASE WHEN s.status <> 'draft' THEN s.created_at + interval '1 hour' END",
                "review_due_at": """CASE WHEN s.status <> 'draft'
                                    THEN s.created_at + interval '3 days' END""",
                "engineering_decision": f"CASE WHEN {reviewed} THEN 'approved' ELSE 'pending' END",
                "cs_decision": f"CASE WHEN {reviewed} THEN 'approved' ELSE 'pending' END",
                "approved_at": f"CASE WHEN {reviewed} THEN s.created_at + interval '2 days' END",
                "permit_number": f"CASE WHEN {reviewed} THEN 'JC' || s.unit_id ELSE '' END",
                "completion_accepted_on": """CASE WHEN s.status IN ('completion_accepted',
                    'refund_requested', 'refunded', 'closed') THEN (s.created_at)::date + 100 END""",
                "refund_due_on": """CASE WHEN s.status IN ('completion_accepted',
                    'refund_requested', 'refunded', 'closed') THEN (s.created_at)::date + 190 END""",
                "created_at": "s.created_at",
                "updated_at": "s.created_at + interval '1 day'",
            },
            f"""(SELECT c.project_id, c.unit_id, c.customer_id, c.customer_name, c.phone, c.k,
                    {status_sql} AS status,
                    {n} - CASE WHEN c.k % 100 < 19 THEN (c.k % 7) * interval '1 day'
                               ELSE (c.k * 17 % 330 + 10) * interval '1 day' END AS created_at
                FROM bench_cust c WHERE c.k % 10 = 0) s""",
            order_by="s.created_at",
        ),
    )


def main() -> None:
    args = parse_args()
    configure(args.database_url)
    logging.getLogger("celery").setLevel(logging.WARNING)

    from django.db import connection
    from django.utils import timezone

    from salesite.models import Project

    if connection.vendor != "postgresql":
        sys.exit("build_data.py writes PostgreSQL SQL; give a postgres:// database URL.")
    today, now = timezone.localdate(), timezone.now()
    started = time.perf_counter()
    steps = Steps()
    print(f"Building scale {args.scale:g} in {connection.settings_dict['NAME']}", flush=True)
    seed(steps)
    add_projects(steps, today)
    execute("SET synchronous_commit = off")
    helper_tables()
    per_project = core(steps, args.scale, today)
    communication(steps, args.scale, today, now)
    feedback(steps, args.scale, per_project, today, now)
    handover(steps, today)
    renovation(steps, today, now)
    # The dashboards' daily rollups of the closed days, as the nightly job keeps them.
    t0 = time.perf_counter()
    from django.core.management import call_command

    call_command("recompute_daily_figures", stdout=io.StringIO())
    elapsed = time.perf_counter() - t0
    print(f"  {'dashboard daily rollups':<40} {'':>10} {'':4} {elapsed:8.1f} s", flush=True)

    # Outside a transaction: VACUUM sets the visibility map (index-only scans) and ANALYZE the
    # planner's statistics, as autovacuum would have on a live database.
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    elapsed = time.perf_counter() - t0
    print(f"  {'VACUUM ANALYZE':<40} {'':>10} {'':4} {elapsed:8.1f} s", flush=True)
    total = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cur.fetchone()[0]
    print(
        f"Built scale {args.scale:g}: {Project.objects.count()} projects in {total:.0f} s; "
        f"database size {size}",
        flush=True,
    )


if __name__ == "__main__":
    main()
