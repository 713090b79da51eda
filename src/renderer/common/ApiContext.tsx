/**
 * Renderer process. Hands the MedchatApi to every component (tests can provide their own), and the
 * two hooks everything uses: useEvent to follow pushed events, useAction to run a call and keep
 * its error next to the control that started it.
 */
import { createContext, useCallback, useContext, useEffect, useEffectEvent, useState, useSyncExternalStore } from 'react';
import type { ReactNode } from 'react';
import type { ContractError, EventChannel, EventMap, Result } from '../../shared/contract.js';
import type { BridgeStatus, SocketApi } from '../bridge.js';

const ApiContext = createContext<SocketApi | null>(null);

export function ApiProvider({ api, children }: { api: SocketApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): SocketApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi: no ApiProvider above this component');
  return api;
}

/** Follows one pushed event for as long as the component is mounted. */
export function useEvent<E extends EventChannel>(channel: E, listener: (payload: EventMap[E]) => void): void {
  const api = useApi();
  const onEvent = useEffectEvent(listener);
  useEffect(() => api.on(channel, (payload) => onEvent(payload)), [api, channel]);
}

export function useBridgeStatus(): BridgeStatus {
  const api = useApi();
  return useSyncExternalStore(api.onStatus, api.status);
}

export interface Action {
  busy: boolean;
  error: string | null;
  /**
   * Runs one call; resolves to { value } on success, null on failure (the error is kept, unless
   * `onError` returns true: it showed the error itself, on the field at fault).
   */
  run<T>(call: () => Promise<Result<T>>, onError?: (error: ContractError) => boolean): Promise<{ value: T } | null>;
  setError(message: string | null): void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async <T,>(call: () => Promise<Result<T>>, onError?: (error: ContractError) => boolean): Promise<{ value: T } | null> => {
    setBusy(true);
    setError(null);
    try {
      const result = await call();
      if (result.ok) return { value: result.value };
      if (!onError?.(result.error)) setError(result.error.message);
      return null;
    } catch {
      setError('Something went wrong while talking to MedChatSecure. Try again.');
      return null;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}
