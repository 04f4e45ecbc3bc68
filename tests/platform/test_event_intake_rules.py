"""Event intake (上报) in process, refusal by refusal and word for word: who may report where, the
department system's idempotency key, the limits on each field, the attachment references, and what
an accepted report writes (the event, its outbox message, its audit record). A refused report
writes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest
from dbutil import refused
from platform_world import ADMIN, CENTRE, GRID, OTHER_TOWN, SYSTEM, TOWN, person
from sqlalchemy import select

from platforms import dispatch, org
from platforms.models import GridEvent
from servicekit.audit import AuditRecord
from servicekit.errors import BadInput, Forbidden
from servicekit.outbox import OutboxEvent
from servicekit.principal import Principal, Role

REF = "oss://county-files/events/2026/photo.jpg"


def _system(client: str = "sfj-system", *scopes: str) -> Principal:
    return Principal(
        subject=client, kind="service", client_id=client, token_id="t", scopes=frozenset(scopes or {"events:report"})
    )


def _report(session, who=GRID, **kw):
    args = {
        "township_id": TOWN,
        "matter_type": "NEIGHBOUR_DISPUTE",
        "priority": "NORMAL",
        "description": "两户因宅基地界址发生争执",
        "location": "店口镇某村",
    }
    return dispatch.report(session, who, **{**args, **kw})


async def _refused(session, exc_type, call):
    return await refused(session, exc_type, call, GridEvent, OutboxEvent)


# ---- who reports, and as what --------------------------------------------------------------------


async def test_the_source_is_grid_for_a_grid_worker_hotline_for_the_centre_system_for_a_service(session):
    grid, _ = await _report(session, GRID)
    hotline, _ = await _report(session, CENTRE)
    admin, _ = await _report(session, ADMIN)  # the township admin runs the centre too
    system, _ = await _report(session, SYSTEM, idempotency_key="k-1")
    assert [e.source for e in (grid, hotline, admin, system)] == ["GRID", "HOTLINE", "HOTLINE", "SYSTEM"]
    assert [e.reported_by for e in (grid, system)] == [GRID.subject, "sfj-system"]


async def test_a_user_reports_only_to_their_own_township(session):
    err = await _refused(session, Forbidden, _report(session, person(Role.GRID_WORKER, OTHER_TOWN)))
    assert err.message == "只能向本乡镇(街道)上报事件"
    err = await _refused(session, Forbidden, _report(session, person(Role.CADRE, uuid.UUID(int=1))))
    assert err.message == "只能向本乡镇(街道)上报事件"


async def test_a_service_without_the_report_scope_is_refused_with_the_scope_it_lacks(session):
    err = await _refused(
        session, Forbidden, _report(session, _system("sfj-system", "events:status"), idempotency_key="k")
    )
    assert (err.message, err.detail) == ("该服务客户端无权上报事件", "scope events:report required")


async def test_a_service_report_needs_an_idempotency_key_of_at_most_100_characters(session):
    words = "系统上报须带幂等键 (idempotencyKey, 不超过 100 字符)"
    for key in (None, "", "k" * 101):
        assert (await _refused(session, BadInput, _report(session, SYSTEM, idempotency_key=key))).message == words
    event, created = await _report(session, SYSTEM, idempotency_key="k" * 100)
    assert created and (event.client_id, event.idempotency_key) == ("sfj-system", "k" * 100)


async def test_the_idempotency_key_is_per_client(session):
    first, _ = await _report(session, _system("sfj-system"), idempotency_key="2026-0001")
    other, created = await _report(session, _system("scj-system"), idempotency_key="2026-0001")
    again, created_again = await _report(session, _system("sfj-system"), idempotency_key="2026-0001")
    assert created and other.id != first.id and other.client_id == "scj-system"
    assert (created_again, again.id) == (False, first.id)
    # A repeat writes nothing more: one message and one audit record per event.
    messages = await session.scalars(select(OutboxEvent.aggregate_id).where(OutboxEvent.type == "event.reported"))
    assert sorted(messages.all()) == sorted([str(first.id), str(other.id)])


async def test_a_user_report_keeps_no_client_and_no_idempotency_key(session):
    event, created = await _report(session, GRID, idempotency_key="ignored")
    assert created and (event.client_id, event.idempotency_key) == (None, None)
    again, created_again = await _report(session, GRID, idempotency_key="ignored")
    assert created_again and again.id != event.id  # keys are for department systems only


# ---- the fields --------------------------------------------------------------------------------


async def test_priority_must_be_one_of_the_three(session):
    err = await _refused(session, BadInput, _report(session, priority="LOW"))
    assert err.message == "优先级须为 URGENT, HIGH, NORMAL"
    for priority in ("URGENT", "HIGH", "NORMAL"):
        assert (await _report(session, priority=priority))[0].priority == priority


async def test_the_matter_type_must_exist(session):
    err = await _refused(session, BadInput, _report(session, matter_type="NO_SUCH_MATTER"))
    assert err.message == "事项类型不存在"


async def test_the_description_is_required_stripped_and_at_most_4000_characters(session):
    for text in ("   ", "描" * 4001):
        err = await _refused(session, BadInput, _report(session, description=text))
        assert err.message == "请描述事件 (不超过 4000 字)"
    assert (await _report(session, description="描" * 4000))[0].description == "描" * 4000
    assert (await _report(session, description="  邻里纠纷 \n"))[0].description == "邻里纠纷"


async def test_the_location_is_optional_and_at_most_200_characters(session):
    err = await _refused(session, BadInput, _report(session, location="地" * 201))
    assert err.message == "地点不能超过 200 字"
    assert (await _report(session, location="地" * 200))[0].location == "地" * 200
    assert (await _report(session, location=None))[0].location is None


async def test_the_grid_must_be_in_the_township(session):
    mine = await org.create_grid(session, ADMIN, township_id=TOWN, code="G1", name="一网格", village=None)
    theirs = await org.create_grid(
        session, person(Role.TOWNSHIP_ADMIN, OTHER_TOWN), township_id=OTHER_TOWN, code="G1", name="一网格", village=None
    )
    for grid_id in (theirs.id, uuid.UUID(int=999)):
        err = await _refused(session, BadInput, _report(session, grid_id=grid_id))
        assert err.message == "网格不属于该乡镇(街道)"
    assert (await _report(session, grid_id=mine.id))[0].grid_id == mine.id


# ---- attachments (references into the county's object store) -------------------------------------


@pytest.fixture(autouse=True)
def _buckets(monkeypatch):
    """The buckets these tests point into stand for the county's (ATTACHMENT_BUCKETS)."""
    buckets = {"county-files", "b", "b" * 63, "bucket"}
    monkeypatch.setattr(dispatch, "allowed_buckets", lambda: buckets)


@pytest.mark.parametrize(
    "ref, message",
    [
        ("oss://county-files/../other/secret.pdf", "附件引用的路径无效"),
        ("oss://county-files/events/./a.jpg", "附件引用的路径无效"),
        ("oss://county-files/events//a.jpg", "附件引用的路径无效"),
        ("oss://county-files/events/%2e%2e/a.jpg", "附件引用的路径无效"),
        ("oss://county-files/events\\..\\a.jpg", "附件引用的路径无效"),
        ("oss://someone-elses-bucket/a.jpg", "附件须存放在本县的对象存储桶中"),
    ],
)
def test_an_attachment_reference_stays_inside_the_countys_buckets(ref, message):
    """Before: `..` segments and any bucket were accepted."""
    with pytest.raises(BadInput) as err:
        dispatch._clean_attachments([{"name": "照片", "ref": ref}])
    assert err.value.message == message


def test_attachments_are_cleaned_to_name_ref_content_type_and_size():
    items = [
        {"name": " 现场照片.jpg ", "ref": f" {REF} ", "contentType": "image/jpeg", "size": 1024},
        {"name": "录音", "ref": "s3://b/a.m4a"},
    ]
    assert dispatch._clean_attachments(items) == [
        {"name": "现场照片.jpg", "ref": REF, "contentType": "image/jpeg", "size": 1024},
        {"name": "录音", "ref": "s3://b/a.m4a", "contentType": None, "size": None},
    ]
    assert dispatch._clean_attachments(None) == [] and dispatch._clean_attachments([]) == []


def test_at_most_20_attachments():
    one = {"name": "照片", "ref": REF}
    assert len(dispatch._clean_attachments([one] * 20)) == 20
    with pytest.raises(BadInput) as err:
        dispatch._clean_attachments([one] * 21)
    assert err.value.message == "附件不能超过 20 个"


@pytest.mark.parametrize(
    "item",
    [
        {"name": None, "ref": REF},
        {"name": "  ", "ref": REF},
        {"name": "照片", "ref": None},
        {"name": "照片", "ref": " "},
        {"name": "名" * 201, "ref": REF},
        {"name": "照片", "ref": "oss://b/" + "p" * 493},  # 501 characters
    ],
)
def test_an_attachment_needs_a_name_and_a_reference_within_their_limits(item):
    with pytest.raises(BadInput) as err:
        dispatch._clean_attachments([item])
    assert err.value.message == "附件须有名称和存储引用"


def test_the_longest_name_and_reference_are_accepted():
    bucket = "b" * 63
    ref = f"oss://{bucket}/" + "p" * 400  # the longest the pattern allows: 470 characters
    assert dispatch._clean_attachments([{"name": "名" * 200, "ref": ref}])[0]["ref"] == ref


@pytest.mark.parametrize(
    "ref",
    [
        "http://example.com/a.jpg",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "oss://-bucket/a.jpg",  # a bucket starts with a letter or digit
        "oss://" + "b" * 64 + "/a.jpg",  # buckets are at most 63 characters
        "oss://bucket/",  # a key is required
        "oss://bucket/a b.jpg",  # no whitespace in a key
        "OSS://bucket/a.jpg",
        "oss://bucket/" + "p" * 401,
        "x" * 500,  # as long as allowed, but not a reference
    ],
)
def test_an_attachment_reference_must_point_into_the_object_store(ref):
    with pytest.raises(BadInput) as err:
        dispatch._clean_attachments([{"name": "照片", "ref": ref}])
    assert (err.value.message, err.value.detail) == (
        "附件引用须为对象存储地址 (oss://桶/路径 或 s3://桶/路径)",
        "ref must be oss://bucket/key or s3://bucket/key",
    )


def test_an_attachment_size_is_between_0_and_200_mib():
    for size in (0, 200 * 1024 * 1024):
        assert dispatch._clean_attachments([{"name": "照片", "ref": REF, "size": size}])[0]["size"] == size
    for size in (-1, 200 * 1024 * 1024 + 1):
        with pytest.raises(BadInput) as err:
            dispatch._clean_attachments([{"name": "照片", "ref": REF, "size": size}])
        assert err.value.message == "附件大小不合理"


async def test_a_report_with_a_bad_attachment_writes_nothing(session):
    err = await _refused(session, BadInput, _report(session, attachments=[{"name": "照片", "ref": "http://x/y"}]))
    assert err.code == "BAD_USER_INPUT"
    event, _ = await _report(session, attachments=[{"name": "照片", "ref": REF, "size": 10}])
    assert event.attachments == [{"name": "照片", "ref": REF, "contentType": None, "size": 10}]


# ---- what a report writes ------------------------------------------------------------------------


async def test_a_report_writes_the_event_its_message_and_its_audit_record(session):
    before = dt.datetime.now(dt.timezone.utc)
    event, created = await _report(session, SYSTEM, priority="HIGH", idempotency_key="k-2")
    assert created and event.state == "REPORTED" and before <= event.reported_at <= dt.datetime.now(dt.timezone.utc)
    message = await session.scalar(select(OutboxEvent).where(OutboxEvent.aggregate_id == str(event.id)))
    assert (message.type, message.aggregate_type, message.payload) == (
        "event.reported",
        "GridEvent",
        # a system reported it: no person to tell of the outcome
        {"township_id": str(TOWN), "matter_type": "NEIGHBOUR_DISPUTE", "priority": "HIGH", "reporter_user_id": None},
    )
    record = await session.scalar(select(AuditRecord).where(AuditRecord.entity_id == str(event.id)))
    assert (record.action, record.entity_type, record.actor, record.after) == (
        "event.report",
        "GridEvent",
        "sfj-system",
        {"matter_type": "NEIGHBOUR_DISPUTE", "source": "SYSTEM"},
    )


async def test_the_reporter_is_named_so_they_are_told_of_the_outcome(session):
    """A person's report names their account (the grid worker hears how it ended); a system's does not."""
    worker = dataclasses.replace(person(Role.GRID_WORKER, TOWN), subject=str(uuid.uuid4()))
    event, _ = await _report(session, worker)
    message = await session.scalar(select(OutboxEvent).where(OutboxEvent.aggregate_id == str(event.id)))
    assert message.payload["reporter_user_id"] == worker.subject
    await dispatch.act(session, CENTRE, event_id=event.id, action="refuse", reason="不属本平台事项")
    refused = (
        await session.scalars(
            select(OutboxEvent).where(OutboxEvent.aggregate_id == str(event.id)).order_by(OutboxEvent.id.desc())
        )
    ).first()
    assert (refused.payload["state"], refused.payload["reporter_user_id"]) == ("REFUSED", worker.subject)
