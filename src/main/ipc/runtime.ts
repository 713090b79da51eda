/**
 * One app instance's state behind the IPC handlers: its role (chosen once), its data directory,
 * the doctor or patient service for that role, and the subscribers to the service's events. The
 * Electron shell and the browser mode each hold one AppRuntime and bind the same handlers to it.
 *
 * The engine's service modules are imported lazily, on the first chooseRole, so an instance only
 * loads the side it runs and this module stays importable before a role exists.
 */
import { join } from 'node:path';
import type { AppInfo, ChannelMethods, Role } from '../../shared/contract.js';
import { defaultBackendSelection } from '../crypto/engine.js';
import { readLastRole, writeLastRole } from './last-role.js';
import type { DoctorServiceOptions } from '../doctor/service.js';
import type { PatientServiceOptions } from '../patient/service.js';
import type { KeyVault } from '../store/index.js';
import { readAppVersion } from '../service/paths.js';
import { ServiceError, type DoctorServiceApi, type PatientServiceApi, type ServiceEvent, type ServiceListener } from '../service/services.js';

export type Shell = AppInfo['shell'];

/** How services are made: the real engine, with options a caller (a test, the CLI) may set. */
export interface ServiceFactories {
  createDoctorService(options: DoctorServiceOptions): Promise<DoctorServiceApi>;
  createPatientService(options: PatientServiceOptions): Promise<PatientServiceApi>;
}

export const ENGINE_FACTORIES: ServiceFactories = {
  async createDoctorService(options) {
    const { createDoctorService } = await import('../doctor/service.js');
    return createDoctorService(options);
  },
  async createPatientService(options) {
    const { createPatientService } = await import('../patient/service.js');
    return createPatientService(options);
  },
};

export interface AppRuntimeOptions {
  /** The app's data folder; each role keeps its data in its own subfolder (doctor/, patient/). */
  dataDir: string;
  shell: Shell;
  /** Chosen at start (CLI flag); otherwise the UI chooses through app.chooseRole. */
  role?: Role | undefined;
  /** The key vault for a role's folder (Electron's safeStorage); default: the 0600 key file. */
  keyVaultFor?: ((roleDir: string) => KeyVault | undefined) | undefined;
  version?: string | undefined;
  log?: ((line: string) => void) | undefined;
  /** Where `log` writes, to name in errors that send a person to it; null: stderr only. */
  logPath?: string | null | undefined;
  factories?: ServiceFactories | undefined;
}

type ActiveService = { role: 'doctor'; service: DoctorServiceApi } | { role: 'patient'; service: PatientServiceApi };

/** The target of the app.* channels (ChannelMethods<'app'>: info, chooseRole). */
export class AppRuntime implements ChannelMethods<'app'> {
  readonly dataDir: string;
  readonly shell: Shell;
  readonly log: (line: string) => void;
  readonly logPath: string | null;
  private readonly version: string;
  private readonly keyVaultFor: (roleDir: string) => KeyVault | undefined;
  private readonly factories: ServiceFactories;
  private readonly listeners = new Set<ServiceListener>();
  private chosenRole: Role | null = null;
  private starting: Promise<void> | null = null;
  private active: ActiveService | null = null;
  private unsubscribeService: (() => void) | null = null;
  private closing: Promise<void> | null = null;
  private lastRole: Role | null;

  constructor(options: AppRuntimeOptions) {
    this.dataDir = options.dataDir;
    this.shell = options.shell;
    this.version = options.version ?? readAppVersion();
    this.keyVaultFor = options.keyVaultFor ?? (() => undefined);
    this.factories = options.factories ?? ENGINE_FACTORIES;
    this.log = options.log ?? ((line) => console.error(line));
    this.logPath = options.logPath ?? null;
    this.lastRole = readLastRole(this.dataDir, this.log);
  }

  /** Creates a runtime and, when a role is given, its service. */
  static async start(options: AppRuntimeOptions): Promise<AppRuntime> {
    const runtime = new AppRuntime(options);
    if (options.role) await runtime.chooseRole(options.role);
    return runtime;
  }

  get role(): Role | null {
    return this.chosenRole;
  }

  get closed(): boolean {
    return this.closing !== null;
  }

  info(): AppInfo {
    return {
      role: this.chosenRole,
      lastRole: this.lastRole,
      version: this.version,
      shell: this.shell,
      dataDir: this.chosenRole ? this.roleDir(this.chosenRole) : this.dataDir,
      modexpBackend: defaultBackendSelection().backend.name,
    };
  }

  /**
   * Fixes this instance's role and starts its service. Choosing the same role again is a no-op
   * (a reloaded window asks again); a different role is refused, because one instance serves one
   * role for its whole life.
   */
  async chooseRole(role: Role): Promise<AppInfo> {
    this.assertOpen();
    if (this.chosenRole !== null && this.chosenRole !== role) {
      throw new ServiceError(
        'ROLE_ALREADY_CHOSEN',
        `This instance already runs as the ${this.chosenRole}; start another instance (with its own data directory) to be the ${role}.`,
      );
    }
    if (this.chosenRole === null) {
      this.chosenRole = role;
      this.starting = this.startService(role).catch((error: unknown) => {
        this.chosenRole = null;
        this.starting = null;
        throw error;
      });
    }
    await this.starting;
    return this.info();
  }

  /**
   * A role's own folder. Identity keys, pins and logs of a doctor and of a patient must never mix,
   * even when one person runs both roles on one machine at different times.
   */
  roleDir(role: Role): string {
    return join(this.dataDir, role);
  }

  private async startService(role: Role): Promise<void> {
    const dataDir = this.roleDir(role);
    const keyVault = this.keyVaultFor(dataDir);
    const options = { dataDir, log: this.log, ...(keyVault ? { keyVault } : {}) };
    const active: ActiveService =
      role === 'doctor'
        ? { role, service: await this.factories.createDoctorService(options) }
        : { role, service: await this.factories.createPatientService(options) };
    if (this.closing) {
      await active.service.close();
      return;
    }
    this.active = active;
    this.unsubscribeService = active.service.subscribe((event) => this.emit(event));
    if (this.lastRole !== role) writeLastRole(this.dataDir, role, this.log);
    this.lastRole = role;
  }

  /** The doctor service; NO_ROLE before a role is chosen, WRONG_ROLE in a patient instance. */
  doctor(): DoctorServiceApi {
    const active = this.requireActive('doctor');
    if (active.role !== 'doctor') throw wrongRole('doctor', active.role);
    return active.service;
  }

  /** The patient service; NO_ROLE before a role is chosen, WRONG_ROLE in a doctor instance. */
  patient(): PatientServiceApi {
    const active = this.requireActive('patient');
    if (active.role !== 'patient') throw wrongRole('patient', active.role);
    return active.service;
  }

  private requireActive(wanted: Role): ActiveService {
    this.assertOpen();
    if (this.chosenRole !== null && this.chosenRole !== wanted) throw wrongRole(wanted, this.chosenRole);
    if (!this.active) {
      throw new ServiceError(
        'NO_ROLE',
        this.chosenRole === null ? 'Choose doctor or patient first.' : `The ${this.chosenRole} service is still starting; try again in a moment.`,
      );
    }
    return this.active;
  }

  /** Receives every service event until the returned function is called. */
  subscribe(listener: ServiceListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private emit(event: ServiceEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // One broken subscriber (a closed window, a dead socket) must not starve the others.
        this.log(`runtime: an event subscriber failed on ${event.channel}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /**
   * Stops the service (a doctor tells its patients with opcode 60, a patient leaves with opcode 90)
   * and drops all subscribers. Safe to call more than once.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    try {
      await this.starting;
    } catch {
      // a service that failed to start has nothing to close
    }
    this.unsubscribeService?.();
    this.unsubscribeService = null;
    const active = this.active;
    this.active = null;
    this.listeners.clear();
    if (active) await active.service.close();
  }

  private assertOpen(): void {
    if (this.closing) throw new ServiceError('SHUTTING_DOWN', 'MedChatSecure is shutting down.');
  }
}

function wrongRole(wanted: Role, actual: Role): ServiceError {
  return new ServiceError('WRONG_ROLE', `This instance runs as the ${actual}; ${wanted} actions are not available here.`);
}
