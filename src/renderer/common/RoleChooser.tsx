/**
 * Renderer process. At start: this instance runs either the doctor's or a patient's app. The role
 * this computer used last is marked and has the focus, so Enter (or one click) goes on with it;
 * the other stays one Tab away.
 */
import { useEffect, useId, useRef } from 'react';
import type { AppInfo, Role } from '../../shared/contract.js';
import { useAction, useApi } from './ApiContext.js';
import { InlineAlert } from './InlineAlert.js';

const CHOICES: { role: Role; name: string; description: string }[] = [
  {
    role: 'doctor',
    name: 'Doctor — run a conference',
    description: 'Listen for patients, admit or block them, and broadcast encrypted messages to everyone admitted.',
  },
  {
    role: 'patient',
    name: 'Patient — join a conference',
    description: "Connect to your doctor, check the doctor's fingerprint, and read the doctor's messages.",
  },
];

export function RoleChooser({ lastRole, onChosen }: { lastRole: Role | null; onChosen: (info: AppInfo) => void }) {
  const api = useApi();
  const id = useId();
  const action = useAction();
  const last = useRef<HTMLButtonElement | null>(null);
  useEffect(() => last.current?.focus(), []);
  const choose = async (role: Role) => {
    const result = await action.run(() => api.invoke('app.chooseRole', { role }));
    if (result) onChosen(result.value);
  };
  return (
    <main className="main role-chooser" id="main">
      <h2 id={`${id}-title`}>How will you use MedChatSecure on this computer?</h2>
      <p className="hint">Each MedChatSecure instance runs one role: the doctor who runs the conference, or a patient who joins it.</p>
      <ul className="role-choices" aria-labelledby={`${id}-title`}>
        {CHOICES.map((c) => (
          <li key={c.role}>
            <button
              ref={c.role === lastRole ? last : undefined}
              type="button"
              className={c.role === lastRole ? 'role-choice role-choice-last' : 'role-choice'}
              aria-describedby={`${id}-${c.role}`}
              disabled={action.busy}
              onClick={() => void choose(c.role)}
            >
              {c.role === lastRole ? (
                <span className="badge badge-ok role-choice-badge" aria-hidden="true">
                  Last used on this computer
                </span>
              ) : null}
              <span className="role-choice-name">{c.name}</span>
              {/* Hidden from the name (so the button is called exactly c.name), read as its description. */}
              <span className="role-choice-description" id={`${id}-${c.role}`} aria-hidden="true">
                {c.role === lastRole ? <span className="visually-hidden">Last used on this computer. </span> : null}
                {c.description}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <InlineAlert message={action.error} />
    </main>
  );
}
