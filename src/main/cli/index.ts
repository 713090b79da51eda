#!/usr/bin/env node
/**
 * `medchat`: the terminal front end of the same engine the desktop app runs.
 *   medchat doctor | patient | audit | perf | fingerprint | web
 */
import { runDoctorCommand, DOCTOR_COMMAND } from './doctor-command.js';
import { runPatientCommand, PATIENT_COMMAND } from './patient-command.js';
import { runAuditCommand, runFingerprintCommand, runPerfCommand, AUDIT_COMMAND, PERF_COMMAND, FINGERPRINT_COMMAND } from './records-commands.js';
import { USAGE_EXIT_CODE, UsageError } from './args.js';
import { runWebCommand, WEB_COMMAND } from './web-command.js';
import { ServiceError } from '../service/services.js';

const USAGE = `MedChatSecure: secure telemedical conferences.

${DOCTOR_COMMAND.usage}

${PATIENT_COMMAND.usage}

${AUDIT_COMMAND.usage}
${PERF_COMMAND.usage}
${FINGERPRINT_COMMAND.usage}

${WEB_COMMAND.usage}`;

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
        return command === undefined ? USAGE_EXIT_CODE : 0;
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`medchat: ${error.message}\nRun "medchat help" for usage.`);
      return USAGE_EXIT_CODE;
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
