#!/usr/bin/env node
/**
 * `medchat`: the terminal front end of the same engine the desktop app runs.
 *   medchat doctor | patient | audit | perf | fingerprint | web
 */
import { runDoctorCommand, DOCTOR_USAGE } from './doctor-command.js';
import { runPatientCommand, PATIENT_USAGE } from './patient-command.js';
import { runAuditCommand, runFingerprintCommand, runPerfCommand, AUDIT_USAGE, PERF_USAGE, FINGERPRINT_USAGE } from './records-commands.js';
import { UsageError } from './args.js';
import { runWebCommand } from '../ipc/web-command.js';
import { ServiceError } from '../ipc/services.js';

const USAGE = `MedChatSecure: secure telemedical conferences.

${DOCTOR_USAGE}

${PATIENT_USAGE}

${AUDIT_USAGE}
${PERF_USAGE}
${FINGERPRINT_USAGE}
Usage: medchat web [--role doctor|patient] [--data-dir DIR] [--host 127.0.0.1] [--port 0]   (the UI in a browser)`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'doctor':
        return await runDoctorCommand(rest);
      case 'patient':
        return await runPatientCommand(rest);
      case 'audit':
        return runAuditCommand(rest);
      case 'perf':
        return runPerfCommand(rest);
      case 'fingerprint':
        return runFingerprintCommand(rest);
      case 'web':
        return await runWebCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 64 : 0;
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`medchat: ${error.message}\nRun "medchat help" for usage.`);
      return 64;
    }
    if (error instanceof ServiceError || (error as Error).name === 'StoreError') {
      console.error(`medchat: ${(error as Error).message}`);
      return 1;
    }
    console.error(`medchat: unexpected error: ${(error as Error).message}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 1;
  },
);
