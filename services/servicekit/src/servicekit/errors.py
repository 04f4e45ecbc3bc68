"""Errors a service raises from its rules; the GraphQL layer turns them into
``extensions.code`` / ``extensions.rule``. Plain Python: rules modules import this, never GraphQL.

Messages are written for a Chinese-speaking user; ``detail`` carries English for developers.
"""

from __future__ import annotations

from typing import Any

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
BAD_USER_INPUT = "BAD_USER_INPUT"
NOT_FOUND = "NOT_FOUND"
CONFLICT = "CONFLICT"
RULE_VIOLATION = "RULE_VIOLATION"
INTERNAL = "INTERNAL_SERVER_ERROR"


class AppError(Exception):
    code: str = INTERNAL
    default_message: str = "服务器内部错误"

    def __init__(self, message: str | None = None, *, detail: str | None = None, **extra: Any):
        self.message = message or self.default_message
        self.detail = detail
        self.extra = extra
        super().__init__(self.message)

    def extensions(self) -> dict[str, Any]:
        ext: dict[str, Any] = {"code": self.code}
        if self.detail:
            ext["detail"] = self.detail
        ext.update(self.extra)
        return ext


class Unauthenticated(AppError):
    code = UNAUTHENTICATED
    default_message = "未登录或凭证无效"


class Forbidden(AppError):
    code = FORBIDDEN
    default_message = "无权执行此操作"


class BadInput(AppError):
    code = BAD_USER_INPUT
    default_message = "输入有误"


class NotFound(AppError):
    code = NOT_FOUND
    default_message = "未找到"


class Conflict(AppError):
    code = CONFLICT
    default_message = "与现有数据冲突"


class RuleViolation(AppError):
    """A business rule from docs/domain.md was broken; ``rule`` names it (e.g. ``MIN_TENURE_2Y``)."""

    code = RULE_VIOLATION
    default_message = "违反业务规则"

    def __init__(self, rule: str, message: str | None = None, **kw: Any):
        self.rule = rule
        super().__init__(message, **kw)

    def extensions(self) -> dict[str, Any]:
        ext = super().extensions()
        ext["rule"] = self.rule
        return ext
