/** Renderer process. Says plainly when the page has lost its connection to the app. */
import { useBridgeStatus } from './ApiContext.js';

export function BridgeBanner() {
  const status = useBridgeStatus();
  return (
    <div role="alert" className={status.state === 'lost' ? 'bridge-banner' : 'alert-empty'}>
      {status.state === 'lost' ? <strong>{status.message}</strong> : null}
    </div>
  );
}
