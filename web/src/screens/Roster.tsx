import { useState } from 'react';
import { download, fileToBase64, request } from '../api/client';
import { useMutation, useQuery } from '../api/hooks';
import { ExportRosterQuery, ImportRosterMutation, RosterFiltersQuery, RosterPageQuery } from '../api/operations';
import { nextCursors, Pager } from '../components/Pager';
import { Empty, ErrorBox, Guard } from '../components/State';
import { date } from '../format';
import type { CadreFilter } from '../gql/graphql';
import { scopeOf, type Binding } from '../roles';

const STATUS: Record<string, string> = { IN_POST: '在岗', ON_LEAVE: '休假', SECONDED: '借调', LEFT: '已离开' };
const AGE_BAND: Record<string, string> = { YOUNG: '青', MIDDLE: '中', OLD: '老' };
const PAGE = 50;

/** 人员名册 — keyset-paged; sensitive fields exactly as the API returns them (masked or empty for
 * callers who may not see them); Excel export of the filtered roster and import with per-row errors. */
export function RosterScreen({ bindings }: { bindings: Binding[] }) {
  const ownDepartment = scopeOf(bindings, 'DEPARTMENT_ADMIN');
  const ownTownship = scopeOf(bindings, 'TOWNSHIP_ADMIN');
  const [filter, setFilter] = useState<CadreFilter>({});
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const page = cursors.length - 1;
  const filters = useQuery(RosterFiltersQuery, {});
  const state = useQuery(RosterPageQuery, { first: PAGE, after: cursors[page] ?? null, filter });
  const [exportError, setExportError] = useState<unknown>();
  const change = (patch: Partial<CadreFilter>) => {
    setFilter((f) => ({ ...f, ...patch }));
    setCursors([undefined]);
  };
  const canImport = bindings.some((b) => b.role === 'STAFFING_OFFICE');

  return (
    <section>
      <h1>人员名册</h1>
      <div className="toolbar">
        {!ownDepartment && (
          <label className="filter">部门
            <select id="roster-department" value={filter.departmentId ?? ''} onChange={(e) => change({ departmentId: e.target.value || null })}>
              <option value="">全部</option>
              {filters.data?.departments.nodes.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
            </select>
          </label>
        )}
        {!ownTownship && (
          <label className="filter">乡镇
            <select id="roster-township" value={filter.townshipId ?? ''} onChange={(e) => change({ townshipId: e.target.value || null })}>
              <option value="">全部</option>
              {filters.data?.townships.nodes.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
            </select>
          </label>
        )}
        <label className="filter">状态
          <select value={filter.status ?? ''} onChange={(e) => change({ status: (e.target.value || null) as CadreFilter['status'] })}>
            <option value="">全部</option>
            {Object.entries(STATUS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
          </select>
        </label>
        <label className="filter inline"><input type="checkbox" checked={!!filter.isEnforcement}
          onChange={(e) => change({ isEnforcement: e.target.checked || null })} />仅执法人员</label>
        <button type="button" id="export-roster" onClick={async () => {
          setExportError(undefined);
          try {
            download((await request(ExportRosterQuery, { filter })).exportRoster);
          } catch (e) {
            setExportError(e);
          }
        }}>导出 Excel</button>
      </div>
      {exportError ? <ErrorBox error={exportError} /> : null}
      {canImport && <RosterImport onDone={() => { setCursors([undefined]); state.reload(); }} />}
      <Guard state={state} what="名册">{(data) => data.cadres.nodes.length === 0 ? <Empty>没有符合条件的人员。</Empty> : (
        <>
          <div className="table-wrap">
            <table className="table" id="roster">
              <thead><tr><th>姓名</th><th>部门</th><th>乡镇</th><th>派驻机构</th><th>专业条线</th><th>状态</th>
                <th>派驻日期</th><th>年龄段</th><th>身份证号</th><th>电话</th></tr></thead>
              <tbody>{data.cadres.nodes.map((c) => (
                <tr key={c.id} data-sensitive={c.sensitiveVisible ? 'visible' : 'masked'}>
                  <td>{c.name}{c.isEnforcement && <span className="badge">执法</span>}</td>
                  <td>{c.department.name}</td><td>{c.township.name}</td><td>{c.agency.name}</td>
                  <td>{c.professionalLine}</td><td>{STATUS[c.status] ?? c.status}</td><td>{date(c.postedOn)}</td>
                  <td>{AGE_BAND[c.ageBand] ?? c.ageBand}</td>
                  <td className="mono">{c.idNumber ?? '—'}</td><td className="mono">{c.phone ?? '—'}</td>
                </tr>
              ))}</tbody>
            </table>
          </div>
          <Pager page={page} hasNext={data.cadres.pageInfo.hasNextPage} busy={state.loading}
            onNext={() => setCursors(nextCursors(cursors, data.cadres.pageInfo.endCursor))}
            onPrev={() => setCursors(cursors.slice(0, -1))} />
        </>
      )}</Guard>
    </section>
  );
}

function RosterImport({ onDone }: { onDone: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [partial, setPartial] = useState(false);
  const [run, state] = useMutation(ImportRosterMutation);
  const result = state.result?.importRoster;
  return (
    <form className="panel form" id="roster-import" onSubmit={async (e) => {
      e.preventDefault();
      if (!file) return;
      const r = await run({ input: { contentBase64: await fileToBase64(file), partial } });
      if (r?.importRoster.ok) onDone();
    }}>
      <h2>导入名单（编办）</h2>
      <input type="file" accept=".xlsx" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      <label className="inline"><input type="checkbox" checked={partial} onChange={(e) => setPartial(e.target.checked)} />
        跳过有错的行，导入其余</label>
      <button type="submit" disabled={!file || state.busy}>导入</button>
      {state.error ? <ErrorBox error={state.error} /> : null}
      {result && result.created > 0 && <p className="ok" role="status">已导入 {result.created} 人。</p>}
      {result && result.errors.length > 0 && (
        <div className="state state-error" role="alert">
          <strong>名单有 {result.errors.length} 处错误{result.created === 0 ? '，未导入' : '，这些行未导入'}</strong>
          <table className="table" id="import-errors">
            <thead><tr><th>行</th><th>列</th><th>问题</th></tr></thead>
            <tbody>{result.errors.map((x, i) => <tr key={i}><td>{x.row}</td><td>{x.column ?? '—'}</td><td>{x.message}</td></tr>)}</tbody>
          </table>
        </div>
      )}
    </form>
  );
}
