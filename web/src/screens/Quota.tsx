import { useMemo, useState } from 'react';
import { request } from '../api/client';
import { useMutation, useQuery } from '../api/hooks';
import {
  AdjustmentBatchQuery, DecideQuotaChangeMutation, MakeEffectiveMutation, QuotaScreenQuery, ReviewAdjustmentsMutation,
  ReviewReshuffleMutation, RosterPageQuery, SubmitAdjustmentsMutation, TownshipOpinionMutation, AnswerTownshipOpinionMutation,
} from '../api/operations';
import { Empty, ErrorBox, Guard } from '../components/State';
import { date, dateTime } from '../format';
import type { AdjustmentBatchQuery as BatchData, QuotaScreenQuery as Data } from '../gql/graphql';
import { scopeOf, type Binding } from '../roles';
import { adjustmentSteps, KIND_NAMES, STATUS_NAMES } from './adjustmentSteps';

type Adjustment = Data['adjustments']['nodes'][number];

/** 编制与调整 — the ledger per department → agency, quota change requests and their decisions,
 * and personnel adjustments through their steps. */
export function QuotaScreen({ bindings }: { bindings: Binding[] }) {
  const ownDepartment = scopeOf(bindings, 'DEPARTMENT_ADMIN');
  const [departmentId, setDepartmentId] = useState<string | undefined>(ownDepartment);
  const state = useQuery(QuotaScreenQuery, { departmentId: departmentId ?? null });
  const roles = new Set(bindings.map((b) => b.role));
  return (
    <section>
      <h1>编制与调整</h1>
      <Guard state={state}>{(data) => (
        <>
          {!ownDepartment && (
            <label className="filter">部门
              <select value={departmentId ?? ''} onChange={(e) => setDepartmentId(e.target.value || undefined)} id="quota-department">
                <option value="">全部部门</option>
                {data.departments.nodes.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
              </select>
            </label>
          )}
          <Ledger data={data} />
          <QuotaRequests data={data} canDecide={roles.has('STAFFING_OFFICE')} onChange={state.reload} />
          {ownDepartment && <SubmitAdjustment departmentId={ownDepartment} agencies={data.agencies.nodes} onDone={state.reload} />}
          <Adjustments rows={data.adjustments.nodes} bindings={bindings} onChange={state.reload} />
        </>
      )}</Guard>
    </section>
  );
}

function Ledger({ data }: { data: Data }) {
  const byDepartment = useMemo(() => {
    const groups = new Map<string, { name: string; rows: Data['agencies']['nodes'] }>();
    for (const a of data.agencies.nodes) {
      const g = groups.get(a.department.id) ?? { name: a.department.name, rows: [] };
      g.rows.push(a);
      groups.set(a.department.id, g);
    }
    return [...groups.entries()];
  }, [data.agencies.nodes]);
  const totals = new Map(data.departments.nodes.map((d) => [d.id, d.quotaTotal]));
  if (byDepartment.length === 0) return <Empty>没有可查看的派驻机构。</Empty>;
  return (
    <div className="panel" id="ledger">
      <h2>编制台账</h2>
      {byDepartment.map(([id, g]) => (
        <details key={id} open={byDepartment.length === 1}>
          <summary>{g.name}：核定 {totals.get(id) ?? '—'} 名，在岗 {g.rows.reduce((s, a) => s + a.inPost, 0)} 名，
            待到岗 {g.rows.reduce((s, a) => s + a.incoming, 0)} 名</summary>
          <table className="table">
            <thead><tr><th>派驻机构</th><th>乡镇</th><th>编制</th><th>在岗</th><th>待到岗</th><th>可用</th><th>空缺</th></tr></thead>
            <tbody>{g.rows.map((a) => (
              <tr key={a.id}><td>{a.name}</td><td>{a.township.name}</td><td>{a.quota}</td><td>{a.inPost}</td>
                <td>{a.incoming}</td><td>{a.available}</td><td>{a.vacancy}</td></tr>
            ))}</tbody>
          </table>
        </details>
      ))}
    </div>
  );
}

const REQUEST_STATUS: Record<string, string> = { PENDING: '待审批', APPROVED: '已批准', REJECTED: '已驳回' };

function QuotaRequests({ data, canDecide, onChange }: { data: Data; canDecide: boolean; onChange: () => void }) {
  const [decide, state] = useMutation(DecideQuotaChangeMutation);
  const rows = data.quotaChangeRequests.nodes;
  return (
    <div className="panel" id="quota-requests">
      <h2>编制调整申请</h2>
      {state.error ? <ErrorBox error={state.error} /> : null}
      {rows.length === 0 ? <Empty>没有编制调整申请。</Empty> : (
        <table className="table">
          <thead><tr><th>部门</th><th>原编制</th><th>申请编制</th><th>理由</th><th>申请时间</th><th>状态</th><th /></tr></thead>
          <tbody>{rows.map((r) => (
            <tr key={r.id}>
              <td>{r.department.name}</td><td>{r.oldTotal}</td><td>{r.newTotal}</td><td>{r.reason}</td>
              <td>{dateTime(r.requestedAt)}</td>
              <td>{REQUEST_STATUS[r.status] ?? r.status}{r.decisionNote ? `（${r.decisionNote}）` : ''}</td>
              <td>{canDecide && r.status === 'PENDING' && (
                <span className="actions">
                  <button type="button" disabled={state.busy}
                    onClick={async () => { if (await decide({ input: { requestId: r.id, approve: true } })) onChange(); }}>批准</button>
                  <button type="button" disabled={state.busy}
                    onClick={async () => { if (await decide({ input: { requestId: r.id, approve: false } })) onChange(); }}>驳回</button>
                </span>
              )}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
    </div>
  );
}

function SubmitAdjustment({ departmentId, agencies, onDone }: {
  departmentId: string; agencies: Data['agencies']['nodes']; onDone: () => void;
}) {
  const [fromAgencyId, setFrom] = useState('');
  const [cadreId, setCadre] = useState('');
  const [toAgencyId, setTo] = useState('');
  const [effectiveDate, setDate] = useState(new Date().toISOString().slice(0, 10));
  const [reason, setReason] = useState('');
  const [exception, setException] = useState('');
  const people = useQuery(RosterPageQuery, { first: 100, after: null, filter: { agencyId: fromAgencyId || null } },
    { skip: !fromAgencyId });
  const [submit, state] = useMutation(SubmitAdjustmentsMutation);
  const mine = agencies.filter((a) => a.department.id === departmentId);
  return (
    <form className="panel form" id="submit-adjustment" onSubmit={async (e) => {
      e.preventDefault();
      const ok = await submit({ input: {
        departmentId, effectiveDate, reason, reshuffle: false,
        items: [{ kind: 'TRANSFER', cadreId, fromAgencyId, toAgencyId, tenureExceptionReason: exception || null }],
      } });
      if (ok) onDone();
    }}>
      <h2>提出人员调整（调动）</h2>
      <label>调出机构<select name="from" value={fromAgencyId} required onChange={(e) => { setFrom(e.target.value); setCadre(''); }}>
        <option value="">请选择</option>
        {mine.map((a) => <option key={a.id} value={a.id}>{a.township.name} · {a.name}</option>)}
      </select></label>
      <label>人员<select name="cadre" value={cadreId} required onChange={(e) => setCadre(e.target.value)}>
        <option value="">请选择</option>
        {people.data?.cadres.nodes.map((c) => <option key={c.id} value={c.id}>{c.name}（派驻于 {date(c.postedOn)}）</option>)}
      </select></label>
      <label>调入机构<select name="to" value={toAgencyId} required onChange={(e) => setTo(e.target.value)}>
        <option value="">请选择</option>
        {mine.filter((a) => a.id !== fromAgencyId).map((a) => (
          <option key={a.id} value={a.id}>{a.township.name} · {a.name}（可用 {a.available}）</option>
        ))}
      </select></label>
      <label>生效日期<input type="date" name="effectiveDate" value={effectiveDate} required onChange={(e) => setDate(e.target.value)} /></label>
      <label>调整理由<input name="reason" value={reason} required maxLength={500} onChange={(e) => setReason(e.target.value)} /></label>
      <label>未满两年的例外理由（可选）<input name="exception" value={exception} maxLength={500} onChange={(e) => setException(e.target.value)} /></label>
      <button type="submit" className="primary" disabled={state.busy}>提交</button>
      {state.error ? <ErrorBox error={state.error} /> : null}
      {state.result && <p className="ok" role="status">已提交，待组织部事前审核。</p>}
    </form>
  );
}

function Adjustments({ rows, bindings, onChange }: { rows: Adjustment[]; bindings: Binding[]; onChange: () => void }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div className="panel" id="adjustments">
      <h2>人事调整</h2>
      {rows.length === 0 ? <Empty>没有人事调整记录。</Empty> : (
        <table className="table">
          <thead><tr><th>类型</th><th>人员</th><th>调出</th><th>调入</th><th>生效日期</th><th>进度</th><th /></tr></thead>
          <tbody>{rows.map((a) => (
            <AdjustmentRow key={a.id} a={a} open={open === a.id} onToggle={() => setOpen(open === a.id ? null : a.id)}
              bindings={bindings} onChange={onChange} />
          ))}</tbody>
        </table>
      )}
    </div>
  );
}

function AdjustmentRow({ a, open, onToggle, bindings, onChange }: {
  a: Adjustment; open: boolean; onToggle: () => void; bindings: Binding[]; onChange: () => void;
}) {
  const steps = adjustmentSteps(a);
  return (
    <>
      <tr className="adjustment" data-status={a.status}>
        <td>{KIND_NAMES[a.kind] ?? a.kind}</td>
        <td>{a.cadre?.name ?? a.newcomerName ?? '—'}</td>
        <td>{a.fromAgency ? `${a.fromAgency.township.name} · ${a.fromAgency.name}` : '—'}</td>
        <td>{a.toAgency ? `${a.toAgency.township.name} · ${a.toAgency.name}` : '—'}</td>
        <td>{date(a.effectiveDate)}</td>
        <td><ol className="steps">{steps.map((s) => <li key={s.key} className={s.state}>{s.label}</li>)}</ol>
          <span className="badge">{STATUS_NAMES[a.status] ?? a.status}</span></td>
        <td><button type="button" onClick={onToggle}>{open ? '收起' : '办理'}</button></td>
      </tr>
      {open && <tr><td colSpan={7}><BatchPanel a={a} bindings={bindings} onChange={onChange} /></td></tr>}
    </>
  );
}

function BatchPanel({ a, bindings, onChange }: { a: Adjustment; bindings: Binding[]; onChange: () => void }) {
  const batch = useQuery(AdjustmentBatchQuery, { batchId: a.batchId });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState('');
  const [exceptionOk, setExceptionOk] = useState(false);
  const roles = new Set(bindings.map((b) => b.role));
  const act = async (run: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await run();
      batch.reload();
      onChange();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  // Each step's yes and no differ only in the answer.
  const orgReview = (approve: boolean) => request(ReviewAdjustmentsMutation, { input: {
    batchId: a.batchId, approve, note: note || null, approveTenureException: approve && exceptionOk } });
  const opinion = (agree: boolean) => request(TownshipOpinionMutation, { input: { adjustmentId: a.id, agree, note: note || null } });
  const answer = (proceed: boolean) => request(AnswerTownshipOpinionMutation, { input: { adjustmentId: a.id, proceed, note } });
  const threeParty = (agree: boolean) => request(ReviewReshuffleMutation, { input: { batchId: a.batchId, agree, note: note || null } });
  const pending = batch.data?.adjustmentBatch.pendingSteps ?? [];
  const offers = offeredSteps(pending, a, roles, batch.data);
  return (
    <div className="batch" data-batch={a.batchId}>
      <p>理由：{a.reason}{a.orgReviewNote ? `；组织部意见：${a.orgReviewNote}` : ''}{a.townshipOpinionNote ? `；属地意见：${a.townshipOpinionNote}` : ''}{a.opinionAnswer ? `；组织部答复：${a.opinionAnswer}` : ''}{a.replenishment ? '（补员）' : ''}</p>
      {batch.error ? <ErrorBox error={batch.error} /> : null}
      {offers.length > 0 && (
        <div className="actions">
          <input placeholder="意见（可选）" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
          {offers.includes('ORG_REVIEW') && <>
            {a.tenureExceptionReason && (
              <label className="inline"><input type="checkbox" checked={exceptionOk} onChange={(e) => setExceptionOk(e.target.checked)} />
                批准未满两年例外（{a.tenureExceptionReason}）</label>
            )}
            <button type="button" disabled={busy} onClick={() => act(() => orgReview(true))}>组织部审核通过</button>
            <button type="button" disabled={busy} onClick={() => act(() => orgReview(false))}>不通过</button>
          </>}
          {offers.includes('TOWNSHIP_OPINION') && <>
            <button type="button" disabled={busy} onClick={() => act(() => opinion(true))}>属地同意</button>
            <button type="button" disabled={busy} onClick={() => act(() => opinion(false))}>属地不同意</button>
          </>}
          {offers.includes('OPINION_ANSWER') && <>
            <button type="button" disabled={busy || !note.trim()} onClick={() => act(() => answer(true))}>说明理由后继续办理</button>
            <button type="button" disabled={busy || !note.trim()} onClick={() => act(() => answer(false))}>采纳属地意见，终止</button>
          </>}
          {offers.includes('THREE_PARTY_REVIEW') && <>
            <button type="button" disabled={busy} onClick={() => act(() => threeParty(true))}>会审同意</button>
            <button type="button" disabled={busy} onClick={() => act(() => threeParty(false))}>会审不同意</button>
          </>}
          {offers.includes('EFFECTIVE') && (
            <button type="button" disabled={busy} onClick={() => act(() => request(MakeEffectiveMutation, { input: { batchId: a.batchId } }))}>办理生效</button>
          )}
        </div>
      )}
      {error ? <ErrorBox error={error} /> : null}
    </div>
  );
}

/** The steps this person may take on the batch now: the API checks the same; a step it would
 * refuse to this role is not offered. */
function offeredSteps(pending: string[], a: Adjustment, roles: Set<string>, batch: BatchData | undefined): string[] {
  const offers: string[] = [];
  if (a.status === 'REJECTED' || a.status === 'EFFECTIVE') return offers;
  if (pending.includes('ORG_REVIEW') && roles.has('ORG_DEPARTMENT')) offers.push('ORG_REVIEW');
  if (!pending.includes('ORG_REVIEW') && pending.includes('TOWNSHIP_OPINION') && a.townshipOpinionNeeded
    && a.townshipOpinion == null && roles.has('TOWNSHIP_ADMIN')) offers.push('TOWNSHIP_OPINION');
  if (pending.includes('OPINION_ANSWER') && a.townshipOpinion === 'DISAGREE' && a.opinionAnswer == null
    && roles.has('ORG_DEPARTMENT')) offers.push('OPINION_ANSWER');
  if (pending.includes('THREE_PARTY_REVIEW') && batch?.adjustmentBatch.reviews.some((r) => r.decision == null)
    && (roles.has('ORG_DEPARTMENT') || roles.has('STAFFING_OFFICE') || roles.has('TOWNSHIP_ADMIN'))) offers.push('THREE_PARTY_REVIEW');
  if (a.status === 'APPROVED' && pending.length === 0 && (roles.has('DEPARTMENT_ADMIN') || roles.has('ORG_DEPARTMENT'))) offers.push('EFFECTIVE');
  return offers;
}
