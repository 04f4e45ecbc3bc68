import type { User } from 'oidc-client-ts';
import { useEffect, useState } from 'react';
import { useQuery } from './api/hooks';
import { InboxSummaryQuery, MeQuery } from './api/operations';
import { currentUser, login, logout, userManager } from './auth';
import { ErrorBox, Loading } from './components/State';
import { ROLE_NAMES, landingScreen, screensFor, type Binding, type ScreenId } from './roles';
import { AssessmentScreen } from './screens/Assessment';
import { DispatchScreen } from './screens/Dispatch';
import { InboxScreen } from './screens/Inbox';
import { MyPage } from './screens/MyPage';
import { Overview } from './screens/Overview';
import { QuotaScreen } from './screens/Quota';
import { RosterScreen } from './screens/Roster';

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const on = () => setHash(window.location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash;
}

export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => {
    void currentUser().then(setUser);
    const loaded = (u: User) => setUser(u);
    const gone = () => setUser(null);
    userManager.events.addUserLoaded(loaded);
    userManager.events.addUserUnloaded(gone);
    userManager.events.addSilentRenewError(gone);
    return () => {
      userManager.events.removeUserLoaded(loaded);
      userManager.events.removeUserUnloaded(gone);
      userManager.events.removeSilentRenewError(gone);
    };
  }, []);

  if (user === undefined) return <Loading what="登录状态" />;
  if (user === null) return <Welcome />;
  return <SignedIn />;
}

function Welcome() {
  return (
    <main className="welcome">
      <h1>县属乡用 · 管理端</h1>
      <p>派驻干部编制、调整、考核评优与乡镇指挥调度</p>
      <button type="button" id="login" className="primary" onClick={() => void login()}>登录</button>
    </main>
  );
}

function SignedIn() {
  const me = useQuery(MeQuery, {});
  const hash = useHash();
  const [menuOpen, setMenuOpen] = useState(false);
  if (me.error) return <main className="content"><ErrorBox error={me.error} onRetry={me.reload} /></main>;
  if (!me.data) return <Loading what="用户信息" />;

  const bindings = me.data.me.roleBindings as Binding[];
  const screens = screensFor(bindings);
  const asked = hash.replace(/^#\/?/, '').split('?')[0];
  const current = landingScreen(bindings, asked);
  const roles = [...new Set(bindings.map((b) => ROLE_NAMES[b.role] ?? b.role))].join('、');

  return (
    <div className="shell">
      <header className="topbar">
        <button type="button" className="menu-toggle" aria-label="菜单" onClick={() => setMenuOpen(!menuOpen)}>☰</button>
        <span className="brand">县属乡用</span>
        <span className="who" id="who">{me.data.me.name ?? me.data.me.username}（{roles}）</span>
        <Bell />
        <button type="button" id="logout" onClick={() => void logout()}>退出</button>
      </header>
      <nav className={menuOpen ? 'sidebar open' : 'sidebar'} aria-label="功能">
        {screens.map((s) => (
          <a key={s.id} href={`#/${s.id}`} className={s.id === current ? 'active' : ''} data-screen={s.id}
            onClick={() => setMenuOpen(false)}>{s.title}</a>
        ))}
      </nav>
      <main className="content">
        {current ? <ScreenView id={current} bindings={bindings} /> : (
          <div className="state state-forbidden" role="alert"><strong>您的账号尚未分配可用的功能</strong>
            <span className="state-message">请联系管理员授予角色。</span></div>
        )}
      </main>
    </div>
  );
}

function ScreenView({ id, bindings }: { id: ScreenId; bindings: Binding[] }) {
  switch (id) {
    case 'overview':
      return <Overview canIssueReminders={bindings.some((b) => b.role === 'STAFFING_OFFICE')} />;
    case 'quota':
      return <QuotaScreen bindings={bindings} />;
    case 'roster':
      return <RosterScreen bindings={bindings} />;
    case 'dispatch':
      return <DispatchScreen />;
    case 'assessment':
      return <AssessmentScreen bindings={bindings} />;
    case 'me':
      return <MyPage bindings={bindings} />;
    case 'inbox':
      return <InboxScreen />;
  }
}

/** The open count of the person's 待办, on every screen (polled every 15 s, as the inbox is). */
function Bell() {
  const summary = useQuery(InboxSummaryQuery, {}, { pollMs: 15000 });
  const open = summary.data?.myInboxSummary.open;
  const overdue = summary.data?.myInboxSummary.overdue ?? 0;
  return (
    <a id="bell" href="#/inbox" className={overdue ? 'bell overdue' : 'bell'}
      aria-label={open === undefined ? '待办' : `待办 ${open} 件${overdue ? `，其中逾期 ${overdue} 件` : ''}`}>
      待办 <b>{open ?? '—'}</b>
    </a>
  );
}
