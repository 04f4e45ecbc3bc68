import { useCallback, useEffect, useRef, useState } from 'react';
import type { TypedDocumentString } from '../gql/graphql';
import { request } from './client';

export interface QueryState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** One query per screen. `pollMs` refreshes it while the screen is open (the dispatch board);
 * a refresh keeps showing the last answer instead of flashing the loading state. */
export function useQuery<TResult, TVariables>(
  operation: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  options: { pollMs?: number; skip?: boolean } = {},
): QueryState<TResult> {
  const [data, setData] = useState<TResult>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(!options.skip);
  const key = JSON.stringify(variables);
  const generation = useRef(0);

  const run = useCallback(
    (quiet: boolean) => {
      if (options.skip) return;
      const mine = ++generation.current;
      if (!quiet) setLoading(true);
      request(operation, JSON.parse(key) as TVariables).then(
        (result) => {
          if (mine !== generation.current) return;
          setData(result);
          setError(undefined);
          setLoading(false);
        },
        (e: unknown) => {
          if (mine !== generation.current) return;
          setError(e);
          setLoading(false);
        },
      );
    },
    [operation, key, options.skip],
  );

  useEffect(() => {
    run(false);
    if (!options.pollMs) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'hidden') run(true);
    }, options.pollMs);
    return () => window.clearInterval(timer);
  }, [run, options.pollMs]);

  return { data, error, loading, reload: useCallback(() => run(true), [run]) };
}

export interface MutationState<TResult> {
  busy: boolean;
  error: unknown;
  result: TResult | undefined;
}

/** A mutation with its busy flag and last error, which the screen shows beside the form. */
export function useMutation<TResult, TVariables>(
  operation: TypedDocumentString<TResult, TVariables>,
): [(variables: TVariables) => Promise<TResult | undefined>, MutationState<TResult>, () => void] {
  const [state, setState] = useState<MutationState<TResult>>({ busy: false, error: undefined, result: undefined });
  const run = useCallback(
    async (variables: TVariables) => {
      setState({ busy: true, error: undefined, result: undefined });
      try {
        const result = await request(operation, variables);
        setState({ busy: false, error: undefined, result });
        return result;
      } catch (e) {
        setState({ busy: false, error: e, result: undefined });
        return undefined;
      }
    },
    [operation],
  );
  const reset = useCallback(() => setState({ busy: false, error: undefined, result: undefined }), []);
  return [run, state, reset];
}
