/** An adjustment's way through its steps (提交 → 组织部事前审核 → 属地意见 → 三方会审 → 生效), as
 * the screen draws it. Head changes (and moving a sitting head out) ask the township; its opinion is
 * advice, so a disagreement adds 组织部's answer as a step. The other steps are the same for all. */

export const KIND_NAMES: Record<string, string> = { IN: '调入', OUT: '调出', TRANSFER: '调动', HEAD_CHANGE: '负责人调整' };
export const STATUS_NAMES: Record<string, string> = { SUBMITTED: '审核中', APPROVED: '已批准', REJECTED: '未通过', EFFECTIVE: '已生效' };

export type StepState = 'done' | 'current' | 'refused' | 'todo';

export interface StepInput {
  kind: string;
  status: string;
  orgReview?: string | null;
  townshipOpinion?: string | null;
  townshipOpinionNeeded?: boolean | null;
  opinionAnswer?: string | null;
}

export function adjustmentSteps(a: StepInput): { key: string; label: string; state: StepState }[] {
  const refused = a.status === 'REJECTED';
  const steps: { key: string; label: string; state: StepState }[] = [{ key: 'submit', label: '提交', state: 'done' }];
  const org: StepState = a.orgReview === 'APPROVED' ? 'done' : a.orgReview === 'REJECTED' ? 'refused' : 'todo';
  steps.push({ key: 'org', label: '组织部审核', state: org });
  if (a.townshipOpinionNeeded ?? a.kind === 'HEAD_CHANGE') {
    steps.push({ key: 'township', label: a.townshipOpinion === 'DISAGREE' ? '属地意见（不同意）' : '属地意见',
      state: a.townshipOpinion ? 'done' : 'todo' });
    if (a.townshipOpinion === 'DISAGREE') {
      const answered: StepState = a.opinionAnswer == null ? 'todo' : refused ? 'refused' : 'done';
      steps.push({ key: 'answer', label: '组织部答复', state: answered });
    }
  }
  steps.push({ key: 'effective', label: '生效', state: a.status === 'EFFECTIVE' ? 'done' : 'todo' });
  if (!refused) {
    const next = steps.find((s) => s.state === 'todo');
    if (next) next.state = 'current';
  }
  return steps;
}
