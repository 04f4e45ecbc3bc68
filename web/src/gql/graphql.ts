/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** 一项调整 */
export type AdjustmentItemInput = {
  /** 派驻干部的 id */
  cadreId?: string | null | undefined;
  /** 调出机构的 id (调出、调动、负责人调整) */
  fromAgencyId?: string | null | undefined;
  /** 调整类型 */
  kind: AdjustmentKind;
  /** 新人的信息 (仅调入) */
  newcomer?: NewcomerInput | null | undefined;
  /** 未满两年需调整的特殊理由 (须组织部同意) */
  tenureExceptionReason?: string | null | undefined;
  /** 调入机构的 id (调入、调动、负责人调整) */
  toAgencyId?: string | null | undefined;
};

/** 调整类型: 调入/调出/机构间调动/负责人调整 */
export type AdjustmentKind =
  /** 负责人调整 (须乡镇意见) */
  | 'HEAD_CHANGE'
  /** 调入: 新人派驻到机构 */
  | 'IN'
  /** 调出: 离开派驻岗位 */
  | 'OUT'
  /** 机构间调动 */
  | 'TRANSFER';

/** 调整状态 */
export type AdjustmentStatus =
  /** 已审核通过, 待生效 */
  | 'APPROVED'
  /** 已生效 (名单已变更) */
  | 'EFFECTIVE'
  /** 未通过 */
  | 'REJECTED'
  /** 已提交, 待审核 */
  | 'SUBMITTED';

/** 年龄段 (老中青搭配的口径) */
export type AgeBand =
  /** 中: 35–49 岁 */
  | 'MIDDLE'
  /** 老: 50 岁及以上 */
  | 'OLD'
  /** 青: 35 岁以下 */
  | 'YOUNG';

/** 组织部答复乡镇(街道)的不同意见 */
export type AnswerTownshipOpinionInput = {
  /** 乡镇不同意的那项调整 */
  adjustmentId: string;
  /** 答复理由 (必填) */
  note: string;
  /** true: 说明理由后继续办理; false: 终止本批调整 */
  proceed: boolean;
};

/** 年内调动人员由哪个乡镇考核 */
export type AssessedWhere =
  /** 考核期内在岗天数最多的乡镇 */
  | 'LONGEST_STAY'
  /** 开评时所在乡镇 (默认) */
  | 'TOWNSHIP_AT_OPENING';

/** 名单筛选 */
export type CadreFilter = {
  /** 派驻机构的 id */
  agencyId?: string | null | undefined;
  /** 县直部门 (派出部门)的 id */
  departmentId?: string | null | undefined;
  /** 是否执法人员 */
  isEnforcement?: boolean | null | undefined;
  /** 在本乡镇任职始于该日之前 (任职年限: 满两年方可调整, 见 nextMoveAllowedOn) */
  postedBefore?: string | null | undefined;
  /** 业务条线 (全称, 如 人民调解) */
  professionalLine?: string | null | undefined;
  /** 在岗、请假、借调或已离开 */
  status?: CadreStatus | null | undefined;
  /** 乡镇(街道)的 id */
  townshipId?: string | null | undefined;
};

/** 派驻干部状态 */
export type CadreStatus =
  /** 在岗 */
  | 'IN_POST'
  /** 已离开派驻岗位 (只能经人事调整) */
  | 'LEFT'
  /** 请假 (仍占员额) */
  | 'ON_LEAVE'
  /** 借调 (仍占员额) */
  | 'SECONDED';

/** 回访 */
export type CallbackInput = {
  /** 回访记录 */
  note?: string | null | undefined;
  /** 是否联系上上报人 */
  reached: boolean;
  /** SATISFIED | BASIC | UNSATISFIED */
  satisfaction?: string | null | undefined;
};

/** 考核类型 */
export type CycleKind =
  /** 年度考核 */
  | 'ANNUAL'
  /** 平时考核 (季度或月度) */
  | 'REGULAR';

/** 考核周期状态 */
export type CycleStatus =
  /** 组织部已审定, 结果生效 */
  | 'APPROVED'
  /** 进行中: 评分与评优 */
  | 'OPEN'
  /** 公示中: 异议期内可提出异议 */
  | 'PUBLISHED';

/** 编办审批员额调整 */
export type DecideQuotaChangeInput = {
  /** 是否批准 */
  approve: boolean;
  /** 审批意见 */
  note?: string | null | undefined;
  /** 员额调整申请的 id */
  requestId: string;
};

/** 一个部门在一个考核周期中的评优 */
export type DepartmentFlowInput = {
  /** 考核周期的 id */
  cycleId: string;
  /** 县直部门 (派出部门)的 id */
  departmentId: string;
};

/** 事件处置动作 */
export type EventAction =
  /** 受理 */
  | 'ACCEPT'
  /** 承办单位负责人在本单位内指派 */
  | 'ASSIGN'
  /** 派遣 */
  | 'DISPATCH'
  /** 反馈办理结果 */
  | 'FEEDBACK'
  /** 标为重复事件 */
  | 'MARK_DUPLICATE'
  /** 不予受理 (附理由) */
  | 'REFUSE'
  /** 重新打开 */
  | 'REOPEN'
  /** 退回指挥室 */
  | 'RETURN'
  /** 签收 */
  | 'SIGN'
  /** 开始办理 */
  | 'START'
  /** 核查不通过, 重办 */
  | 'VERIFY_FAIL'
  /** 核查通过, 办结 */
  | 'VERIFY_PASS';

/** 对事件的一次处置 */
export type EventActionInput = {
  /** 处置动作 (须在 allowedActions 内) */
  action: EventAction;
  /** 派遣/指派: 承办人 */
  assigneeCadreId?: string | null | undefined;
  /** 派遣: 协办单位 */
  assistingUnitIds?: Array<string> | null | undefined;
  /** 核查时的回访 */
  callback?: CallbackInput | null | undefined;
  /** 办结原因 (核查通过时) */
  closingReason?: string | null | undefined;
  /** 原事件的 id */
  duplicateOf?: string | null | undefined;
  /** 网格事件的 id */
  eventId: string;
  /** 派遣: 承办单位 */
  leadUnitId?: string | null | undefined;
  /** 理由 (不予受理、退回、非本条线派单等须填) */
  reason?: string | null | undefined;
};

/** 网格事件状态 (lifecycle.py 的状态) */
export type EventState =
  /** 已受理, 待派遣 */
  | 'ACCEPTED'
  /** 核查通过, 已办结 */
  | 'CLOSED'
  /** 已派遣到承办单位 (或个人), 待签收 */
  | 'DISPATCHED'
  /** 重复事件, 关联原事件 */
  | 'DUPLICATE'
  /** 已反馈, 待核查 */
  | 'FEEDBACK'
  /** 办理中 */
  | 'IN_PROGRESS'
  /** 不予受理 (附理由) */
  | 'REFUSED'
  /** 办结后重新打开 */
  | 'REOPENED'
  /** 已上报, 待指挥室受理 */
  | 'REPORTED'
  /** 承办单位退回指挥室 */
  | 'RETURNED'
  /** 已签收 */
  | 'SIGNED';

/** 对本人考核结果提出异议 */
export type FileObjectionInput = {
  /** 对谁的结果提出异议: 不填为本人; 或本部门、本乡镇公示名单上的优秀人员 */
  cadreId?: string | null | undefined;
  /** 考核周期的 id */
  cycleId: string;
  /** 异议内容 (理由) */
  text: string;
};

/** 部门评优进度 (联动化评优的环节) */
export type FlowStatus =
  /** 部门已定 12.5% 优秀并函告乡镇 */
  | 'ROUND1_SENT'
  /** 乡镇已定第二个 12.5% */
  | 'ROUND2_DONE'
  /** 评分中 */
  | 'SCORING'
  /** 已按 40% 入围 */
  | 'SHORTLISTED';

/** 考核等次 */
export type Grade =
  /** 基本称职 */
  | 'BASIC'
  /** 称职 */
  | 'COMPETENT'
  /** 优秀 (两轮各 12.5% 评出) */
  | 'EXCELLENT'
  /** 不称职 */
  | 'INCOMPETENT';

/** 事件筛选 */
export type GridEventFilter = {
  /** 承办人 (派驻干部) 的 id */
  assigneeCadreId?: string | null | undefined;
  /** 部门系统按自己上报时的幂等键查找 (只找本系统上报的事件) */
  idempotencyKey?: string | null | undefined;
  /** 承办单位的 id */
  leadUnitId?: string | null | undefined;
  /** 是否为非本条线派单 (例外) */
  outsideLine?: boolean | null | undefined;
  /** 当前环节是否已超时 */
  overdue?: boolean | null | undefined;
  /** 事件状态 */
  state?: EventState | null | undefined;
  /** 乡镇(街道)的 id */
  townshipId?: string | null | undefined;
};

/** 导入名单 Excel */
export type ImportRosterInput = {
  /** Excel 文件内容 (base64) */
  contentBase64: string;
  /** true: 写入有效行, 返回错误行 */
  partial?: boolean;
};

/** 待办类型 */
export type InboxKind =
  /** 乡镇(街道)不同意见待组织部答复 */
  | 'ADJUSTMENT_TO_ANSWER'
  /** 派驻机构负责人调整待属地乡镇(街道)提出意见 */
  | 'ADJUSTMENT_TO_GIVE_OPINION'
  /** 人事调整已批准，待办理生效 */
  | 'ADJUSTMENT_TO_MAKE_EFFECTIVE'
  /** 人事调整待组织部事前审核 */
  | 'ADJUSTMENT_TO_REVIEW'
  /** 双向推荐 (提拔或后备) 待组织部决定 */
  | 'CAREER_RECOMMENDATION_TO_DECIDE'
  /** 考核结果公示中，公示期满后待组织部审定 */
  | 'CYCLE_TO_APPROVE'
  /** 各部门评优已完成，待组织部公示 */
  | 'CYCLE_TO_PUBLISH'
  /** 考核评分待派驻部门录入 */
  | 'DEPARTMENT_SCORES_TO_ENTER'
  /** 网格事件超时督办 */
  | 'EVENT_ESCALATED'
  /** 网格事件已超时 */
  | 'EVENT_OVERDUE'
  /** 您上报的网格事件已办结 (知悉) */
  | 'EVENT_REPORT_CLOSED'
  /** 您上报的网格事件不予受理或为重复事件 (知悉) */
  | 'EVENT_REPORT_REFUSED'
  /** 网格事件待受理 */
  | 'EVENT_TO_ACCEPT'
  /** 网格事件待指派承办人 */
  | 'EVENT_TO_ASSIGN'
  /** 网格事件待派遣 */
  | 'EVENT_TO_DISPATCH'
  /** 网格事件待反馈办理结果 */
  | 'EVENT_TO_FEED_BACK'
  /** 网格事件待签收 */
  | 'EVENT_TO_SIGN'
  /** 网格事件待开始办理 */
  | 'EVENT_TO_START'
  /** 网格事件待核查 */
  | 'EVENT_TO_VERIFY'
  /** 网格事件即将超时 (预警) */
  | 'EVENT_WARNING'
  /** 评优推荐 (枫桥式派驻中队、优秀派驻干部) 待组织部审定 */
  | 'HONOUR_TO_DECIDE'
  /** 双向任职 (乡镇中层职务) 提议待派驻部门同意 */
  | 'MIDDLE_POST_TO_CONSENT'
  /** 考核公示异议待组织部处理 */
  | 'OBJECTION_TO_RESOLVE'
  /** 员额调整申请待编办审批 */
  | 'QUOTA_REQUEST_TO_DECIDE'
  /** 提醒告知单待答复补员计划 */
  | 'REMINDER_TO_ANSWER'
  /** 集中调整待三方会审表态 */
  | 'RESHUFFLE_TO_REVIEW'
  /** 年度考核结果已公示，公示期内可提出异议 */
  | 'RESULTS_PUBLISHED'
  /** 述职评议会待派驻机构负责人述职 (双述职) */
  | 'REVIEW_TO_REPORT'
  /** 述职评议会待评议打分 */
  | 'REVIEW_TO_SCORE'
  /** 评优第一轮待派驻部门评定并函告乡镇(街道) */
  | 'ROUND1_TO_SUBMIT'
  /** 评优第二轮待乡镇(街道)评定报送 */
  | 'ROUND2_TO_SUBMIT'
  /** 评分已齐，待派驻部门产生评优入围名单 */
  | 'SHORTLIST_TO_MAKE'
  /** 乡镇(街道)对派驻人员的调整建议待派驻部门决定 */
  | 'TOWNSHIP_RECOMMENDATION_TO_DECIDE'
  /** 考核评分待乡镇(街道)录入 */
  | 'TOWNSHIP_SCORES_TO_ENTER';

/** 待办状态 */
export type InboxStatus =
  /** 已办 (由完成它的那一步关闭) */
  | 'DONE'
  /** 待办 */
  | 'OPEN';

/** 发出提醒告知单 */
export type IssueRemindersInput = {
  /** 答复期限 */
  deadline: string;
  /** 县直部门 (派出部门)的 id 列表 */
  departmentIds?: Array<string> | null | undefined;
  /** 说明 */
  note?: string | null | undefined;
};

/** 某类待办发往哪些渠道 */
export type KindChannelsInput = {
  /** 渠道; 空表示不另行通知 */
  channels: Array<NotificationChannel>;
  /** 待办类型 */
  kind: InboxKind;
};

/** 使一批调整生效 */
export type MakeEffectiveInput = {
  /** 调整批次的 id */
  batchId: string;
};

/** 新派驻人员信息 (调入) */
export type NewcomerInput = {
  /** 出生日期 */
  birthDate: string;
  /** 性别 */
  gender?: string;
  /** 身份证号 */
  idNumber?: string | null | undefined;
  /** 姓名 */
  name: string;
  /** 电话 */
  phone?: string | null | undefined;
  /** 条线 */
  professionalLine: string;
};

/** 个人通知渠道 */
export type NotificationChannel =
  /** 钉钉 (浙政钉) 工作通知 */
  | 'DINGTALK'
  /** 电子邮件 */
  | 'EMAIL'
  /** 企业微信应用消息 */
  | 'WECOM';

/** 通知设置 (整体替换) */
export type NotificationSettingsInput = {
  /** 单独设置渠道的待办类型; 未列出的发往所有可达渠道 */
  byKind?: Array<KindChannelsInput>;
  /** 每日汇总 */
  digest?: boolean;
  /** 夜间免打扰 */
  quietHours?: boolean;
};

/** 年度考核: 不填 period; 平时考核: period 为 2026-Q4 或 2026-11 */
export type OpenCycleInput = {
  /** 年内调动人员的考核地 */
  assessedWhere?: AssessedWhere;
  /** 平时考核的期间 (2026-Q4 或 2026-11); 年度考核不填 */
  period?: string | null | undefined;
  /** 名额取整方式 */
  rounding?: Rounding;
  /** 并列处理 */
  ties?: Ties;
  /** 乡镇考核权重 (0–1, 最多三位小数; 部门为其余); 不填时用全县设置 (默认 0.6) */
  townshipShare?: string | null | undefined;
  /** 考核年度 (2000 至明年) */
  year: number;
};

/** 公示考核结果 */
export type PublishInput = {
  /** 考核周期的 id */
  cycleId: string;
  /** 异议期 (天, 默认 5) */
  objectionDays?: number;
};

/** 申请状态 */
export type RequestStatus =
  /** 已批准 */
  | 'APPROVED'
  /** 待审批 */
  | 'PENDING'
  /** 已驳回 */
  | 'REJECTED';

/** 组织部处理异议 */
export type ResolveObjectionInput = {
  /** 改定的等次; 不改时不填 */
  newGrade?: Grade | null | undefined;
  /** 考核异议的 id */
  objectionId: string;
  /** 处理意见 */
  resolution: string;
};

/** 组织部审核一批调整 */
export type ReviewAdjustmentsInput = {
  /** 是否通过 */
  approve: boolean;
  /** 是否同意未满两年的特殊调整 */
  approveTenureException?: boolean;
  /** 调整批次的 id */
  batchId: string;
  /** 审核意见 */
  note?: string | null | undefined;
};

/** 三方会审表态 */
export type ReviewReshuffleInput = {
  /** 是否同意 */
  agree: boolean;
  /** 调整批次的 id */
  batchId: string;
  /** 意见 */
  note?: string | null | undefined;
};

/** 角色 */
export type Role =
  /** 派驻机构负责人 (或平台单位负责人): 单位内指派 */
  | 'AGENCY_HEAD'
  /** 派驻干部: 本人的信息与任务 */
  | 'CADRE'
  /** 综合信息指挥室值班员: 受理、派遣、核查 */
  | 'COMMAND_CENTRE'
  /** 派驻部门管理员: 本部门的派驻干部 */
  | 'DEPARTMENT_ADMIN'
  /** 网格员: 上报事件 */
  | 'GRID_WORKER'
  /** 县领导: 只读 */
  | 'LEADERSHIP'
  /** 组织部: 人事调整审核、考核、干部发展 */
  | 'ORG_DEPARTMENT'
  /** 编办: 员额、名单与提醒告知 */
  | 'STAFFING_OFFICE'
  /** 乡镇(街道)管理员: 本乡镇的派驻干部与平台 */
  | 'TOWNSHIP_ADMIN';

/** 第一轮: 部门评定的优秀人员 */
export type Round1Input = {
  /** 派驻干部的 id 列表 */
  cadreIds: Array<string>;
  /** 考核周期的 id */
  cycleId: string;
  /** 县直部门 (派出部门)的 id */
  departmentId: string;
};

/** 第二轮: 乡镇评定的优秀人员 */
export type Round2Input = {
  /** 派驻干部的 id 列表 */
  cadreIds: Array<string>;
  /** 考核周期的 id */
  cycleId: string;
  /** 县直部门 (派出部门)的 id */
  departmentId: string;
  /** 乡镇(街道)的 id */
  townshipId: string;
};

/** 名额取整方式 (百分比名额不是整数时) */
export type Rounding =
  /** 向上取整 */
  | 'CEIL'
  /** 向下取整 (默认, 名额绝不超比例) */
  | 'FLOOR'
  /** 四舍五入 */
  | 'HALF_UP';

/** 派单推荐的依据 (routing.py, 依次尝试) */
export type RoutingReason =
  /** 在本网格且属该事项条线的派驻干部 */
  | 'GRID_LINE'
  /** 属该事项条线的派驻干部 */
  | 'LINE'
  /** 无可推荐的单位或人员, 由指挥室判断 */
  | 'NONE'
  /** 持有该事项岗位的派驻干部 */
  | 'POST'
  /** 持有该事项岗位且在本网格的派驻干部 */
  | 'POST_AND_GRID'
  /** 设有该事项岗位的单位 (无合适个人) */
  | 'POST_UNIT';

/** 授权范围: 全县/部门/乡镇/机构/本人 */
export type ScopeKind =
  /** 一个派驻机构 (或平台单位) */
  | 'AGENCY'
  /** 全县 */
  | 'COUNTY'
  /** 一个部门 */
  | 'DEPARTMENT'
  /** 本人 */
  | 'SELF'
  /** 一个乡镇(街道) */
  | 'TOWNSHIP';

/** 提交人事调整 (单项，或 reshuffle=true 的集中调整) */
export type SubmitAdjustmentsInput = {
  /** 县直部门 (派出部门)的 id */
  departmentId: string;
  /** 拟生效日期 */
  effectiveDate: string;
  /** 各项调整 */
  items: Array<AdjustmentItemInput>;
  /** 调整理由 */
  reason: string;
  /** 是否为集中调整 (须三方会审) */
  reshuffle?: boolean;
};

/** 名额线上并列的处理 */
export type Ties =
  /** 并列者均不入 (默认) */
  | 'EXCLUDE_TIED'
  /** 先比乡镇评分, 仍并列者均不入 */
  | 'TOWNSHIP_SCORE_THEN_EXCLUDE';

/** 乡镇对负责人调整的意见 */
export type TownshipOpinionInput = {
  /** 负责人调整的 id */
  adjustmentId: string;
  /** 是否同意 */
  agree: boolean;
  /** 意见 */
  note?: string | null | undefined;
};

/** 入驻平台的单位类型 */
export type UnitKind =
  /** 派驻机构 (县直部门派驻乡镇的机构) */
  | 'AGENCY'
  /** 乡镇站所 */
  | 'OFFICE';

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { subject: string, username: string | null, name: string | null, roleBindings: Array<{ role: Role, scopeKind: ScopeKind, scopeId: string | null }> } };

export type CountyOverviewQueryVariables = Exact<{ [key: string]: never; }>;


export type CountyOverviewQuery = { county: Array<{ quota: number, inPost: number, fillRate: number, enforcement: number, enforcementShare: number, young: number, middle: number, old: number, averageAge: number, tenureUnder1: number, tenure1To2: number, tenure2To5: number, tenure5Plus: number }>, byDepartment: Array<{ quota: number, inPost: number, incoming: number, vacancy: number, fillRate: number, department: { id: string, name: string } | null }>, reminderStatistics: { notices: number, closed: number, overdue: number, replenished: number }, reminderNotices: { nodes: Array<{ id: string, deadline: string, vacanciesAtIssue: number, replenished: number, overdue: boolean, status: string, issuedAt: string, department: { name: string } }> } };

export type IssueRemindersMutationVariables = Exact<{
  input: IssueRemindersInput;
}>;


export type IssueRemindersMutation = { issueReminders: { notices: Array<{ id: string, deadline: string, department: { name: string } }> } };

export type QuotaScreenQueryVariables = Exact<{
  departmentId?: string | null | undefined;
  after?: string | null | undefined;
}>;


export type QuotaScreenQuery = { departments: { nodes: Array<{ id: string, name: string, quotaTotal: number }> }, agencies: { nodes: Array<{ id: string, name: string, quota: number, inPost: number, incoming: number, available: number, vacancy: number, township: { name: string }, department: { id: string, name: string } }> }, quotaChangeRequests: { nodes: Array<{ id: string, status: RequestStatus, oldTotal: number, newTotal: number, reason: string, requestedBy: string, requestedAt: string, decidedAt: string | null, decisionNote: string | null, department: { name: string } }> }, adjustments: { nodes: Array<{ id: string, batchId: string, kind: AdjustmentKind, status: AdjustmentStatus, effectiveDate: string, reason: string, tenureExceptionReason: string | null, orgReview: string | null, orgReviewNote: string | null, townshipOpinion: string | null, townshipOpinionNote: string | null, townshipOpinionNeeded: boolean, opinionAnswer: string | null, replenishment: boolean, requestedAt: string, newcomerName: string | null, cadre: { id: string, name: string } | null, fromAgency: { name: string, township: { name: string } } | null, toAgency: { name: string, township: { name: string } } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type AdjustmentBatchQueryVariables = Exact<{
  batchId: string;
}>;


export type AdjustmentBatchQuery = { adjustmentBatch: { batchId: string, pendingSteps: Array<string>, reviews: Array<{ party: string, decision: string | null, decidedBy: string | null, note: string | null }> } };

export type SubmitAdjustmentsMutationVariables = Exact<{
  input: SubmitAdjustmentsInput;
}>;


export type SubmitAdjustmentsMutation = { submitAdjustments: { batch: { batchId: string, pendingSteps: Array<string>, adjustments: Array<{ id: string, status: AdjustmentStatus }> } } };

export type ReviewAdjustmentsMutationVariables = Exact<{
  input: ReviewAdjustmentsInput;
}>;


export type ReviewAdjustmentsMutation = { reviewAdjustments: { batch: { batchId: string, pendingSteps: Array<string> } } };

export type TownshipOpinionMutationVariables = Exact<{
  input: TownshipOpinionInput;
}>;


export type TownshipOpinionMutation = { giveTownshipOpinion: { batch: { batchId: string, pendingSteps: Array<string> } } };

export type AnswerTownshipOpinionMutationVariables = Exact<{
  input: AnswerTownshipOpinionInput;
}>;


export type AnswerTownshipOpinionMutation = { answerTownshipOpinion: { batch: { batchId: string, pendingSteps: Array<string> } } };

export type ReviewReshuffleMutationVariables = Exact<{
  input: ReviewReshuffleInput;
}>;


export type ReviewReshuffleMutation = { reviewReshuffle: { batch: { batchId: string, pendingSteps: Array<string> } } };

export type MakeEffectiveMutationVariables = Exact<{
  input: MakeEffectiveInput;
}>;


export type MakeEffectiveMutation = { makeAdjustmentsEffective: { batch: { batchId: string, pendingSteps: Array<string> } } };

export type DecideQuotaChangeMutationVariables = Exact<{
  input: DecideQuotaChangeInput;
}>;


export type DecideQuotaChangeMutation = { decideQuotaChange: { request: { id: string, status: RequestStatus } } };

export type RosterFiltersQueryVariables = Exact<{ [key: string]: never; }>;


export type RosterFiltersQuery = { departments: { nodes: Array<{ id: string, name: string }> }, townships: { nodes: Array<{ id: string, name: string }> } };

export type RosterPageQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  filter?: CadreFilter | null | undefined;
}>;


export type RosterPageQuery = { cadres: { nodes: Array<{ id: string, name: string, professionalLine: string, isEnforcement: boolean, status: CadreStatus, postedOn: string, ageBand: AgeBand, idNumber: string | null, phone: string | null, sensitiveVisible: boolean, department: { name: string }, township: { name: string }, agency: { name: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type ExportRosterQueryVariables = Exact<{
  filter?: CadreFilter | null | undefined;
}>;


export type ExportRosterQuery = { exportRoster: { filename: string, contentType: string, contentBase64: string } };

export type ImportRosterMutationVariables = Exact<{
  input: ImportRosterInput;
}>;


export type ImportRosterMutation = { importRoster: { ok: boolean, created: number, errors: Array<{ row: number, column: string | null, message: string }> } };

export type MatterTypesQueryVariables = Exact<{ [key: string]: never; }>;


export type MatterTypesQuery = { matterTypes: Array<{ code: string, name: string }> };

export type DispatchBoardQueryVariables = Exact<{
  filter?: GridEventFilter | null | undefined;
  after?: string | null | undefined;
}>;


export type DispatchBoardQuery = { gridEvents: { nodes: Array<{ id: string, matterType: string, priority: string, description: string, location: string | null, state: EventState, source: string, reportedAt: string, allowedActions: Array<EventAction>, township: { id: string, name: string }, leadUnit: { id: string, name: string } | null, assignee: { id: string, name: string } | null, deadline: { phase: string, dueAt: string, warned: boolean, overdue: boolean, escalationLevel: number } | null, recommendation: { reason: RoutingReason, note: string, unit: { id: string, name: string } | null, cadre: { id: string, name: string } | null } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type GridEventDetailQueryVariables = Exact<{
  id: string;
}>;


export type GridEventDetailQuery = { gridEvent: { id: string, matterType: string, priority: string, description: string, location: string | null, state: EventState, source: string, reportedAt: string, closedAt: string | null, closingReason: string | null, allowedActions: Array<EventAction>, outsideLineReason: string | null, township: { id: string, name: string }, leadUnit: { id: string, name: string } | null, assignee: { id: string, name: string } | null, deadline: { phase: string, dueAt: string, warned: boolean, overdue: boolean, escalationLevel: number } | null, recommendation: { reason: RoutingReason, note: string, unit: { id: string, name: string } | null, cadre: { id: string, name: string } | null } | null, history: Array<{ action: string, source: string, target: string, actor: string, reason: string | null, at: string, overdue: boolean | null }> } };

export type PlatformUnitsQueryVariables = Exact<{
  townshipId: string;
}>;


export type PlatformUnitsQuery = { platformUnits: Array<{ id: string, name: string, kind: UnitKind }> };

export type DuplicateCandidatesQueryVariables = Exact<{
  eventId: string;
}>;


export type DuplicateCandidatesQuery = { duplicateCandidates: Array<{ id: string, matterType: string, reportedAt: string, location: string | null }> };

export type ActOnEventMutationVariables = Exact<{
  input: EventActionInput;
}>;


export type ActOnEventMutation = { actOnEvent: { id: string, state: EventState, allowedActions: Array<EventAction> } };

export type AssessmentCyclesQueryVariables = Exact<{ [key: string]: never; }>;


export type AssessmentCyclesQuery = { assessmentCycles: Array<{ id: string, year: number, kind: CycleKind, period: string, status: CycleStatus, townshipShare: number, departmentShare: number, shortlistShare: number, round1Share: number, round2Share: number, objectionDeadline: string | null, rounding: Rounding, ties: Ties, departments: Array<{ status: FlowStatus, shortlistQuota: number | null, round1Quota: number | null, department: { id: string, name: string } }> }> };

export type OpenCycleMutationVariables = Exact<{
  input: OpenCycleInput;
}>;


export type OpenCycleMutation = { openAssessmentCycle: { id: string, year: number, status: CycleStatus } };

export type CycleMembersQueryVariables = Exact<{
  cycleId: string;
  departmentId?: string | null | undefined;
  townshipId?: string | null | undefined;
  after?: string | null | undefined;
}>;


export type CycleMembersQuery = { cycleMembers: { nodes: Array<{ townshipScore: string | null, departmentScore: string | null, total: string | null, shortlisted: boolean, excellentRound: number | null, grade: Grade | null, excused: boolean, cadre: { id: string, name: string, township: { name: string }, department: { name: string } }, township: { id: string }, department: { id: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type ExcellencePlacesQueryVariables = Exact<{
  cycleId: string;
  departmentId: string;
}>;


export type ExcellencePlacesQuery = { excellencePlaces: { status: FlowStatus, round1Quota: number | null, round1Used: number, round1Remaining: number | null, townships: Array<{ quota: number, used: number, remaining: number, submitted: boolean, township: { id: string, name: string } }> } };

export type MakeShortlistMutationVariables = Exact<{
  input: DepartmentFlowInput;
}>;


export type MakeShortlistMutation = { makeExcellenceShortlist: { status: FlowStatus, shortlistQuota: number | null, round1Quota: number | null, department: { id: string } } };

export type SubmitRound1MutationVariables = Exact<{
  input: Round1Input;
}>;


export type SubmitRound1Mutation = { submitExcellenceRound1: { status: FlowStatus, round1Quota: number | null, department: { id: string } } };

export type SubmitRound2MutationVariables = Exact<{
  input: Round2Input;
}>;


export type SubmitRound2Mutation = { submitExcellenceRound2: { quota: number, used: number, remaining: number, submitted: boolean, township: { id: string } } };

export type PublishResultsMutationVariables = Exact<{
  input: PublishInput;
}>;


export type PublishResultsMutation = { publishAssessmentResults: { id: string, status: CycleStatus, objectionDeadline: string | null } };

export type ObjectionsQueryVariables = Exact<{
  cycleId: string;
  openOnly: boolean;
}>;


export type ObjectionsQuery = { assessmentObjections: Array<{ id: string, text: string, filedAt: string, resolution: string | null, resolvedBy: string | null, aboutName: string | null, cadre: { id: string, name: string, township: { name: string }, department: { name: string } }, about: { id: string } | null }> };

export type PublicityListQueryVariables = Exact<{
  cycleId: string;
  after?: string | null | undefined;
}>;


export type PublicityListQuery = { publicityList: { nodes: Array<{ name: string, agencyName: string | null, excellentRound: number | null, cadre: { id: string } | null, department: { name: string }, township: { name: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type FileObjectionMutationVariables = Exact<{
  input: FileObjectionInput;
}>;


export type FileObjectionMutation = { fileAssessmentObjection: { id: string, text: string, resolution: string | null } };

export type ResolveObjectionMutationVariables = Exact<{
  input: ResolveObjectionInput;
}>;


export type ResolveObjectionMutation = { resolveAssessmentObjection: { id: string, resolution: string | null } };

export type ApproveResultsMutationVariables = Exact<{
  input: PublishInput;
}>;


export type ApproveResultsMutation = { approveAssessmentResults: { id: string, status: CycleStatus } };

export type MyPageQueryVariables = Exact<{
  cadreId: string;
}>;


export type MyPageQuery = { cadre: { id: string, name: string, professionalLine: string, isEnforcement: boolean, status: CadreStatus, postedOn: string, nextMoveAllowedOn: string, ageBand: AgeBand, idNumber: string | null, phone: string | null, politicalStatus: string | null, rank: string | null, education: string | null, enforcementCertNo: string | null, enforcementCertExpiry: string | null, department: { name: string }, township: { name: string }, agency: { name: string }, postings: Array<{ role: string, startDate: string, endDate: string | null, agency: { name: string, township: { name: string } } }>, assessmentResults: Array<{ year: number, grade: string | null }> | null }, gridEvents: { nodes: Array<{ id: string, matterType: string, state: EventState, reportedAt: string, deadline: { dueAt: string, overdue: boolean, warned: boolean } | null }> } };

export type InboxSummaryQueryVariables = Exact<{ [key: string]: never; }>;


export type InboxSummaryQuery = { myInboxSummary: { open: number, overdue: number } };

export type NotificationSettingsQueryVariables = Exact<{ [key: string]: never; }>;


export type NotificationSettingsQuery = { myNotificationSettings: { digest: boolean, quietHours: boolean, reachable: Array<NotificationChannel>, byKind: Array<{ kind: InboxKind, channels: Array<NotificationChannel> }> } };

export type SetNotificationSettingsMutationVariables = Exact<{
  input: NotificationSettingsInput;
}>;


export type SetNotificationSettingsMutation = { setNotificationSettings: { digest: boolean, quietHours: boolean, reachable: Array<NotificationChannel>, byKind: Array<{ kind: InboxKind, channels: Array<NotificationChannel> }> } };

export type InboxQueryVariables = Exact<{
  status?: InboxStatus | null | undefined;
  after?: string | null | undefined;
}>;


export type InboxQuery = { myInbox: { nodes: Array<{ id: string, kind: InboxKind, title: string, link: string, dueAt: string | null, createdAt: string, doneAt: string | null, urgent: boolean, information: boolean }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type MarkInboxItemReadMutationVariables = Exact<{
  id: string;
}>;


export type MarkInboxItemReadMutation = { markInboxItemRead: { id: string, doneAt: string | null } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const MeDocument = new TypedDocumentString(`
    query Me {
  me {
    subject
    username
    name
    roleBindings {
      role
      scopeKind
      scopeId
    }
  }
}
    `) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const CountyOverviewDocument = new TypedDocumentString(`
    query CountyOverview {
  county: rosterStructure(by: COUNTY) {
    quota
    inPost
    fillRate
    enforcement
    enforcementShare
    young
    middle
    old
    averageAge
    tenureUnder1
    tenure1To2
    tenure2To5
    tenure5Plus
  }
  byDepartment: vacancies(by: DEPARTMENT) {
    department {
      id
      name
    }
    quota
    inPost
    incoming
    vacancy
    fillRate
  }
  reminderStatistics {
    notices
    closed
    overdue
    replenished
  }
  reminderNotices(openOnly: true, first: 50) {
    nodes {
      id
      deadline
      vacanciesAtIssue
      replenished
      overdue
      status
      issuedAt
      department {
        name
      }
    }
  }
}
    `) as unknown as TypedDocumentString<CountyOverviewQuery, CountyOverviewQueryVariables>;
export const IssueRemindersDocument = new TypedDocumentString(`
    mutation IssueReminders($input: IssueRemindersInput!) {
  issueReminders(input: $input) {
    notices {
      id
      deadline
      department {
        name
      }
    }
  }
}
    `) as unknown as TypedDocumentString<IssueRemindersMutation, IssueRemindersMutationVariables>;
export const QuotaScreenDocument = new TypedDocumentString(`
    query QuotaScreen($departmentId: ID, $after: String) {
  departments(first: 50) {
    nodes {
      id
      name
      quotaTotal
    }
  }
  agencies(first: 100, departmentId: $departmentId) {
    nodes {
      id
      name
      quota
      inPost
      incoming
      available
      vacancy
      township {
        name
      }
      department {
        id
        name
      }
    }
  }
  quotaChangeRequests(first: 20) {
    nodes {
      id
      status
      oldTotal
      newTotal
      reason
      requestedBy
      requestedAt
      decidedAt
      decisionNote
      department {
        name
      }
    }
  }
  adjustments(first: 20, after: $after, departmentId: $departmentId) {
    nodes {
      id
      batchId
      kind
      status
      effectiveDate
      reason
      tenureExceptionReason
      orgReview
      orgReviewNote
      townshipOpinion
      townshipOpinionNote
      townshipOpinionNeeded
      opinionAnswer
      replenishment
      requestedAt
      newcomerName
      cadre {
        id
        name
      }
      fromAgency {
        name
        township {
          name
        }
      }
      toAgency {
        name
        township {
          name
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<QuotaScreenQuery, QuotaScreenQueryVariables>;
export const AdjustmentBatchDocument = new TypedDocumentString(`
    query AdjustmentBatch($batchId: ID!) {
  adjustmentBatch(batchId: $batchId) {
    batchId
    pendingSteps
    reviews {
      party
      decision
      decidedBy
      note
    }
  }
}
    `) as unknown as TypedDocumentString<AdjustmentBatchQuery, AdjustmentBatchQueryVariables>;
export const SubmitAdjustmentsDocument = new TypedDocumentString(`
    mutation SubmitAdjustments($input: SubmitAdjustmentsInput!) {
  submitAdjustments(input: $input) {
    batch {
      batchId
      pendingSteps
      adjustments {
        id
        status
      }
    }
  }
}
    `) as unknown as TypedDocumentString<SubmitAdjustmentsMutation, SubmitAdjustmentsMutationVariables>;
export const ReviewAdjustmentsDocument = new TypedDocumentString(`
    mutation ReviewAdjustments($input: ReviewAdjustmentsInput!) {
  reviewAdjustments(input: $input) {
    batch {
      batchId
      pendingSteps
    }
  }
}
    `) as unknown as TypedDocumentString<ReviewAdjustmentsMutation, ReviewAdjustmentsMutationVariables>;
export const TownshipOpinionDocument = new TypedDocumentString(`
    mutation TownshipOpinion($input: TownshipOpinionInput!) {
  giveTownshipOpinion(input: $input) {
    batch {
      batchId
      pendingSteps
    }
  }
}
    `) as unknown as TypedDocumentString<TownshipOpinionMutation, TownshipOpinionMutationVariables>;
export const AnswerTownshipOpinionDocument = new TypedDocumentString(`
    mutation AnswerTownshipOpinion($input: AnswerTownshipOpinionInput!) {
  answerTownshipOpinion(input: $input) {
    batch {
      batchId
      pendingSteps
    }
  }
}
    `) as unknown as TypedDocumentString<AnswerTownshipOpinionMutation, AnswerTownshipOpinionMutationVariables>;
export const ReviewReshuffleDocument = new TypedDocumentString(`
    mutation ReviewReshuffle($input: ReviewReshuffleInput!) {
  reviewReshuffle(input: $input) {
    batch {
      batchId
      pendingSteps
    }
  }
}
    `) as unknown as TypedDocumentString<ReviewReshuffleMutation, ReviewReshuffleMutationVariables>;
export const MakeEffectiveDocument = new TypedDocumentString(`
    mutation MakeEffective($input: MakeEffectiveInput!) {
  makeAdjustmentsEffective(input: $input) {
    batch {
      batchId
      pendingSteps
    }
  }
}
    `) as unknown as TypedDocumentString<MakeEffectiveMutation, MakeEffectiveMutationVariables>;
export const DecideQuotaChangeDocument = new TypedDocumentString(`
    mutation DecideQuotaChange($input: DecideQuotaChangeInput!) {
  decideQuotaChange(input: $input) {
    request {
      id
      status
    }
  }
}
    `) as unknown as TypedDocumentString<DecideQuotaChangeMutation, DecideQuotaChangeMutationVariables>;
export const RosterFiltersDocument = new TypedDocumentString(`
    query RosterFilters {
  departments(first: 50) {
    nodes {
      id
      name
    }
  }
  townships(first: 50) {
    nodes {
      id
      name
    }
  }
}
    `) as unknown as TypedDocumentString<RosterFiltersQuery, RosterFiltersQueryVariables>;
export const RosterPageDocument = new TypedDocumentString(`
    query RosterPage($first: Int!, $after: String, $filter: CadreFilter) {
  cadres(first: $first, after: $after, filter: $filter) {
    nodes {
      id
      name
      professionalLine
      isEnforcement
      status
      postedOn
      ageBand
      idNumber
      phone
      sensitiveVisible
      department {
        name
      }
      township {
        name
      }
      agency {
        name
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<RosterPageQuery, RosterPageQueryVariables>;
export const ExportRosterDocument = new TypedDocumentString(`
    query ExportRoster($filter: CadreFilter) {
  exportRoster(filter: $filter) {
    filename
    contentType
    contentBase64
  }
}
    `) as unknown as TypedDocumentString<ExportRosterQuery, ExportRosterQueryVariables>;
export const ImportRosterDocument = new TypedDocumentString(`
    mutation ImportRoster($input: ImportRosterInput!) {
  importRoster(input: $input) {
    ok
    created
    errors {
      row
      column
      message
    }
  }
}
    `) as unknown as TypedDocumentString<ImportRosterMutation, ImportRosterMutationVariables>;
export const MatterTypesDocument = new TypedDocumentString(`
    query MatterTypes {
  matterTypes {
    code
    name
  }
}
    `) as unknown as TypedDocumentString<MatterTypesQuery, MatterTypesQueryVariables>;
export const DispatchBoardDocument = new TypedDocumentString(`
    query DispatchBoard($filter: GridEventFilter, $after: String) {
  gridEvents(first: 50, after: $after, filter: $filter) {
    nodes {
      id
      matterType
      priority
      description
      location
      state
      source
      reportedAt
      allowedActions
      township {
        id
        name
      }
      leadUnit {
        id
        name
      }
      assignee {
        id
        name
      }
      deadline {
        phase
        dueAt
        warned
        overdue
        escalationLevel
      }
      recommendation {
        unit {
          id
          name
        }
        cadre {
          id
          name
        }
        reason
        note
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<DispatchBoardQuery, DispatchBoardQueryVariables>;
export const GridEventDetailDocument = new TypedDocumentString(`
    query GridEventDetail($id: ID!) {
  gridEvent(id: $id) {
    id
    matterType
    priority
    description
    location
    state
    source
    reportedAt
    closedAt
    closingReason
    allowedActions
    outsideLineReason
    township {
      id
      name
    }
    leadUnit {
      id
      name
    }
    assignee {
      id
      name
    }
    deadline {
      phase
      dueAt
      warned
      overdue
      escalationLevel
    }
    recommendation {
      unit {
        id
        name
      }
      cadre {
        id
        name
      }
      reason
      note
    }
    history {
      action
      source
      target
      actor
      reason
      at
      overdue
    }
  }
}
    `) as unknown as TypedDocumentString<GridEventDetailQuery, GridEventDetailQueryVariables>;
export const PlatformUnitsDocument = new TypedDocumentString(`
    query PlatformUnits($townshipId: ID!) {
  platformUnits(townshipId: $townshipId) {
    id
    name
    kind
  }
}
    `) as unknown as TypedDocumentString<PlatformUnitsQuery, PlatformUnitsQueryVariables>;
export const DuplicateCandidatesDocument = new TypedDocumentString(`
    query DuplicateCandidates($eventId: ID!) {
  duplicateCandidates(eventId: $eventId) {
    id
    matterType
    reportedAt
    location
  }
}
    `) as unknown as TypedDocumentString<DuplicateCandidatesQuery, DuplicateCandidatesQueryVariables>;
export const ActOnEventDocument = new TypedDocumentString(`
    mutation ActOnEvent($input: EventActionInput!) {
  actOnEvent(input: $input) {
    id
    state
    allowedActions
  }
}
    `) as unknown as TypedDocumentString<ActOnEventMutation, ActOnEventMutationVariables>;
export const AssessmentCyclesDocument = new TypedDocumentString(`
    query AssessmentCycles {
  assessmentCycles {
    id
    year
    kind
    period
    status
    townshipShare
    departmentShare
    shortlistShare
    round1Share
    round2Share
    objectionDeadline
    rounding
    ties
    departments {
      department {
        id
        name
      }
      status
      shortlistQuota
      round1Quota
    }
  }
}
    `) as unknown as TypedDocumentString<AssessmentCyclesQuery, AssessmentCyclesQueryVariables>;
export const OpenCycleDocument = new TypedDocumentString(`
    mutation OpenCycle($input: OpenCycleInput!) {
  openAssessmentCycle(input: $input) {
    id
    year
    status
  }
}
    `) as unknown as TypedDocumentString<OpenCycleMutation, OpenCycleMutationVariables>;
export const CycleMembersDocument = new TypedDocumentString(`
    query CycleMembers($cycleId: ID!, $departmentId: ID, $townshipId: ID, $after: String) {
  cycleMembers(
    cycleId: $cycleId
    first: 100
    after: $after
    departmentId: $departmentId
    townshipId: $townshipId
  ) {
    nodes {
      cadre {
        id
        name
        township {
          name
        }
        department {
          name
        }
      }
      township {
        id
      }
      department {
        id
      }
      townshipScore
      departmentScore
      total
      shortlisted
      excellentRound
      grade
      excused
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<CycleMembersQuery, CycleMembersQueryVariables>;
export const ExcellencePlacesDocument = new TypedDocumentString(`
    query ExcellencePlaces($cycleId: ID!, $departmentId: ID!) {
  excellencePlaces(cycleId: $cycleId, departmentId: $departmentId) {
    status
    round1Quota
    round1Used
    round1Remaining
    townships {
      township {
        id
        name
      }
      quota
      used
      remaining
      submitted
    }
  }
}
    `) as unknown as TypedDocumentString<ExcellencePlacesQuery, ExcellencePlacesQueryVariables>;
export const MakeShortlistDocument = new TypedDocumentString(`
    mutation MakeShortlist($input: DepartmentFlowInput!) {
  makeExcellenceShortlist(input: $input) {
    department {
      id
    }
    status
    shortlistQuota
    round1Quota
  }
}
    `) as unknown as TypedDocumentString<MakeShortlistMutation, MakeShortlistMutationVariables>;
export const SubmitRound1Document = new TypedDocumentString(`
    mutation SubmitRound1($input: Round1Input!) {
  submitExcellenceRound1(input: $input) {
    department {
      id
    }
    status
    round1Quota
  }
}
    `) as unknown as TypedDocumentString<SubmitRound1Mutation, SubmitRound1MutationVariables>;
export const SubmitRound2Document = new TypedDocumentString(`
    mutation SubmitRound2($input: Round2Input!) {
  submitExcellenceRound2(input: $input) {
    township {
      id
    }
    quota
    used
    remaining
    submitted
  }
}
    `) as unknown as TypedDocumentString<SubmitRound2Mutation, SubmitRound2MutationVariables>;
export const PublishResultsDocument = new TypedDocumentString(`
    mutation PublishResults($input: PublishInput!) {
  publishAssessmentResults(input: $input) {
    id
    status
    objectionDeadline
  }
}
    `) as unknown as TypedDocumentString<PublishResultsMutation, PublishResultsMutationVariables>;
export const ObjectionsDocument = new TypedDocumentString(`
    query Objections($cycleId: ID!, $openOnly: Boolean!) {
  assessmentObjections(cycleId: $cycleId, openOnly: $openOnly) {
    id
    text
    filedAt
    resolution
    resolvedBy
    cadre {
      id
      name
      township {
        name
      }
      department {
        name
      }
    }
    about {
      id
    }
    aboutName
  }
}
    `) as unknown as TypedDocumentString<ObjectionsQuery, ObjectionsQueryVariables>;
export const PublicityListDocument = new TypedDocumentString(`
    query PublicityList($cycleId: ID!, $after: String) {
  publicityList(cycleId: $cycleId, first: 100, after: $after) {
    nodes {
      name
      agencyName
      excellentRound
      cadre {
        id
      }
      department {
        name
      }
      township {
        name
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<PublicityListQuery, PublicityListQueryVariables>;
export const FileObjectionDocument = new TypedDocumentString(`
    mutation FileObjection($input: FileObjectionInput!) {
  fileAssessmentObjection(input: $input) {
    id
    text
    resolution
  }
}
    `) as unknown as TypedDocumentString<FileObjectionMutation, FileObjectionMutationVariables>;
export const ResolveObjectionDocument = new TypedDocumentString(`
    mutation ResolveObjection($input: ResolveObjectionInput!) {
  resolveAssessmentObjection(input: $input) {
    id
    resolution
  }
}
    `) as unknown as TypedDocumentString<ResolveObjectionMutation, ResolveObjectionMutationVariables>;
export const ApproveResultsDocument = new TypedDocumentString(`
    mutation ApproveResults($input: PublishInput!) {
  approveAssessmentResults(input: $input) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<ApproveResultsMutation, ApproveResultsMutationVariables>;
export const MyPageDocument = new TypedDocumentString(`
    query MyPage($cadreId: ID!) {
  cadre(id: $cadreId) {
    id
    name
    professionalLine
    isEnforcement
    status
    postedOn
    nextMoveAllowedOn
    ageBand
    idNumber
    phone
    politicalStatus
    rank
    education
    enforcementCertNo
    enforcementCertExpiry
    department {
      name
    }
    township {
      name
    }
    agency {
      name
    }
    postings {
      role
      startDate
      endDate
      agency {
        name
        township {
          name
        }
      }
    }
    assessmentResults {
      year
      grade
    }
  }
  gridEvents(first: 20, filter: {assigneeCadreId: $cadreId}) {
    nodes {
      id
      matterType
      state
      reportedAt
      deadline {
        dueAt
        overdue
        warned
      }
    }
  }
}
    `) as unknown as TypedDocumentString<MyPageQuery, MyPageQueryVariables>;
export const InboxSummaryDocument = new TypedDocumentString(`
    query InboxSummary {
  myInboxSummary {
    open
    overdue
  }
}
    `) as unknown as TypedDocumentString<InboxSummaryQuery, InboxSummaryQueryVariables>;
export const NotificationSettingsDocument = new TypedDocumentString(`
    query NotificationSettings {
  myNotificationSettings {
    digest
    quietHours
    reachable
    byKind {
      kind
      channels
    }
  }
}
    `) as unknown as TypedDocumentString<NotificationSettingsQuery, NotificationSettingsQueryVariables>;
export const SetNotificationSettingsDocument = new TypedDocumentString(`
    mutation SetNotificationSettings($input: NotificationSettingsInput!) {
  setNotificationSettings(input: $input) {
    digest
    quietHours
    reachable
    byKind {
      kind
      channels
    }
  }
}
    `) as unknown as TypedDocumentString<SetNotificationSettingsMutation, SetNotificationSettingsMutationVariables>;
export const InboxDocument = new TypedDocumentString(`
    query Inbox($status: InboxStatus, $after: String) {
  myInbox(first: 50, after: $after, filter: {status: $status}) {
    nodes {
      id
      kind
      title
      link
      dueAt
      createdAt
      doneAt
      urgent
      information
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<InboxQuery, InboxQueryVariables>;
export const MarkInboxItemReadDocument = new TypedDocumentString(`
    mutation MarkInboxItemRead($id: ID!) {
  markInboxItemRead(id: $id) {
    id
    doneAt
  }
}
    `) as unknown as TypedDocumentString<MarkInboxItemReadMutation, MarkInboxItemReadMutationVariables>;