import { useMemo, useState } from 'react';
import { useMutation, useQuery } from '../api/hooks';
import {
  ApproveResultsMutation, AssessmentCyclesQuery, CycleMembersQuery, ExcellencePlacesQuery, MakeShortlistMutation,
  ObjectionsQuery, OpenCycleMutation, PublishResultsMutation, ResolveObjectionMutation, Round1Mutation, Round2Mutation,
} from '../api/operations';
import { nextCursors, Pager } from '../components/Pager';
import { Empty, ErrorBox, Guard } from '../components/State';
import { date, dateTime, gradeName, GRADES, percent, placesLeft, toggled } from '../format';
import type { AssessmentCyclesQuery as CyclesData, CycleMembersQuery as MembersData, Grade } from '../gql/graphql';
import { scopeOf, type Binding } from '../roles';

type Cycle = CyclesData['assessmentCycles'][number];
type Member = MembersData['cycleMembers']['nodes'][number];

const FLOW: Record<string, string> = { SCORING: '评分中', SHORTLISTED: '已定推荐名单', ROUND1_SENT: '第一轮已报', ROUND2_DONE: '第二轮完成' };
const CYCLE: Record<string, string> = { OPEN: '进行中', PUBLISHED: '已公示', APPROVED: '已审定' };

/** 考核评优 — a cycle's members with both sides' scores (township 60% / department 40%) and the
 * total, the shortlist, round-1 and round-2 picks with the places left, and publication. */
export function AssessmentScreen({ bindings }: { bindings: Binding[] }) {
  const cycles = useQuery(AssessmentCyclesQuery, {});
  const [cycleId, setCycleId] = useState<string>();
  const roles = new Set(bindings.map((b) => b.role));
  return (
    <section>
      <h1>考核评优</h1>
      <Guard state={cycles} what="考核周期">{(data) => {
        const sorted = [...data.assessmentCycles].sort((a, b) => b.year - a.year || b.period.localeCompare(a.period));
        const cycle = sorted.find((c) => c.id === cycleId) ?? sorted[0];
        return (
          <>
            <div className="toolbar">
              {sorted.length > 0 && (
                <label className="filter">考核周期<select id="cycle" value={cycle?.id} onChange={(e) => setCycleId(e.target.value)}>
                  {sorted.map((c) => <option key={c.id} value={c.id}>{c.period}（{CYCLE[c.status] ?? c.status}）</option>)}
                </select></label>
              )}
              {roles.has('ORG_DEPARTMENT') && <OpenCycle onDone={(id) => { setCycleId(id); cycles.reload(); }} />}
            </div>
            {!cycle ? <Empty>尚未开启考核周期。</Empty> : (
              <CycleView key={cycle.id} cycle={cycle} bindings={bindings} onChange={cycles.reload} />
            )}
          </>
        );
      }}</Guard>
    </section>
  );
}

function OpenCycle({ onDone }: { onDone: (id: string) => void }) {
  const [open, state] = useMutation(OpenCycleMutation);
  const year = new Date().getFullYear();
  return (
    <span className="actions">
      <button type="button" disabled={state.busy} onClick={async () => {
        const r = await open({ input: { year } });
        if (r) onDone(r.openAssessmentCycle.id);
      }}>开启 {year} 年度考核</button>
      {state.error ? <ErrorBox error={state.error} /> : null}
    </span>
  );
}

function CycleView({ cycle, bindings, onChange }: { cycle: Cycle; bindings: Binding[]; onChange: () => void }) {
  const department = scopeOf(bindings, 'DEPARTMENT_ADMIN');
  const township = scopeOf(bindings, 'TOWNSHIP_ADMIN');
  const roles = new Set(bindings.map((b) => b.role));
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const page = cursors.length - 1;
  const members = useQuery(CycleMembersQuery, {
    cycleId: cycle.id, departmentId: department ?? null, townshipId: township ?? null, after: cursors[page] ?? null,
  });
  const reload = () => { members.reload(); onChange(); };
  return (
    <>
      <div className="panel">
        <h2>{cycle.period} <span className="badge">{CYCLE[cycle.status] ?? cycle.status}</span></h2>
        <p>权重：乡镇 {percent(cycle.townshipShare, 0)} · 部门 {percent(cycle.departmentShare, 0)}；推荐名单 {percent(cycle.shortlistShare, 0)}；
          第一轮 {percent(cycle.round1Share)}、第二轮 {percent(cycle.round2Share)}
          {cycle.objectionDeadline && <>；异议截止 {date(cycle.objectionDeadline)}</>}</p>
        <table className="table" id="flows">
          <thead><tr><th>部门</th><th>评优进度</th><th>推荐名单名额</th><th>第一轮名额</th></tr></thead>
          <tbody>{cycle.departments.filter((d) => !department || d.department.id === department).map((d) => (
            <tr key={d.department.id}><td>{d.department.name}</td>
              <td>{FLOW[d.status] ?? d.status}</td><td>{d.shortlistQuota ?? '—'}</td><td>{d.round1Quota ?? '—'}</td></tr>
          ))}</tbody>
        </table>
        {roles.has('ORG_DEPARTMENT') && cycle.status === 'OPEN' && <Publish cycleId={cycle.id} onDone={onChange} />}
      </div>
      {roles.has('ORG_DEPARTMENT') && cycle.status !== 'OPEN' && (
        <Objections cycle={cycle} onChange={() => { members.reload(); onChange(); }} />
      )}
      <Guard state={members} what="考核对象">{(data) => (
        <>
          {department && (
            <Round1 cycle={cycle} departmentId={department} members={data.cycleMembers.nodes} onDone={reload} />
          )}
          {township && cycle.departments.filter((d) => d.status === 'ROUND1_SENT').map((d) => (
            <Round2 key={d.department.id} cycle={cycle} departmentId={d.department.id} townshipId={township}
              departmentName={d.department.name}
              members={data.cycleMembers.nodes.filter((m) => m.department.id === d.department.id)} onDone={reload} />
          ))}
          <Members rows={data.cycleMembers.nodes} />
          <Pager page={page} hasNext={data.cycleMembers.pageInfo.hasNextPage}
            onNext={() => setCursors(nextCursors(cursors, data.cycleMembers.pageInfo.endCursor))}
            onPrev={() => setCursors(cursors.slice(0, -1))} />
        </>
      )}</Guard>
    </>
  );
}

function Members({ rows }: { rows: Member[] }) {
  if (rows.length === 0) return <Empty>本周期没有您可查看的考核对象。</Empty>;
  return (
    <div className="panel table-wrap">
      <table className="table" id="members">
        <thead><tr><th>姓名</th><th>乡镇</th><th>部门</th><th>乡镇评分</th><th>部门评分</th><th>综合得分</th><th>推荐</th><th>优秀</th><th>等次</th></tr></thead>
        <tbody>{rows.map((m) => (
          <tr key={m.cadre.id} data-cadre={m.cadre.id}>
            <td>{m.cadre.name}{m.excused && <span className="badge">免考</span>}</td>
            <td>{m.cadre.township.name}</td><td>{m.cadre.department.name}</td>
            <td>{m.townshipScore ?? '—'}</td><td>{m.departmentScore ?? '—'}</td><td>{m.total ?? '—'}</td>
            <td>{m.shortlisted ? '✓' : ''}</td>
            <td>{m.excellentRound ? `第${m.excellentRound === 1 ? '一' : '二'}轮` : ''}</td>
            <td>{gradeName(m.grade)}</td>
          </tr>
        ))}</tbody>
      </table>
    </div>
  );
}

function Publish({ cycleId, onDone }: { cycleId: string; onDone: () => void }) {
  const [publish, state] = useMutation(PublishResultsMutation);
  const [days, setDays] = useState(5);
  return (
    <div className="actions">
      <label className="inline">异议期（天）<input type="number" min={1} max={30} value={days} onChange={(e) => setDays(Number(e.target.value))} /></label>
      <button type="button" disabled={state.busy} onClick={async () => {
        if (await publish({ input: { cycleId, objectionDays: days } })) onDone();
      }}>公示考核结果</button>
      {state.error ? <ErrorBox error={state.error} /> : null}
    </div>
  );
}

function Round1({ cycle, departmentId, members, onDone }: { cycle: Cycle; departmentId: string; members: Member[]; onDone: () => void }) {
  const flow = cycle.departments.find((d) => d.department.id === departmentId);
  const places = useQuery(ExcellencePlacesQuery, { cycleId: cycle.id, departmentId });
  const [shortlist, shortlistState] = useMutation(MakeShortlistMutation);
  const [submit, submitState] = useMutation(Round1Mutation);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const candidates = useMemo(() => members.filter((m) => m.shortlisted && !m.excellentRound)
    .sort((a, b) => Number(b.total ?? 0) - Number(a.total ?? 0)), [members]);
  if (!flow) return null;
  const p = places.data?.excellencePlaces;
  const left = placesLeft(p?.round1Quota, p?.round1Used ?? 0, picked.size);
  return (
    <div className="panel" id="round1">
      <h2>部门评优 · 第一轮</h2>
      {flow.status === 'SCORING' && (
        <div className="actions">
          <button type="button" id="make-shortlist" disabled={shortlistState.busy} onClick={async () => {
            if (await shortlist({ input: { cycleId: cycle.id, departmentId } })) { places.reload(); onDone(); }
          }}>按综合得分生成推荐名单</button>
          {shortlistState.error ? <ErrorBox error={shortlistState.error} /> : null}
        </div>
      )}
      {flow.status === 'SHORTLISTED' && (
        <form onSubmit={async (e) => {
          e.preventDefault();
          if (await submit({ input: { cycleId: cycle.id, departmentId, cadreIds: [...picked] } })) {
            setPicked(new Set());
            places.reload();
            onDone();
          }
        }}>
          <p id="round1-places">第一轮名额 {p?.round1Quota ?? '—'} 名，已选 <b>{picked.size}</b> 名，剩余 <b>{left ?? '—'}</b> 名</p>
          {candidates.length === 0 ? <Empty>推荐名单为空。</Empty> : (
            <ul className="picks">{candidates.map((m) => (
              <li key={m.cadre.id}><label><input type="checkbox" name="pick" value={m.cadre.id} checked={picked.has(m.cadre.id)}
                onChange={(e) => setPicked(toggled(picked, m.cadre.id, e.target.checked))} />{m.cadre.name} · {m.cadre.township.name} · {m.total ?? '—'}</label></li>
            ))}</ul>
          )}
          <button type="submit" className="primary" disabled={submitState.busy || picked.size === 0}>报送第一轮</button>
          {submitState.error ? <ErrorBox error={submitState.error} /> : null}
        </form>
      )}
      {(flow.status === 'ROUND1_SENT' || flow.status === 'ROUND2_DONE') && p && (
        <p>第一轮已报送 {p.round1Used} 名（名额 {p.round1Quota}）。第二轮：
          {p.townships.length} 个乡镇，
          已报 {p.townships.filter((t) => t.submitted).length} 个。</p>
      )}
    </div>
  );
}

function Round2({ cycle, departmentId, townshipId, departmentName, members, onDone }: {
  cycle: Cycle; departmentId: string; townshipId: string; departmentName: string; members: Member[]; onDone: () => void;
}) {
  const places = useQuery(ExcellencePlacesQuery, { cycleId: cycle.id, departmentId });
  const [submit, state] = useMutation(Round2Mutation);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const mine = places.data?.excellencePlaces.townships.find((t) => t.township.id === townshipId);
  const candidates = members.filter((m) => m.shortlisted && !m.excellentRound && m.township.id === townshipId);
  const left = placesLeft(mine?.quota, mine?.used ?? 0, picked.size);
  return (
    <div className="panel round2" data-department={departmentId}>
      <h2>乡镇评优 · 第二轮（{departmentName}）</h2>
      {!mine ? <Empty>本乡镇在该部门没有第二轮名额。</Empty> : mine.submitted ? <p>已报送（本乡镇第二轮共评 {mine.used} 名）。</p> : (
        <form onSubmit={async (e) => {
          e.preventDefault();
          if (await submit({ input: { cycleId: cycle.id, departmentId, townshipId, cadreIds: [...picked] } })) {
            setPicked(new Set());
            places.reload();
            onDone();
          }
        }}>
          <p>本乡镇第二轮名额 {mine.quota} 名（各部门共用，已评 {mine.used} 名），本次已选 <b>{picked.size}</b> 名，剩余 <b>{left ?? '—'}</b> 名</p>
          {candidates.length === 0 ? <Empty>本乡镇没有可评的推荐人选。</Empty> : (
            <ul className="picks">{candidates.map((m) => (
              <li key={m.cadre.id}><label><input type="checkbox" checked={picked.has(m.cadre.id)} onChange={(e) => setPicked(toggled(picked, m.cadre.id, e.target.checked))} />{m.cadre.name} · {m.total ?? '—'}</label></li>
            ))}</ul>
          )}
          <button type="submit" className="primary" disabled={state.busy}>报送第二轮</button>
          {state.error ? <ErrorBox error={state.error} /> : null}
        </form>
      )}
    </div>
  );
}

/** 公示期异议: the organisation department answers each objection (optionally regrading), then
 * approves the results once the window has passed and nothing is open. */
function Objections({ cycle, onChange }: { cycle: Cycle; onChange: () => void }) {
  const list = useQuery(ObjectionsQuery, { cycleId: cycle.id, openOnly: false });
  const [approve, approveState] = useMutation(ApproveResultsMutation);
  return (
    <div className="panel" id="objections">
      <h2>公示异议</h2>
      <Guard state={list} what="异议">{(data) => data.assessmentObjections.length === 0 ? <Empty>公示期内没有异议。</Empty> : (
        <table className="table">
          <thead><tr><th>姓名</th><th>乡镇</th><th>针对</th><th>异议</th><th>提出时间</th><th>处理</th></tr></thead>
          <tbody>{data.assessmentObjections.map((o) => (
            <tr key={o.id} data-objection={o.id}>
              <td>{o.cadre.name}</td><td>{o.cadre.township.name}</td><td>{o.about?.id === o.cadre.id ? '本人' : o.aboutName ?? '—'}</td><td>{o.text}</td><td>{dateTime(o.filedAt)}</td>
              <td>{o.resolution ? <>{o.resolution}<span className="badge">已处理</span></> : (
                <Resolve objectionId={o.id} onDone={() => { list.reload(); onChange(); }} />
              )}</td>
            </tr>
          ))}</tbody>
        </table>
      )}</Guard>
      {cycle.status === 'PUBLISHED' && (
        <div className="actions">
          <button type="button" disabled={approveState.busy} onClick={async () => {
            if (await approve({ input: { cycleId: cycle.id } })) onChange();
          }}>审定考核结果</button>
          {approveState.error ? <ErrorBox error={approveState.error} /> : null}
        </div>
      )}
    </div>
  );
}

function Resolve({ objectionId, onDone }: { objectionId: string; onDone: () => void }) {
  const [resolution, setResolution] = useState('');
  const [grade, setGrade] = useState<Grade | ''>('');
  const [resolve, state] = useMutation(ResolveObjectionMutation);
  return (
    <form className="form" onSubmit={async (e) => {
      e.preventDefault();
      if (await resolve({ input: { objectionId, resolution, newGrade: grade || null } })) onDone();
    }}>
      <input name="resolution" placeholder="处理意见" required maxLength={500} value={resolution}
        onChange={(e) => setResolution(e.target.value)} />
      <select name="grade" value={grade} onChange={(e) => setGrade(e.target.value as Grade | '')}>
        <option value="">维持原等次</option>
        {Object.entries(GRADES).map(([k, v]) => <option key={k} value={k}>改为{v}</option>)}
      </select>
      <button type="submit" disabled={state.busy}>处理</button>
      {state.error ? <ErrorBox error={state.error} /> : null}
    </form>
  );
}
