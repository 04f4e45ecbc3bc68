"""提醒告知单: notices to departments with vacancies, their answers and statistics, in GraphQL."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import strawberry
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context
from servicekit.ids import parse_id

from .. import (
    models,
    policy,
    reminders,
)
from ..calendar import today
from .roster import (
    Department,
    department_of,
)


@strawberry.type(description="提醒告知单")
class ReminderNotice:
    id: strawberry.ID
    batch_id: strawberry.ID = strawberry.field(description="发文批次 id")
    issued_at: dt.datetime = strawberry.field(description="发出时间")
    deadline: dt.date = strawberry.field(description="答复期限")
    vacancies_at_issue: int = strawberry.field(description="发出时缺额")
    status: str = strawberry.field(description="OPEN / ANSWERED / CLOSED")
    plan: str | None = strawberry.field(description="部门补员计划")
    replenished: int = strawberry.field(description="已补员人数")
    overdue: bool = strawberry.field(description="逾期未办结 (责任追究)")
    closed_at: dt.datetime | None = strawberry.field(description="闭环时间 (补齐或答复后)")
    department_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="被提醒的部门")
    async def department(self, info: Info[Context, None]) -> Department:
        return await department_of(info, self.department_id)

    @staticmethod
    def of(n: models.ReminderNotice, b: models.ReminderBatch) -> "ReminderNotice":
        return ReminderNotice(
            id=strawberry.ID(str(n.id)),
            batch_id=strawberry.ID(str(b.id)),
            issued_at=b.issued_at,
            deadline=b.deadline,
            vacancies_at_issue=n.vacancies_at_issue,
            status=n.status,
            plan=n.plan,
            replenished=n.replenished,
            closed_at=n.closed_at,
            department_id=n.department_id,
            overdue=n.status != "CLOSED" and b.deadline < today(),
        )


@strawberry.type(description="提醒告知统计 (报告: 6批次, 补员29人)")
class ReminderStatistics:
    batches: int = strawberry.field(description="发文批次数")
    notices: int = strawberry.field(description="告知单数")
    closed: int = strawberry.field(description="已闭环数")
    overdue: int = strawberry.field(description="逾期未答复数")
    replenished: int = strawberry.field(description="已补员人数")


@strawberry.input(description="发出提醒告知单")
class IssueRemindersInput:
    deadline: dt.date = strawberry.field(description="答复期限")
    note: str | None = strawberry.field(default=None, description="说明")
    department_ids: list[strawberry.ID] | None = None


@strawberry.input(description="答复提醒告知单")
class AnswerReminderInput:
    notice_id: strawberry.ID
    plan: str = strawberry.field(description="补员计划 (何时、如何补齐缺额)")


@strawberry.type(description="本次发出的提醒告知单")
class RemindersPayload:
    notices: list[ReminderNotice] = strawberry.field(description="告知单")


@strawberry.type
class ReminderQuery:
    @strawberry.federation.field(
        description="提醒告知单 (编办、组织部、领导看全部; 部门看本部门)", requires_scopes=gql.PEOPLE
    )
    async def reminder_notices(
        self,
        info: Info[Context, None],
        open_only: Annotated[bool, strawberry.argument(description="只看未闭环的")] = False,
        overdue_only: Annotated[bool, strawberry.argument(description="只看逾期的")] = False,
        first: int | None = None,
        after: str | None = None,
    ) -> gql.Connection[ReminderNotice]:
        page = await reminders.list_notices(
            info.context.session,
            info.context.principal,
            open_only=open_only,
            overdue_only=overdue_only,
            first=first,
            after=after,
        )
        return gql.connection(page, lambda row: ReminderNotice.of(*row))

    @strawberry.federation.field(description="提醒告知统计", requires_scopes=gql.PEOPLE)
    async def reminder_statistics(self, info: Info[Context, None]) -> ReminderStatistics:
        policy.county_reader(info.context.principal)
        stats = await reminders.statistics(info.context.session)
        return ReminderStatistics(**vars(stats))


@strawberry.type
class ReminderMutation:
    @strawberry.federation.mutation(description="编办发出提醒告知单", requires_scopes=gql.PEOPLE)
    async def issue_reminders(self, info: Info[Context, None], input: IssueRemindersInput) -> RemindersPayload:
        ids = [parse_id(d, "部门") for d in input.department_ids] if input.department_ids is not None else None
        batch, notices = await reminders.issue(
            info.context.session, info.context.principal, deadline=input.deadline, note=input.note, department_ids=ids
        )
        return RemindersPayload(notices=[ReminderNotice.of(n, batch) for n in notices])

    @strawberry.federation.mutation(description="部门答复补员计划", requires_scopes=gql.PEOPLE)
    async def answer_reminder(self, info: Info[Context, None], input: AnswerReminderInput) -> RemindersPayload:
        notice = await reminders.answer(
            info.context.session, info.context.principal, notice_id=parse_id(input.notice_id, "告知单"), plan=input.plan
        )
        batch = await info.context.session.get(models.ReminderBatch, notice.batch_id)
        return RemindersPayload(notices=[ReminderNotice.of(notice, batch)])
