"""Applying validated rows (R-X-6): one transaction, natural-key matching, bulk writes and
their audit-log entries."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from salesite.imports.columns import Row
from salesite.models import Building, Customer, Project, Purchase, Unit

# --- applying: one transaction, bulk writes ----------------------------------------------------


def _non_empty(values: dict) -> dict:
    return {k: v for k, v in values.items() if v not in (None, "")}


def _plan(items, existing: dict) -> tuple[dict, dict]:
    """Which records to create and which to update.

    ``items`` yields (natural key, values) in file order; ``existing`` maps a key to (pk,
    current values). A new record takes its first row's values, and later rows fill in what
    they carry; an existing one takes every non-empty value of its rows. Returns ``create``
    (key → values) and ``update`` (key → (pk, values, old values) for the records that change).
    """
    create: dict = {}
    touched: dict = {}
    for key, values in items:
        if key in create:
            create[key].update(_non_empty(values))
        elif key in existing:
            touched.setdefault(key, dict(existing[key][1])).update(_non_empty(values))
        else:
            create[key] = dict(values)
    update = {
        key: (existing[key][0], merged, existing[key][1])
        for key, merged in touched.items()
        if merged != existing[key][1]
    }
    return create, update


BATCH_SIZE = 2000


def _bulk_create(model, keyed: dict, make) -> dict:
    """Insert ``make(key, values)`` for every entry, in batches; return key → new pk."""
    pks = {}
    items = list(keyed.items())
    for start in range(0, len(items), BATCH_SIZE):
        chunk = items[start : start + BATCH_SIZE]
        objs = model.objects.bulk_create([make(key, values) for key, values in chunk])
        for (key, _values), obj in zip(chunk, objs, strict=True):
            pks[key] = obj.pk
    return pks


def _bulk_update(model, update: dict, fields: list[str], audit: dict, **extra) -> None:
    """Update in batches, and record each change in the audit log as a save would (bulk
    writes bypass django-auditlog's signals): who, which batch, each field's old and new
    value. New records are not logged one by one: the batch (file, checksum, counts) is
    their record."""
    objs = [model(pk=pk, **values, **extra) for pk, values, _old in update.values()]
    model.objects.bulk_update(objs, [*fields, *extra], batch_size=BATCH_SIZE)
    content_type = ContentType.objects.get_for_model(model)
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(pk),
                object_id=pk,
                object_repr=_audit_repr(key, values),
                action=LogEntry.Action.UPDATE,
                changes={
                    f: [_audit_text(old[f]), _audit_text(values[f])]
                    for f in fields
                    if old[f] != values[f]
                },
                actor_id=audit.get("actor_id"),
                additional_data={"import_batch": audit.get("batch_id")},
            )
            for key, (pk, values, old) in update.items()
        ],
        batch_size=BATCH_SIZE,
    )


def _audit_repr(key, values: dict) -> str:
    # As str() of the record says it: a customer by name, a unit as 1幢-101.
    if values.get("name"):
        return values["name"]
    return key if isinstance(key, str) else "-".join(map(str, key))


def _audit_text(value) -> str:
    return "None" if value is None else str(value)


UNIT_FIELDS = ["floor", "unit_type", "area"]
CUSTOMER_FIELDS = ["name", "phone", "emergency_contact", "emergency_phone", "birthday"]
PURCHASE_FIELDS = ["subscribed_on", "signed_on", "contract_number", "sales_consultant"]


def apply_rows(
    project: Project, rows: list[Row], *, actor_id=None, batch_id=None
) -> tuple[dict, dict]:
    """Write the validated rows: a few queries to read what exists, then bulk inserts and
    updates. Runs inside the caller's transaction; the project row is locked so that two
    imports of one project apply one after the other."""
    Project.objects.select_for_update().filter(pk=project.pk).values_list("pk").first()
    values = [r.values for r in rows]
    now = timezone.now()
    audit = {"actor_id": actor_id, "batch_id": batch_id}
    created, updated = {}, {}

    existing = {
        name: (pk, {"phase": phase})
        for pk, name, phase in Building.objects.filter(project=project).values_list(
            "pk", "name", "phase"
        )
    }
    create, update = _plan(((v["building"], {"phase": v["phase"]}) for v in values), existing)
    building_pks = {key: pk for key, (pk, _cur) in existing.items()}
    building_pks |= _bulk_create(
        Building, create, lambda key, val: Building(project=project, name=key, **val)
    )
    _bulk_update(Building, update, ["phase"], audit)
    created["buildings"], updated["buildings"] = len(create), len(update)

    existing = {
        (building, number): (pk, {"floor": floor, "unit_type": unit_type, "area": area})
        for pk, building, number, floor, unit_type, area in Unit.objects.filter(
            project=project
        ).values_list("pk", "building__name", "number", "floor", "unit_type", "area")
    }
    create, update = _plan(
        (((v["building"], v["number"]), {f: v[f] for f in UNIT_FIELDS}) for v in values),
        existing,
    )
    unit_pks = {key: pk for key, (pk, _cur) in existing.items()}
    unit_pks |= _bulk_create(
        Unit,
        create,
        lambda key, val: Unit(
            project=project, building_id=building_pks[key[0]], number=key[1], **val
        ),
    )
    _bulk_update(Unit, update, UNIT_FIELDS, audit)
    created["units"], updated["units"] = len(create), len(update)

    with_customer = [v for v in values if v["has_customer"]]
    existing = {
        (row[1], row[2]): (row[0], dict(zip(CUSTOMER_FIELDS, row[3:], strict=True)))
        for row in Customer.objects.filter(project=project).values_list(
            "pk", "id_type", "id_number", *CUSTOMER_FIELDS
        )
    }
    create, update = _plan(
        (
            (
                (v["id_type"], v["id_number"]),
                {
                    "name": v["customer_name"],
                    "phone": v["phone"],
                    "emergency_contact": v["emergency_contact"],
                    "emergency_phone": v["emergency_phone"],
                    "birthday": v["birthday"],
                },
            )
            for v in with_customer
        ),
        existing,
    )
    customer_pks = {key: pk for key, (pk, _cur) in existing.items()}
    customer_pks |= _bulk_create(
        Customer,
        create,
        lambda key, val: Customer(project=project, id_type=key[0], id_number=key[1], **val),
    )
    _bulk_update(Customer, update, CUSTOMER_FIELDS, audit, updated_at=now)
    created["customers"], updated["customers"] = len(create), len(update)

    existing = {
        (row[1], row[2]): (row[0], dict(zip(PURCHASE_FIELDS, row[3:], strict=True)))
        for row in Purchase.objects.filter(project=project).values_list(
            "pk", "unit_id", "customer_id", *PURCHASE_FIELDS
        )
    }
    create, update = _plan(
        (
            (
                (
                    unit_pks[(v["building"], v["number"])],
                    customer_pks[(v["id_type"], v["id_number"])],
                ),
                {f: v[f] for f in PURCHASE_FIELDS},
            )
            for v in with_customer
        ),
        existing,
    )
    _bulk_create(
        Purchase,
        create,
        lambda key, val: Purchase(project=project, unit_id=key[0], customer_id=key[1], **val),
    )
    _bulk_update(Purchase, update, PURCHASE_FIELDS, audit)
    created["purchases"], updated["purchases"] = len(create), len(update)
    return created, updated
