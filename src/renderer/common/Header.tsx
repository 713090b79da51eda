/** Renderer process. The app bar: name, the role this instance runs, and an About area. */
import type { AppInfo } from '../../shared/contract.js';

const ROLE_LABEL = { doctor: 'Doctor', patient: 'Patient' } as const;

export function Header({ info }: { info: AppInfo | null }) {
  return (
    <header className="app-header">
      <div className="app-title">
        <h1>MedChatSecure</h1>
        {info?.role ? (
          <span className="role-badge">
            <span className="visually-hidden">Role: </span>
            {ROLE_LABEL[info.role]}
          </span>
        ) : null}
      </div>
      {info ? (
        <details className="about">
          <summary>About</summary>
          <dl className="about-list">
            <dt>Version</dt>
            <dd>{info.version}</dd>
            <dt>Running as</dt>
            <dd>{info.shell === 'electron' ? 'Desktop app' : 'Browser mode'}</dd>
            <dt>Modexp backend</dt>
            <dd>{info.modexpBackend}</dd>
            <dt>Data folder</dt>
            <dd className="wrap-anywhere">{info.dataDir}</dd>
          </dl>
        </details>
      ) : null}
    </header>
  );
}
