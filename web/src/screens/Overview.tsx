import { useMemo, useState, type ReactNode } from 'react';
import { useMutation, useQuery } from '../api/hooks';
import { CountyOverviewQuery, IssueRemindersMutation } from '../api/operations';
import { Chart, type ChartOption } from '../components/Chart';
import { Empty, ErrorBox, Guard } from '../components/State';
import { date, dateTime, percent } from '../format';
import type { CountyOverviewQuery as Data } from '../gql/graphql';

/** 全县概览 — for 编办, 组织部 and the county's leaders: quota against people in post. */
export function Overview({ canIssueReminders }: { canIssueReminders: boolean }) {
  const state = useQuery(CountyOverviewQuery, {});
  return (
    <section>
      <h1>全县概览</h1>
      <Guard state={state}>{(data) => (
        <OverviewBody data={data} reminders={canIssueReminders ? <IssueReminders onDone={state.reload} /> : null} />
      )}</Guard>
    </section>
  );
}

/** 编办 sends a reminder notice (空编提醒告知单) to every department with vacancies. */
function IssueReminders({ onDone }: { onDone: () => void }) {
  const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const [deadline, setDeadline] = useState(inAMonth);
  const [issue, state] = useMutation(IssueRemindersMutation);
  return (
    <form className="actions" id="issue-reminders" onSubmit={async (e) => {
      e.preventDefault();
      if (await issue({ input: { deadline } })) onDone();
    }}>
      <label className="inline">补员期限<input type="date" name="deadline" value={deadline} required onChange={(e) => setDeadline(e.target.value)} /></label>
      <button type="submit" disabled={state.busy}>向有空缺的部门发出提醒</button>
      {state.error ? <ErrorBox error={state.error} /> : null}
    </form>
  );
}

function OverviewBody({ data, reminders }: { data: Data; reminders: ReactNode }) {
  const county = data.county[0];
  const departments = useMemo(() => [...data.byDepartment].sort((a, b) => b.quota - a.quota), [data.byDepartment]);
  const bars = useMemo<ChartOption>(() => ({
    tooltip: { trigger: 'axis' },
    legend: { data: ['核定编制', '在岗', '已批待到岗'] },
    grid: { left: 40, right: 10, bottom: 60, containLabel: true },
    xAxis: { type: 'category', data: departments.map((d) => d.department?.name ?? '—'), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: 'value', name: '人' },
    series: [
      { name: '核定编制', type: 'bar', data: departments.map((d) => d.quota) },
      { name: '在岗', type: 'bar', data: departments.map((d) => d.inPost) },
      { name: '已批待到岗', type: 'bar', data: departments.map((d) => d.incoming) },
    ],
  }), [departments]);
  const ages = useMemo<ChartOption | null>(() => county ? ({
    tooltip: { trigger: 'item' },
    legend: { bottom: 0 },
    series: [{
      name: '年龄结构', type: 'pie', radius: ['35%', '65%'],
      data: [
        { name: '青（35岁以下）', value: county.young },
        { name: '中（35–50岁）', value: county.middle },
        { name: '老（50岁以上）', value: county.old },
      ],
    }],
  }) : null, [county]);
  const tenure = useMemo<ChartOption | null>(() => county ? ({
    tooltip: { trigger: 'axis' },
    grid: { left: 40, right: 10, bottom: 30, containLabel: true },
    xAxis: { type: 'category', data: ['不满1年', '1–2年', '2–5年', '5年以上'] },
    yAxis: { type: 'value', name: '人' },
    series: [{ name: '派驻年限', type: 'bar', data: [county.tenureUnder1, county.tenure1To2, county.tenure2To5, county.tenure5Plus] }],
  }) : null, [county]);

  if (!county) return <Empty>暂无名册数据。</Empty>;
  return (
    <>
      <div className="kpis">
        <Kpi id="kpi-quota" label="核定编制" value={county.quota} unit="名" />
        <Kpi id="kpi-in-post" label="在岗人数" value={county.inPost} unit="名" />
        <Kpi id="kpi-fill-rate" label="在岗率" value={percent(county.fillRate)} />
        <Kpi id="kpi-enforcement" label="执法人员占比" value={percent(county.enforcementShare)} hint={`${county.enforcement} 名`} />
        <Kpi id="kpi-age" label="平均年龄" value={county.averageAge.toFixed(1)} unit="岁" />
      </div>
      <div className="panel">
        <h2>各部门编制与在岗</h2>
        <Chart option={bars} label="各部门核定编制、在岗与待到岗人数柱状图" />
        <table className="table">
          <thead><tr><th>部门</th><th>编制</th><th>在岗</th><th>待到岗</th><th>空缺</th><th>在岗率</th></tr></thead>
          <tbody>
            {departments.map((d) => (
              <tr key={d.department?.id}>
                <td>{d.department?.name}</td><td>{d.quota}</td><td>{d.inPost}</td><td>{d.incoming}</td>
                <td>{d.vacancy}</td><td>{percent(d.fillRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="grid-2">
        <div className="panel"><h2>老中青结构</h2>{ages && <Chart option={ages} height={260} label="年龄结构饼图" />}</div>
        <div className="panel"><h2>派驻年限</h2>{tenure && <Chart option={tenure} height={260} label="派驻年限柱状图" />}</div>
      </div>
      <div className="panel">
        <h2>空编提醒 <small>已发 {data.reminderStatistics.notices} 份，已办结 {data.reminderStatistics.closed} 份，
          逾期 {data.reminderStatistics.overdue} 份，已补充 {data.reminderStatistics.replenished} 人</small></h2>
        {reminders}
        {data.reminderNotices.nodes.length === 0 ? <Empty>没有未办结的空编提醒。</Empty> : (
          <table className="table" id="reminders">
            <thead><tr><th>部门</th><th>发出</th><th>办理期限</th><th>空缺</th><th>已补充</th><th>状态</th></tr></thead>
            <tbody>
              {data.reminderNotices.nodes.map((n) => (
                <tr key={n.id} className={n.overdue ? 'overdue' : ''}>
                  <td>{n.department.name}</td><td>{dateTime(n.issuedAt).slice(0, 10)}</td><td>{date(n.deadline)}</td>
                  <td>{n.vacanciesAtIssue}</td><td>{n.replenished}</td>
                  <td>{n.overdue ? <span className="badge danger">已逾期</span> : <span className="badge">办理中</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}

function Kpi({ id, label, value, unit, hint }: { id: string; label: string; value: string | number; unit?: string; hint?: string }) {
  return (
    <div className="kpi" id={id}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}{unit && <small>{unit}</small>}</div>
      {hint && <div className="kpi-hint">{hint}</div>}
    </div>
  );
}
