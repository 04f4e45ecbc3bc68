import { useState } from 'react';
import { useQuery } from '../api/hooks';
import { InboxQuery } from '../api/operations';
import { Empty, Guard } from '../components/State';
import { dateTime } from '../format';

/** 待办: what the person's roles must act on, newest first; each item opens the thing itself.
 * Refreshed by polling while open (every 15 s): the gateway and ingress carry plain requests only,
 * and a 15 s delay is well inside every deadline the items carry. */
export function InboxScreen() {
  const [status, setStatus] = useState<'OPEN' | 'DONE'>('OPEN');
  const list = useQuery(InboxQuery, { status, after: null }, { pollMs: 15000 });
  const now = Date.now();
  return (
    <div className="panel" id="inbox">
      <h2>待办</h2>
      <div role="tablist" aria-label="待办状态">
        {(['OPEN', 'DONE'] as const).map((s) => (
          <button key={s} type="button" role="tab" aria-selected={s === status} data-status={s}
            className={s === status ? 'tab active' : 'tab'} onClick={() => setStatus(s)}>{s === 'OPEN' ? '待办' : '已办'}</button>
        ))}
      </div>
      <Guard state={list} what="待办">{(data) => data.myInbox.nodes.length === 0 ? <Empty>{status === 'OPEN' ? '没有待办事项。' : '没有已办事项。'}</Empty> : (
        <ul className="inbox-items">{data.myInbox.nodes.map((i) => (
          <li key={i.id} data-item={i.id} data-kind={i.kind}
            className={i.dueAt && !i.doneAt && Date.parse(i.dueAt) < now ? 'overdue' : ''}>
            {i.urgent ? <span className="badge urgent">紧急</span> : null}<a href={`#${i.link}`}>{i.title}</a>
            <span className="muted"> {dateTime(i.createdAt)}{i.dueAt ? ` · 期限 ${dateTime(i.dueAt)}` : ''}{i.doneAt ? ` · 办结 ${dateTime(i.doneAt)}` : ''}</span>
          </li>
        ))}</ul>
      )}</Guard>
    </div>
  );
}
