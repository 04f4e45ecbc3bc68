/** How numbers, dates and states read on screen. Fractions (0–1) from the API become percentages
 * here, with one decimal — the report's 71.9%. */

export function percent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)}%`;
}

export function date(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.slice(0, 10);
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const part = Object.fromEntries(SHANGHAI.formatToParts(d).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`;
}

// The county works in Asia/Shanghai whatever the browser's zone.
const SHANGHAI = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

export const EVENT_STATES: Record<string, string> = {
  REPORTED: '待受理',
  ACCEPTED: '已受理',
  REFUSED: '不予受理',
  DUPLICATE: '重复件',
  DISPATCHED: '已派遣',
  RETURNED: '已退回',
  SIGNED: '已签收',
  IN_PROGRESS: '处置中',
  FEEDBACK: '已反馈',
  CLOSED: '已办结',
  REOPENED: '已重启',
};

export const EVENT_ACTIONS: Record<string, string> = {
  ACCEPT: '受理',
  REFUSE: '不予受理',
  MARK_DUPLICATE: '标记重复',
  DISPATCH: '派遣',
  ASSIGN: '指派到人',
  RETURN: '退回',
  SIGN: '签收',
  START: '开始处置',
  FEEDBACK: '反馈结果',
  VERIFY_PASS: '核查通过',
  VERIFY_FAIL: '核查不通过',
  REOPEN: '重启',
};

export const EVENT_SOURCES: Record<string, string> = { GRID: '网格上报', HOTLINE: '热线', SYSTEM: '部门系统推送' };

/** Why the routing recommended whom it did (RoutingRecommendation.reason). */
export const ROUTING_REASONS: Record<string, string> = {
  POST_AND_GRID: '定岗且在本网格',
  POST: '定岗',
  GRID_LINE: '本网格本条线',
  LINE: '本条线',
  POST_UNIT: '定岗单位',
  NONE: '无匹配，由指挥室研判',
};

/** Which extra input an event action needs before the API accepts it. */
export type ActionNeed = 'reason' | 'leadUnit' | 'assignee' | 'closingReason' | 'duplicateOf' | 'none';

export function actionNeeds(action: string): ActionNeed {
  switch (action) {
    case 'REFUSE':
    case 'RETURN':
    case 'VERIFY_FAIL':
    case 'REOPEN':
      return 'reason';
    case 'DISPATCH':
      return 'leadUnit';
    case 'ASSIGN':
      return 'assignee';
    case 'FEEDBACK':
      return 'closingReason';
    case 'MARK_DUPLICATE':
      return 'duplicateOf';
    default:
      return 'none';
  }
}

/** The SLA flag an event shows: overdue beats warned; closed events carry none. */
export function slaFlag(deadline: { warned: boolean; overdue: boolean } | null | undefined, state: string):
  'overdue' | 'warning' | null {
  if (!deadline || state === 'CLOSED' || state === 'REFUSED' || state === 'DUPLICATE') return null;
  if (deadline.overdue) return 'overdue';
  if (deadline.warned) return 'warning';
  return null;
}

/** 年度考核等次 (Member.grade / AssessmentResult.grade). */
export const GRADES: Record<string, string> = { EXCELLENT: '优秀', COMPETENT: '称职', BASIC: '基本称职', INCOMPETENT: '不称职' };

export function gradeName(grade: string | null | undefined): string {
  return grade ? GRADES[grade] ?? grade : '—';
}

/** The set with ``id`` ticked or unticked (a new set, for React state). */
export function toggled<T>(set: ReadonlySet<T>, id: T, on: boolean): Set<T> {
  const next = new Set(set);
  if (on) next.add(id); else next.delete(id);
  return next;
}

export const CLOSING_REASONS: Record<string, string> = {
  RESOLVED: '办结',
  NOT_WITHIN_REMIT: '非职责范围',
  NO_CASE_FOUND: '查无实据',
  MERGED: '合并办理',
};

/** Places left for a pick: the quota less what is used and what is ticked now, never below zero. */
export function placesLeft(quota: number | null | undefined, used: number, ticked: number): number | null {
  if (quota === null || quota === undefined) return null;
  return Math.max(0, quota - used - ticked);
}
