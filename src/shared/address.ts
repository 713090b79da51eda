/**
 * "host:port" for people and logs, with an IPv6 address in brackets ("[fd00::1]:5050", RFC 3986
 * section 3.2.2), so the port cannot be read as part of the address. A host already in brackets
 * stays as it is. Runs in the main process and the renderer alike.
 */
export function hostPort(host: string, port: number | string): string {
  const bracketed = host.startsWith('[') && host.endsWith(']');
  return !bracketed && host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
