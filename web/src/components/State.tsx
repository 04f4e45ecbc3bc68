import type { ReactNode } from 'react';
import { ApiError, describeError } from '../api/errors';

/** Loading, error, FORBIDDEN and empty states, the same on every screen. */
export function Loading({ what = '数据' }: { what?: string }) {
  return <div className="state state-loading" role="status">正在加载{what}…</div>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { title, message, rule } = describeError(error);
  const forbidden = error instanceof ApiError && error.code === 'FORBIDDEN';
  return (
    <div className={forbidden ? 'state state-forbidden' : 'state state-error'} role="alert"
      data-code={error instanceof ApiError ? error.code : 'INTERNAL'} data-rule={rule ?? ''}>
      <strong>{title}</strong>
      {message && <span className="state-message">{message}</span>}
      {rule && <code className="rule">规则 {rule}</code>}
      {onRetry && !forbidden && <button type="button" onClick={onRetry}>重试</button>}
    </div>
  );
}

/** Renders the children once data is there; otherwise the loading or error state. */
export function Guard<T>({ state, children, what }: {
  state: { data: T | undefined; error: unknown; loading: boolean; reload?: () => void };
  children: (data: T) => ReactNode;
  what?: string;
}) {
  if (state.error && !state.data) return <ErrorBox error={state.error} onRetry={state.reload} />;
  if (state.loading && !state.data) return <Loading what={what} />;
  if (!state.data) return <Loading what={what} />;
  return <>{children(state.data)}</>;
}
