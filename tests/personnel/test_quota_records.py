"""What a quota change leaves behind, exactly: the request's fields, the audit record of each step
(who, what, before and after), the event the other services read, and who may list and read the
requests (编办: all; a department: its own; no one else)."""

from __future__ import annotations

import uuid

import pytest
from personnel_world import DEPT, STAFFING, agency_id, dept_admin, shift_one_place, township_admin
from sqlalchemy import select

from personnel import quotas
from personnel.models import Agency, Department
from servicekit.audit import AuditRecord
from servicekit.errors import BadInput, Forbidden, NotFound, RuleViolation
from servicekit.outbox import OutboxEvent


async def _request(session, dept="sfj", who=None, reason=" 店口镇人口增长 "):
    grow, shrink = await shift_one_place(session, dept)
    qg, qs = (await session.get(Agency, grow)).quota, (await session.get(Agency, shrink)).quota
    request = await quotas.propose(
        session,
        who or dept_admin(dept),
        department_id=DEPT[dept],
        new_total=None,
        agency_quotas={grow: qg + 1, shrink: qs - 1},
        reason=reason,
    )
    return request, {str(grow): [qg, qg + 1], str(shrink): [qs, qs - 1]}


async def _audit(session, entity_id) -> list[AuditRecord]:
    stmt = select(AuditRecord).where(AuditRecord.entity_id == str(entity_id)).order_by(AuditRecord.seq)
    return list((await session.scalars(stmt)).all())


async def test_a_request_records_what_was_asked_and_by_whom(session):
    total = (await session.get(Department, DEPT["sfj"])).quota_total
    request, lines = await _request(session)
    assert (request.status, request.old_total, request.new_total, request.lines) == ("PENDING", total, total, lines)
    assert (request.reason, request.requested_by, request.reorganisation) == (
        "店口镇人口增长",
        "u-department_admin",
        False,
    )
    [record] = await _audit(session, request.id)
    assert (record.action, record.entity_type, record.actor, record.reason) == (
        "quota.request",
        "QuotaChangeRequest",
        "u-department_admin",
        " 店口镇人口增长 ",
    )
    assert record.after == {
        "status": "PENDING",
        "department_id": str(DEPT["sfj"]),
        "old_total": total,
        "new_total": total,
        "lines": lines,
        "reorganisation": False,
    }


async def test_an_approval_moves_the_ledger_records_both_sides_and_tells_the_other_services(session):
    request, lines = await _request(session)
    total = request.old_total
    decided = await quotas.decide(session, STAFFING, request_id=request.id, approve=True, note="同意")
    assert (decided.status, decided.decided_by, decided.decision_note) == ("APPROVED", "u-staffing_office", "同意")
    assert decided.decided_at is not None
    approval = (await _audit(session, request.id))[-1]
    assert (approval.action, approval.actor, approval.reason) == ("quota.approve", "u-staffing_office", "同意")
    assert approval.before["status"] == "PENDING" and approval.after["status"] == "APPROVED"
    [event] = (await session.scalars(select(OutboxEvent).where(OutboxEvent.type == "quota.changed"))).all()
    assert (event.type, event.aggregate_type) == ("quota.changed", "Department")
    assert event.payload == {
        "department_id": str(DEPT["sfj"]),
        "quota_total": total,
        "agencies": {k: v[1] for k, v in lines.items()},
        "request_id": str(request.id),
    }


async def test_a_rejection_changes_nothing_but_the_request(session):
    request, lines = await _request(session)
    before = {k: (await session.get(Agency, uuid.UUID(k))).quota for k in lines}
    decided = await quotas.decide(session, STAFFING, request_id=request.id, approve=False, note="理由不足")
    assert (decided.status, decided.decision_note) == ("REJECTED", "理由不足")
    assert {k: (await session.get(Agency, uuid.UUID(k))).quota for k in lines} == before
    rejection = (await _audit(session, request.id))[-1]
    assert (rejection.action, rejection.after["status"]) == ("quota.reject", "REJECTED")
    assert (await session.scalars(select(OutboxEvent).where(OutboxEvent.type == "quota.changed"))).all() == []
    with pytest.raises(RuleViolation) as again:
        await quotas.decide(session, STAFFING, request_id=request.id, approve=True, note=None)
    assert again.value.rule == "REQUEST_ALREADY_DECIDED" and again.value.detail == "status REJECTED"


async def test_requests_are_listed_newest_first_for_the_office_and_the_department_only(session):
    first, _ = await _request(session, "sfj")
    second, _ = await _request(session, "zhzfj")
    page = await quotas.list_requests(session, STAFFING, first=10, after=None)
    # Newest first; in one transaction both carry its start time, and the id breaks the tie.
    newest_first = sorted([first, second], key=lambda r: (r.requested_at, r.id), reverse=True)
    assert [r.id for r in page.items][:2] == [r.id for r in newest_first]
    one = await quotas.list_requests(session, STAFFING, first=1, after=None)
    rest = await quotas.list_requests(session, STAFFING, first=10, after=one.cursors[-1])
    assert one.has_next and [r.id for r in one.items + rest.items] == [r.id for r in page.items]
    own = await quotas.list_requests(session, dept_admin("sfj"), first=10, after=None)
    assert [r.id for r in own.items] == [first.id]
    await quotas.decide(session, STAFFING, request_id=first.id, approve=False, note=None)
    pending = await quotas.list_requests(session, STAFFING, first=10, after=None, status="PENDING")
    assert [r.id for r in pending.items] == [second.id]
    for outsider in (township_admin("diankou"),):
        with pytest.raises(Forbidden):
            await quotas.list_requests(session, outsider, first=10, after=None)


async def test_a_request_is_read_by_those_who_list_it_and_not_found_for_others(session):
    request, _ = await _request(session)
    assert (await quotas.get_request(session, STAFFING, request.id)).id == request.id
    assert (await quotas.get_request(session, dept_admin("sfj"), request.id)).id == request.id
    for who, missing in ((dept_admin("zhzfj"), request.id), (STAFFING, uuid.uuid4())):
        with pytest.raises(NotFound) as err:
            await quotas.get_request(session, who, missing)
        assert err.value.message == "员额调整申请不存在或无权查看"


@pytest.mark.parametrize(
    "change, detail",
    [
        ({"reason": "   "}, None),
        ({"new_total": -1}, "quotas must be 0..100000"),
        ({"new_total": 100_001}, "quotas must be 0..100000"),
    ],
)
async def test_bad_requests_are_refused_with_their_reason(session, change, detail):
    kwargs = {"department_id": DEPT["sfj"], "new_total": None, "agency_quotas": {}, "reason": "理由", **change}
    with pytest.raises(BadInput) as err:
        await quotas.propose(session, STAFFING, **kwargs)
    assert err.value.detail == detail


async def test_another_departments_agency_and_an_unchanged_ledger_are_refused(session):
    with pytest.raises(BadInput) as foreign:
        await quotas.propose(
            session,
            dept_admin("sfj"),
            department_id=DEPT["sfj"],
            new_total=None,
            agency_quotas={agency_id("zhzfj", "diankou"): 5},
            reason="越界",
        )
    assert foreign.value.detail == f"agencies not in this department: {[str(agency_id('zhzfj', 'diankou'))]}"
    same = (await session.get(Agency, agency_id("sfj", "diankou"))).quota
    with pytest.raises(BadInput) as unchanged:
        await quotas.propose(
            session,
            dept_admin("sfj"),
            department_id=DEPT["sfj"],
            new_total=None,
            agency_quotas={agency_id("sfj", "diankou"): same},
            reason="不变",
        )
    assert unchanged.value.detail == "nothing changes"
    with pytest.raises(NotFound):
        await quotas.propose(
            session, STAFFING, department_id=uuid.uuid4(), new_total=None, agency_quotas={}, reason="不存在"
        )
