/** Which screens a person sees, from the roles the identity service bound to them. The API decides
 * what each role may read and change; this only keeps a person from being offered screens that
 * would answer FORBIDDEN. */

export type Role =
  | 'STAFFING_OFFICE'
  | 'ORG_DEPARTMENT'
  | 'DEPARTMENT_ADMIN'
  | 'TOWNSHIP_ADMIN'
  | 'AGENCY_HEAD'
  | 'COMMAND_CENTRE'
  | 'GRID_WORKER'
  | 'CADRE'
  | 'LEADERSHIP';

export type ScreenId = 'overview' | 'quota' | 'roster' | 'dispatch' | 'assessment' | 'me' | 'inbox';

export interface Screen {
  id: ScreenId;
  title: string;
  roles: readonly Role[];
}

export const SCREENS: readonly Screen[] = [
  { id: 'overview', title: '全县概览', roles: ['STAFFING_OFFICE', 'ORG_DEPARTMENT', 'LEADERSHIP'] },
  { id: 'quota', title: '编制与调整', roles: ['STAFFING_OFFICE', 'ORG_DEPARTMENT', 'LEADERSHIP', 'DEPARTMENT_ADMIN', 'TOWNSHIP_ADMIN'] },
  { id: 'roster', title: '人员名册', roles: ['STAFFING_OFFICE', 'ORG_DEPARTMENT', 'LEADERSHIP', 'DEPARTMENT_ADMIN', 'TOWNSHIP_ADMIN', 'AGENCY_HEAD'] },
  { id: 'dispatch', title: '指挥调度', roles: ['COMMAND_CENTRE', 'TOWNSHIP_ADMIN', 'AGENCY_HEAD', 'GRID_WORKER', 'CADRE'] },
  { id: 'assessment', title: '考核评优', roles: ['ORG_DEPARTMENT', 'LEADERSHIP', 'DEPARTMENT_ADMIN', 'TOWNSHIP_ADMIN'] },
  { id: 'me', title: '我的', roles: ['CADRE'] },
  // Everyone's 待办: last in the menu, so a role's landing screen stays its work screen.
  { id: 'inbox', title: '待办', roles: ['STAFFING_OFFICE', 'ORG_DEPARTMENT', 'LEADERSHIP', 'DEPARTMENT_ADMIN', 'TOWNSHIP_ADMIN', 'AGENCY_HEAD', 'COMMAND_CENTRE', 'GRID_WORKER', 'CADRE'] },
];

export const ROLE_NAMES: Record<Role, string> = {
  STAFFING_OFFICE: '编办',
  ORG_DEPARTMENT: '组织部',
  DEPARTMENT_ADMIN: '部门管理员',
  TOWNSHIP_ADMIN: '乡镇管理员',
  AGENCY_HEAD: '站所负责人',
  COMMAND_CENTRE: '指挥室',
  GRID_WORKER: '网格员',
  CADRE: '派驻干部',
  LEADERSHIP: '县领导',
};

export interface Binding {
  role: Role;
  scopeKind: string;
  scopeId?: string | null;
}

/** The screens for these bindings, in menu order; nothing for no roles (deny by default). */
export function screensFor(bindings: readonly Binding[]): Screen[] {
  const roles = new Set(bindings.map((b) => b.role));
  return SCREENS.filter((s) => s.roles.some((r) => roles.has(r)));
}

/** The screen a person lands on: the first of theirs, or the one asked for if it is theirs. */
export function landingScreen(bindings: readonly Binding[], asked?: string): ScreenId | undefined {
  const mine = screensFor(bindings);
  return (mine.find((s) => s.id === asked) ?? mine[0])?.id;
}

/** The scope id of the first binding with this role (a department admin's department, a township
 * admin's township, a cadre's own id). */
export function scopeOf(bindings: readonly Binding[], role: Role): string | undefined {
  return bindings.find((b) => b.role === role)?.scopeId ?? undefined;
}
