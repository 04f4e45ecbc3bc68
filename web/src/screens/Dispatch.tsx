import { useState } from 'react';
import { useMutation, useQuery } from '../api/hooks';
import {
  ActOnEventMutation, DispatchBoardQuery, DuplicateCandidatesQuery, GridEventQuery, MatterTypesQuery, PlatformUnitsQuery,
  RosterPageQuery,
} from '../api/operations';
import { Empty, ErrorBox, Guard } from '../components/State';
import {
  actionNeeds, CLOSING_REASONS, dateTime, EVENT_ACTIONS, EVENT_SOURCES, EVENT_STATES, ROUTING_REASONS, slaFlag,
} from '../format';
import type { EventAction, EventState, GridEventDetailQuery } from '../gql/graphql';

/** The board refreshes itself while open. Polling, not a subscription: the gateway and the
 * subgraphs serve queries over plain HTTP, a page of 50 events costs a few statements, and a poll
 * passes every proxy between a township's office and the county; 15 s is well under any SLA step. */
export const POLL_MS = 15_000;

const COLUMNS: (EventState | '')[] = ['', 'REPORTED', 'ACCEPTED', 'DISPATCHED', 'SIGNED', 'IN_PROGRESS', 'FEEDBACK', 'RETURNED', 'CLOSED'];
const PRIORITY: Record<string, string> = { URGENT: '紧急', HIGH: '较急', NORMAL: '一般' };

/** 指挥调度 — events by state with SLA flags, the routing recommendation and its reason, and the
 * actions the API says this person may take (allowedActions): nothing else is offered. */
export function DispatchScreen() {
  const [state, setState] = useState<EventState | ''>('');
  const [overdue, setOverdue] = useState(false);
  // An inbox item's link (#/dispatch?event=<id>) opens that event.
  const [selected, setSelected] = useState<string | null>(
    () => new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('event'),
  );
  const filter = { ...(state ? { state } : {}), ...(overdue ? { overdue: true } : {}) };
  const board = useQuery(DispatchBoardQuery, { filter, after: null }, { pollMs: POLL_MS });
  const types = useQuery(MatterTypesQuery, {});
  const matterName = (code: string) => types.data?.matterTypes.find((m) => m.code === code)?.name ?? code;
  return (
    <section>
      <h1>指挥调度</h1>
      <div className="toolbar tabs" role="tablist">
        {COLUMNS.map((s) => (
          <button key={s || 'all'} type="button" role="tab" aria-selected={s === state} data-state={s || 'ALL'}
            className={s === state ? 'tab active' : 'tab'} onClick={() => { setState(s); setSelected(null); }}>
            {s ? EVENT_STATES[s] : '全部'}
          </button>
        ))}
        <label className="inline"><input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} />仅超时</label>
      </div>
      <div className="board">
        <Guard state={board} what="事件">{(data) => data.gridEvents.nodes.length === 0 ? <Empty>没有事件。</Empty> : (
          <ul className="event-list" id="events">
            {data.gridEvents.nodes.map((e) => {
              const flag = slaFlag(e.deadline, e.state);
              return (
                <li key={e.id} data-event={e.id} data-state={e.state} className={selected === e.id ? 'selected' : ''}>
                  <button type="button" className="event" onClick={() => setSelected(e.id)}>
                    <span className="event-title">{matterName(e.matterType)}</span>
                    <span className={`badge state-${e.state.toLowerCase()}`}>{EVENT_STATES[e.state] ?? e.state}</span>
                    {flag === 'overdue' && <span className="badge danger">超时</span>}
                    {flag === 'warning' && <span className="badge warn">临期</span>}
                    <span className="event-meta">{PRIORITY[e.priority] ?? e.priority} · {e.township.name} · {dateTime(e.reportedAt)}</span>
                    <span className="event-meta">{e.leadUnit?.name ?? '未派遣'}{e.assignee ? ` · ${e.assignee.name}` : ''}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}</Guard>
        {selected && <EventDetail id={selected} matterName={matterName} onChanged={board.reload} onClose={() => setSelected(null)} />}
      </div>
    </section>
  );
}

type Detail = GridEventDetailQuery['gridEvent'];

export function EventDetail({ id, matterName, onChanged, onClose }: {
  id: string; matterName: (code: string) => string; onChanged: () => void; onClose: () => void;
}) {
  const detail = useQuery(GridEventQuery, { id });
  return (
    <aside className="panel detail" id="event-detail">
      <button type="button" className="close" aria-label="关闭" onClick={onClose}>×</button>
      <Guard state={detail} what="事件详情">{(data) => (
        <EventBody e={data.gridEvent} matter={matterName(data.gridEvent.matterType)}
          onChanged={() => { detail.reload(); onChanged(); }} />
      )}</Guard>
    </aside>
  );
}

function EventBody({ e, matter, onChanged }: { e: Detail; matter: string; onChanged: () => void }) {
  const flag = slaFlag(e.deadline, e.state);
  return (
    <>
      <h2>{matter} <span className="badge" id="event-state" data-state={e.state}>{EVENT_STATES[e.state] ?? e.state}</span></h2>
      <p>{e.description}</p>
      <dl className="facts">
        <dt>地点</dt><dd>{e.location ?? '—'}</dd>
        <dt>来源</dt><dd>{EVENT_SOURCES[e.source] ?? e.source}</dd>
        <dt>上报</dt><dd>{dateTime(e.reportedAt)}</dd>
        <dt>承办单位</dt><dd>{e.leadUnit?.name ?? '—'}</dd>
        <dt>承办人</dt><dd>{e.assignee?.name ?? '—'}</dd>
        {e.deadline && <><dt>时限</dt><dd>
          {dateTime(e.deadline.dueAt)}
          {flag === 'overdue' && <span className="badge danger">超时{e.deadline.escalationLevel > 0 ? `（已升级 ${e.deadline.escalationLevel} 级）` : ''}</span>}
          {flag === 'warning' && <span className="badge warn">临期</span>}
        </dd></>}
        {e.closingReason && <><dt>办结方式</dt><dd>{CLOSING_REASONS[e.closingReason] ?? e.closingReason}</dd></>}
      </dl>
      {e.recommendation && (
        <div className="recommendation" id="recommendation">
          <strong>推荐派遣：</strong>{e.recommendation.note}
          <span className="badge" data-reason={e.recommendation.reason}>{ROUTING_REASONS[e.recommendation.reason] ?? e.recommendation.reason}</span>
        </div>
      )}
      <Actions key={`${e.id}:${e.state}`} e={e} onChanged={onChanged} />
      <h3>处置过程</h3>
      <ol className="history">
        {e.history.map((h, i) => (
          <li key={i}>{dateTime(h.at)} · {EVENT_ACTIONS[h.action.toUpperCase()] ?? h.action} ·
            {EVENT_STATES[h.target.toUpperCase()] ?? h.target}{h.reason ? ` · ${h.reason}` : ''}{h.overdue ? ' · 超时' : ''}</li>
        ))}
      </ol>
    </>
  );
}

function Actions({ e, onChanged }: { e: Detail; onChanged: () => void }) {
  const [action, setAction] = useState<EventAction | null>(null);
  const [reason, setReason] = useState('');
  const [leadUnitId, setLeadUnit] = useState(e.recommendation?.unit?.id ?? '');
  const [assignee, setAssignee] = useState(e.recommendation?.cadre?.id ?? '');
  const [closingReason, setClosing] = useState('RESOLVED');
  const [duplicateOf, setDuplicateOf] = useState('');
  const needsUnits = e.allowedActions.includes('DISPATCH');
  const units = useQuery(PlatformUnitsQuery, { townshipId: e.township.id }, { skip: !needsUnits });
  const people = useQuery(RosterPageQuery, { first: 100, after: null, filter: { townshipId: e.township.id } },
    { skip: !e.allowedActions.includes('ASSIGN') });
  const duplicates = useQuery(DuplicateCandidatesQuery, { eventId: e.id }, { skip: !e.allowedActions.includes('MARK_DUPLICATE') });
  const [act, state, reset] = useMutation(ActOnEventMutation);
  if (e.allowedActions.length === 0) return <p className="muted">当前没有您可办理的操作。</p>;

  const submit = async (chosen: EventAction) => {
    const need = actionNeeds(chosen);
    const input = {
      eventId: e.id, action: chosen,
      reason: need === 'reason' || need === 'leadUnit' ? reason || null : null,
      leadUnitId: need === 'leadUnit' ? leadUnitId || null : null,
      assigneeCadreId: need === 'assignee' ? assignee || null : null,
      closingReason: need === 'closingReason' ? closingReason : null,
      duplicateOf: need === 'duplicateOf' ? duplicateOf || null : null,
    };
    if (await act({ input })) {
      setAction(null);
      onChanged();
    }
  };

  return (
    <div className="event-actions" id="event-actions">
      <div className="actions">
        {e.allowedActions.map((a) => (
          <button key={a} type="button" data-action={a} className={action === a ? 'primary' : ''} disabled={state.busy}
            onClick={() => { reset(); if (actionNeeds(a) === 'none') void submit(a); else setAction(a); }}>
            {EVENT_ACTIONS[a] ?? a}
          </button>
        ))}
      </div>
      {action && (
        <form className="form" onSubmit={(ev) => { ev.preventDefault(); void submit(action); }}>
          {actionNeeds(action) === 'leadUnit' && (
            <label>承办单位<select name="leadUnit" value={leadUnitId} required onChange={(ev) => setLeadUnit(ev.target.value)}>
              <option value="">请选择</option>
              {units.data?.platformUnits.map((u) => (
                <option key={u.id} value={u.id}>{u.name}{u.id === e.recommendation?.unit?.id ? '（推荐）' : ''}</option>
              ))}
            </select></label>
          )}
          {actionNeeds(action) === 'assignee' && (
            <label>承办人<select name="assignee" value={assignee} required onChange={(ev) => setAssignee(ev.target.value)}>
              <option value="">请选择</option>
              {people.data?.cadres.nodes.map((c) => (
                <option key={c.id} value={c.id}>{c.name} · {c.agency.name}{c.id === e.recommendation?.cadre?.id ? '（推荐）' : ''}</option>
              ))}
            </select></label>
          )}
          {actionNeeds(action) === 'closingReason' && (
            <label>办结方式<select name="closingReason" value={closingReason} onChange={(ev) => setClosing(ev.target.value)}>
              {Object.entries(CLOSING_REASONS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
            </select></label>
          )}
          {actionNeeds(action) === 'duplicateOf' && (
            <label>重复于<select name="duplicateOf" value={duplicateOf} required onChange={(ev) => setDuplicateOf(ev.target.value)}>
              <option value="">请选择</option>
              {duplicates.data?.duplicateCandidates.map((d) => (
                <option key={d.id} value={d.id}>{d.matterType} · {d.location ?? ''} · {dateTime(d.reportedAt)}</option>
              ))}
            </select></label>
          )}
          {(actionNeeds(action) === 'reason' || actionNeeds(action) === 'leadUnit') && (
            <label>{actionNeeds(action) === 'leadUnit' ? '说明（派往非本条线单位时必填）' : '理由'}
              <input name="reason" value={reason} required={actionNeeds(action) === 'reason'} maxLength={500}
                onChange={(ev) => setReason(ev.target.value)} /></label>
          )}
          <button type="submit" className="primary" disabled={state.busy}>确认{EVENT_ACTIONS[action]}</button>
        </form>
      )}
      {state.error ? <ErrorBox error={state.error} /> : null}
    </div>
  );
}
