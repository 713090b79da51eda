/**
 * Renderer process. One line that says where the session stands; blocked gets a countdown to the
 * end of the block, reconnecting one to the next attempt, disconnected says why.
 */
import type { PatientStatus } from '../../shared/contract.js';
import { describeCountdown, formatCountdown } from '../common/format.js';
import { useNow } from '../common/useNow.js';
import { hostPort } from '../../shared/address.js';

/**
 * `quiet`: the join form shows an error of its own (a field, a refused connection), so an ended
 * session's older reason is not shown beside it: one current error at a time.
 */
export function SessionBanner({ status, quiet = false }: { status: PatientStatus; quiet?: boolean }) {
  // Always mounted: the region announces each change of state.
  const shown = quiet && status.state === 'disconnected' ? { ...status, state: 'idle' as const } : status;
  return (
    <div role="status" className="session-status">
      <BannerContent status={shown} />
    </div>
  );
}

function BannerContent({ status }: { status: PatientStatus }) {
  const where = status.doctor ? hostPort(status.doctor.host, status.doctor.port) : 'the doctor';
  switch (status.state) {
    case 'idle':
      return <p className="banner banner-info">Not connected. Enter the doctor&apos;s address and your patient ID, then Connect.</p>;
    case 'generating-group':
      return <p className="banner banner-info">Preparing a fresh group before connecting to {where}…</p>;
    case 'connecting':
      return <p className="banner banner-info">Connecting to {where}…</p>;
    case 'handshake':
      return <p className="banner banner-info">Authenticating with the doctor at {where}…</p>;
    case 'admitted':
      return (
        <p className="banner banner-ok">
          <strong>Admitted.</strong> The doctor&apos;s messages appear below.
        </p>
      );
    case 'blocked':
      return <BlockedBanner until={status.blockedUntil} reason={status.reason} />;
    case 'key-changed':
      return (
        <p className="banner banner-bad">
          <strong>Connection refused:</strong> the doctor&apos;s key changed. See the warning above.
        </p>
      );
    case 'reconnecting':
      return <ReconnectingBanner status={status} where={where} />;
    case 'disconnected':
      return (
        <p className="banner banner-warn">
          <strong>Disconnected.</strong> {status.reason ?? 'The session ended.'}
        </p>
      );
  }
}

function ReconnectingBanner({ status, where }: { status: PatientStatus; where: string }) {
  const at = status.reconnect?.at ?? null;
  const now = useNow(at !== null);
  const left = at === null ? 0 : Math.max(0, at - now);
  return (
    <div className="banner banner-warn">
      <p>
        <strong>Connection lost.</strong> {status.reason ?? ''}
      </p>
      <p>
        Reconnecting to {where} in{' '}
        <span role="timer" className="countdown" aria-label={describeCountdown(left)}>
          {formatCountdown(left)}
        </span>
        {status.reconnect ? ` (attempt ${status.reconnect.attempt})` : ''}. Use Stop reconnecting to give up.
      </p>
    </div>
  );
}

function BlockedBanner({ until, reason }: { until: number | null; reason: string | null }) {
  const now = useNow(until !== null);
  const left = until === null ? 0 : until - now;
  return (
    <div className="banner banner-bad banner-large">
      <p>
        <strong>You are blocked from this conference.</strong>
        {reason ? ` ${reason}` : ''}
      </p>
      {until === null ? null : left > 0 ? (
        <p>
          You can connect again in{' '}
          <span role="timer" className="countdown" aria-label={describeCountdown(left)}>
            {formatCountdown(left)}
          </span>
          , or sooner if the doctor lifts the block: <strong>Try again</strong> asks the doctor now.
        </p>
      ) : (
        <p>The block has ended. You can connect again.</p>
      )}
    </div>
  );
}
