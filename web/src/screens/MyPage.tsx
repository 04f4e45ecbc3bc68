import { useState } from 'react';
import { useMutation, useQuery } from '../api/hooks';
import { AssessmentCyclesQuery, CycleMembersQuery, FileObjectionMutation, MyPageQuery, ObjectionsQuery, PublicityListQuery } from '../api/operations';
import { Empty, ErrorBox, Guard } from '../components/State';
import { date, dateTime, EVENT_STATES, gradeName, slaFlag } from '../format';
import { scopeOf, type Binding } from '../roles';

const OPEN = new Set(['DISPATCHED', 'SIGNED', 'IN_PROGRESS', 'RETURNED', 'REOPENED']);

/** 我的 — a stationed cadre's own file, postings, results and open tasks. */
export function MyPage({ bindings }: { bindings: Binding[] }) {
  const cadreId = scopeOf(bindings, 'CADRE');
  const state = useQuery(MyPageQuery, { cadreId: cadreId ?? '' }, { skip: !cadreId });
  if (!cadreId) return <ErrorBox error={new Error('账号未关联干部档案')} />;
  return (
    <section>
      <h1>我的</h1>
      <Guard state={state} what="个人档案">{(data) => {
        const c = data.cadre;
        if (!c) return <Empty>未找到您的档案。</Empty>;
        const tasks = data.gridEvents.nodes.filter((e) => OPEN.has(e.state));
        return (
          <>
            <div className="panel" id="my-file">
              <h2>{c.name}</h2>
              <dl className="facts">
                <dt>派驻部门</dt><dd>{c.department.name}</dd>
                <dt>派驻乡镇</dt><dd>{c.township.name}</dd>
                <dt>派驻机构</dt><dd>{c.agency.name}</dd>
                <dt>专业条线</dt><dd>{c.professionalLine}{c.isEnforcement ? '（执法）' : ''}</dd>
                <dt>派驻日期</dt><dd>{date(c.postedOn)}</dd>
                <dt>最早可调整</dt><dd>{date(c.nextMoveAllowedOn)}</dd>
                <dt>政治面貌</dt><dd>{c.politicalStatus ?? '—'}</dd>
                <dt>职级</dt><dd>{c.rank ?? '—'}</dd>
                <dt>学历</dt><dd>{c.education ?? '—'}</dd>
                <dt>身份证号</dt><dd className="mono">{c.idNumber ?? '—'}</dd>
                <dt>电话</dt><dd className="mono">{c.phone ?? '—'}</dd>
                {c.enforcementCertNo && <><dt>执法证</dt><dd>{c.enforcementCertNo}（有效期至 {date(c.enforcementCertExpiry)}）</dd></>}
              </dl>
            </div>
            <div className="grid-2">
              <div className="panel">
                <h2>派驻经历</h2>
                {c.postings.length === 0 ? <Empty>没有记录。</Empty> : (
                  <ol className="history">{c.postings.map((p, i) => (
                    <li key={i}>{date(p.startDate)} — {p.endDate ? date(p.endDate) : '至今'} · {p.agency.township.name} · {p.agency.name}</li>
                  ))}</ol>
                )}
              </div>
              <div className="panel" id="my-results">
                <h2>考核结果</h2>
                {!c.assessmentResults?.length ? <Empty>暂无已公示的考核结果。</Empty> : (
                  <ul>{c.assessmentResults.map((r) => <li key={r.year}>{r.year} 年：{gradeName(r.grade)}</li>)}</ul>
                )}
              </div>
            </div>
            <MyPublication />
            <div className="panel" id="my-tasks">
              <h2>待办任务 <small>{tasks.length} 件</small></h2>
              {tasks.length === 0 ? <Empty>没有待办任务。</Empty> : (
                <ul className="event-list">{tasks.map((e) => {
                  const flag = slaFlag(e.deadline, e.state);
                  return (
                    <li key={e.id}><a href="#/dispatch">{e.matterType}</a> · {EVENT_STATES[e.state] ?? e.state} · {dateTime(e.reportedAt)}
                      {flag === 'overdue' && <span className="badge danger">超时</span>}
                      {flag === 'warning' && <span className="badge warn">临期</span>}</li>
                  );
                })}</ul>
              )}
            </div>
          </>
        );
      }}</Guard>
    </section>
  );
}

/** 公示: during a published cycle's window, a cadre sees their own result and the 优秀 list of their
 * department and township, and may object — to their own result or to a name on the list. */
function MyPublication() {
  const cycles = useQuery(AssessmentCyclesQuery, {});
  const published = cycles.data?.assessmentCycles.find((c) => c.status === 'PUBLISHED');
  if (!published) return null;
  return <PublishedCycle cycleId={published.id} period={published.period} deadline={published.objectionDeadline} />;
}

function PublishedCycle({ cycleId, period, deadline }: { cycleId: string; period: string; deadline?: string | null }) {
  const mine = useQuery(CycleMembersQuery, { cycleId, departmentId: null, townshipId: null, after: null });
  const objections = useQuery(ObjectionsQuery, { cycleId, openOnly: false });
  const list = useQuery(PublicityListQuery, { cycleId, after: null });
  const [text, setText] = useState('');
  const [about, setAbout] = useState('');
  const [file, state] = useMutation(FileObjectionMutation);
  const me = mine.data?.cycleMembers.nodes[0];
  const excellent = list.data?.publicityList.nodes ?? [];
  return (
    <div className="panel" id="my-publication">
      <h2>{period} 考核公示 <small>异议截止 {date(deadline)}</small></h2>
      {me ? <p>综合得分 {me.total ?? '—'}，等次 <b>{gradeName(me.grade)}</b></p> : <Empty>不在本期考核名单中。</Empty>}
      <h3>优秀人员公示名单（本部门、本乡镇）</h3>
      {list.error ? <ErrorBox error={list.error} /> : excellent.length === 0 ? <Empty>公示名单中没有本部门、本乡镇的人员。</Empty> : (
        <table id="publicity-list">
          <thead><tr><th>姓名</th><th>部门</th><th>乡镇(街道)</th><th>派驻机构</th></tr></thead>
          <tbody>{excellent.map((p) => (
            <tr key={p.cadre?.id ?? p.name} data-cadre={p.cadre?.id}>
              <td>{p.name}</td><td>{p.department?.name ?? '—'}</td><td>{p.township?.name ?? '—'}</td><td>{p.agencyName ?? '—'}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
      {objections.data?.assessmentObjections.map((o) => (
        <p key={o.id} className="muted">我的异议{o.about && o.about.id !== o.cadre.id ? `（针对 ${o.aboutName ?? '公示人员'}）` : ''}：{o.text}{o.resolution ? ` — 处理意见：${o.resolution}` : '（待组织部处理）'}</p>
      ))}
      {me && (
        <form className="actions" onSubmit={async (e) => {
          e.preventDefault();
          if (await file({ input: { cycleId, text, cadreId: about || null } })) { setText(''); setAbout(''); objections.reload(); }
        }}>
          <label className="inline">异议对象
            <select name="about" value={about} onChange={(e) => setAbout(e.target.value)}>
              <option value="">本人的考核结果</option>
              {excellent.filter((p) => p.cadre && p.cadre.id !== me.cadre.id).map((p) => <option key={p.cadre!.id} value={p.cadre!.id}>{p.name}（公示优秀）</option>)}
            </select>
          </label>
          <input name="objection" aria-label="异议理由" placeholder="请写明异议理由" required maxLength={1000} value={text}
            onChange={(e) => setText(e.target.value)} />
          <button type="submit" disabled={state.busy}>提出异议</button>
          {state.error ? <ErrorBox error={state.error} /> : null}
        </form>
      )}
    </div>
  );
}
