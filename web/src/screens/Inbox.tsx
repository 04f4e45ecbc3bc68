import { useState } from 'react';
import { useMutation, useQuery } from '../api/hooks';
import { InboxQuery, MarkInboxItemReadMutation, NotificationSettingsQuery, SetNotificationSettingsMutation } from '../api/operations';
import { Empty, ErrorBox, Guard } from '../components/State';
import { config } from '../config';
import { dateTime } from '../format';

const CHANNEL_NAMES: Record<string, string> = { EMAIL: '电子邮件', DINGTALK: '钉钉', WECOM: '企业微信' };

/** 待办: what the person's roles must act on, newest first; each item opens the thing itself.
 * Refreshed by polling while open (every 15 s): the gateway and ingress carry plain requests only,
 * and a 15 s delay is well inside every deadline the items carry. */
export function InboxScreen() {
  const [status, setStatus] = useState<'OPEN' | 'DONE'>('OPEN');
  const [after, setAfter] = useState<string | null>(null);
  const list = useQuery(InboxQuery, { status, after }, { pollMs: 15000 });
  const [markRead, marking] = useMutation(MarkInboxItemReadMutation);
  const now = Date.now();
  return (
    <>
      <div className="panel" id="inbox">
        <h2>待办</h2>
        {marking.error ? <ErrorBox error={marking.error} /> : null}
        <div role="tablist" aria-label="待办状态">
          {(['OPEN', 'DONE'] as const).map((s) => (
            <button key={s} type="button" role="tab" aria-selected={s === status} data-status={s}
              className={s === status ? 'tab active' : 'tab'} onClick={() => { setStatus(s); setAfter(null); }}>{s === 'OPEN' ? '待办' : '已办'}</button>
          ))}
        </div>
        <Guard state={list} what="待办">{(data) => data.myInbox.nodes.length === 0 ? <Empty>{status === 'OPEN' ? '没有待办事项。' : '没有已办事项。'}</Empty> : (
          <>
            <ul className="inbox-items">{data.myInbox.nodes.map((i) => (
              <li key={i.id} data-item={i.id} data-kind={i.kind}
                className={i.dueAt && !i.doneAt && Date.parse(i.dueAt) < now ? 'overdue' : ''}>
                {i.urgent ? <span className="badge urgent">紧急</span> : null}<a href={`#${i.link}`}>{i.title}</a>
                <span className="muted"> {dateTime(i.createdAt)}{i.dueAt ? ` · 期限 ${dateTime(i.dueAt)}` : ''}{i.doneAt ? ` · 办结 ${dateTime(i.doneAt)}` : ''}</span>
                {i.information && !i.doneAt ? (
                  <button type="button" className="mark-read" disabled={marking.busy}
                    onClick={async () => { if (await markRead({ id: i.id })) list.reload(); }}>已阅</button>
                ) : null}
              </li>
            ))}</ul>
            <div className="pager">
              {after ? <button type="button" onClick={() => setAfter(null)}>回到最新</button> : null}
              {data.myInbox.pageInfo.hasNextPage ? <button type="button" onClick={() => setAfter(data.myInbox.pageInfo.endCursor ?? null)}>更早的</button> : null}
            </div>
          </>
        )}</Guard>
        {config.mailbox ? <p className="muted">演示环境：系统发出的邮件见 <a href={config.mailbox} target="_blank" rel="noreferrer">演示邮箱</a>。</p> : null}
      </div>
      <NotificationSettingsPanel />
    </>
  );
}

/** 通知设置: a daily digest instead of one message per item, quiet hours; urgent items always go at once. */
function NotificationSettingsPanel() {
  const current = useQuery(NotificationSettingsQuery, {});
  const [save, state] = useMutation(SetNotificationSettingsMutation);
  return (
    <Guard state={current} what="通知设置">{(data) => {
      const s = state.result?.setNotificationSettings ?? data.myNotificationSettings;
      return (
        <form className="panel form" id="notification-settings" onSubmit={async (e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          await save({ input: {
            digest: form.get('digest') === 'on',
            quietHours: form.get('quietHours') === 'on',
            byKind: s.byKind.map((k) => ({ kind: k.kind, channels: k.channels })),
          } });
        }}>
          <h2>通知设置</h2>
          {state.error ? <ErrorBox error={state.error} /> : null}
          <p className="muted">{s.reachable.length ? `新待办通过${s.reachable.map((c) => CHANNEL_NAMES[c] ?? c).join('、')}通知您。` : '暂无可用的通知渠道（本县尚未开通，或您的账号未登记邮箱、钉钉、企业微信），待办只在本页显示。'}</p>
          <label className="check"><input type="checkbox" name="digest" defaultChecked={s.digest} /> 每日汇总（非紧急待办每天早上 8 点汇总为一条）</label>
          <label className="check"><input type="checkbox" name="quietHours" defaultChecked={s.quietHours} /> 夜间免打扰（22:00–07:00，紧急事项除外）</label>
          <button type="submit" disabled={state.busy}>保存设置</button>
          {state.result ? <span role="status" className="muted"> 已保存</span> : null}
        </form>
      );
    }}</Guard>
  );
}
