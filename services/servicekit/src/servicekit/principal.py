"""Who is calling: a user or a service client, with role bindings ``(role, scope)``.

Roles and scope kinds are shared vocabulary; each service's ``policy`` module decides what a
binding allows on its own data (dual management is enforced where the data lives).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Role(str, enum.Enum):
    STAFFING_OFFICE = "STAFFING_OFFICE"  # 编办
    ORG_DEPARTMENT = "ORG_DEPARTMENT"  # 组织部
    DEPARTMENT_ADMIN = "DEPARTMENT_ADMIN"  # 派驻部门管理员
    TOWNSHIP_ADMIN = "TOWNSHIP_ADMIN"  # 乡镇(街道)管理员
    AGENCY_HEAD = "AGENCY_HEAD"  # 派驻机构负责人
    COMMAND_CENTRE = "COMMAND_CENTRE"  # 综合信息指挥室值班员
    GRID_WORKER = "GRID_WORKER"  # 网格员
    CADRE = "CADRE"  # 派驻干部
    LEADERSHIP = "LEADERSHIP"  # 领导(只读)


class ScopeKind(str, enum.Enum):
    COUNTY = "COUNTY"
    DEPARTMENT = "DEPARTMENT"
    TOWNSHIP = "TOWNSHIP"
    AGENCY = "AGENCY"
    SELF = "SELF"


# What each role and scope kind is called in the county (the API's enum descriptions).
ROLE_TERMS: dict[Role, str] = {
    Role.STAFFING_OFFICE: "编办: 员额、名单与提醒告知",
    Role.ORG_DEPARTMENT: "组织部: 人事调整审核、考核、干部发展",
    Role.DEPARTMENT_ADMIN: "派驻部门管理员: 本部门的派驻干部",
    Role.TOWNSHIP_ADMIN: "乡镇(街道)管理员: 本乡镇的派驻干部与平台",
    Role.AGENCY_HEAD: "派驻机构负责人 (或平台单位负责人): 单位内指派",
    Role.COMMAND_CENTRE: "综合信息指挥室值班员: 受理、派遣、核查",
    Role.GRID_WORKER: "网格员: 上报事件",
    Role.CADRE: "派驻干部: 本人的信息与任务",
    Role.LEADERSHIP: "县领导: 只读",
}
SCOPE_TERMS: dict[ScopeKind, str] = {
    ScopeKind.COUNTY: "全县",
    ScopeKind.DEPARTMENT: "一个部门",
    ScopeKind.TOWNSHIP: "一个乡镇(街道)",
    ScopeKind.AGENCY: "一个派驻机构 (或平台单位)",
    ScopeKind.SELF: "本人",
}

# The scope kind each role is bound at; the identity service refuses other combinations.
ROLE_SCOPE: dict[Role, ScopeKind] = {
    Role.STAFFING_OFFICE: ScopeKind.COUNTY,
    Role.ORG_DEPARTMENT: ScopeKind.COUNTY,
    Role.LEADERSHIP: ScopeKind.COUNTY,
    Role.DEPARTMENT_ADMIN: ScopeKind.DEPARTMENT,
    Role.TOWNSHIP_ADMIN: ScopeKind.TOWNSHIP,
    Role.COMMAND_CENTRE: ScopeKind.TOWNSHIP,
    Role.GRID_WORKER: ScopeKind.TOWNSHIP,
    Role.AGENCY_HEAD: ScopeKind.AGENCY,
    Role.CADRE: ScopeKind.SELF,
}


@dataclass(frozen=True)
class RoleBinding:
    role: Role
    scope_kind: ScopeKind
    scope_id: str | None = None  # None for COUNTY; the cadre id for SELF

    def to_claim(self) -> dict:
        return {"role": self.role.value, "scope": self.scope_kind.value, "id": self.scope_id}

    @classmethod
    def from_claim(cls, claim: dict) -> "RoleBinding":
        return cls(Role(claim["role"]), ScopeKind(claim["scope"]), claim.get("id"))


@dataclass(frozen=True)
class Principal:
    subject: str
    kind: str  # "user" | "service"
    client_id: str
    token_id: str
    name: str | None = None
    bindings: tuple[RoleBinding, ...] = ()
    scopes: frozenset[str] = field(default_factory=frozenset)
    # A department system's token is bound to its department (service clients only).
    department_id: str | None = None
    username: str | None = None  # a person's login name (users only)

    @property
    def is_service(self) -> bool:
        return self.kind == "service"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def roles(self) -> set[Role]:
        return {b.role for b in self.bindings}

    def has_role(self, role: Role, scope_id: str | None = None) -> bool:
        return any(b.role == role and (scope_id is None or b.scope_id == scope_id) for b in self.bindings)

    def scope_ids(self, role: Role) -> set[str]:
        return {b.scope_id for b in self.bindings if b.role == role and b.scope_id}
