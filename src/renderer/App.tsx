/**
 * Renderer process. Loads AppInfo, then shows the role chooser or that role's app under the header.
 */
import { useCallback, useEffect, useState } from 'react';
import type { AppInfo } from '../shared/contract.js';
import { useAction, useApi } from './common/ApiContext.js';
import { BridgeBanner } from './common/BridgeBanner.js';
import { Header } from './common/Header.js';
import { InlineAlert } from './common/InlineAlert.js';
import { RoleChooser } from './common/RoleChooser.js';
import { DoctorApp } from './doctor/DoctorApp.js';
import { PatientApp } from './patient/PatientApp.js';

export function App() {
  const api = useApi();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const load = useAction();
  const { run } = load;

  const loadInfo = useCallback(async () => {
    const result = await run(() => api.invoke('app.info', undefined));
    if (result) setInfo(result.value);
  }, [api, run]);

  useEffect(() => {
    void run(() => api.invoke('app.info', undefined)).then((result) => {
      if (result) setInfo(result.value);
    });
  }, [api, run]);

  let body;
  if (!info) {
    body = (
      <main className="main" id="main">
        {load.error ? (
          <div className="stack">
            <InlineAlert message={load.error} />
            <div>
              <button type="button" onClick={() => void loadInfo()} disabled={load.busy}>
                Try again
              </button>
            </div>
          </div>
        ) : (
          <p className="muted" role="status">
            Connecting to MedChatSecure…
          </p>
        )}
      </main>
    );
  } else if (info.role === 'doctor') {
    body = <DoctorApp />;
  } else if (info.role === 'patient') {
    body = <PatientApp />;
  } else {
    body = <RoleChooser lastRole={info.lastRole} onChosen={setInfo} />;
  }

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header info={info} />
      <BridgeBanner />
      {body}
    </div>
  );
}
