/** Renderer process. First start: this instance runs either the doctor's or a patient's app. */
import { useId } from 'react';
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

export function RoleChooser({ onChosen }: { onChosen: (info: AppInfo) => void }) {
  const api = useApi();
  const id = useId();
  const action = useAction();
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
              type="button"
              className="role-choice"
              aria-describedby={`${id}-${c.role}`}
              disabled={action.busy}
              onClick={() => void choose(c.role)}
            >
              <span className="role-choice-name">{c.name}</span>
              {/* Hidden from the name (so the button is called exactly c.name), read as its description. */}
              <span className="role-choice-description" id={`${id}-${c.role}`} aria-hidden="true">
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
