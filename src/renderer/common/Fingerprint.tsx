/** Renderer process. A safety number, set so it can be read aloud group by group. */
export function Fingerprint({ value }: { value: string | null }) {
  if (!value) return <span className="muted">not known yet</span>;
  return <code className="fingerprint">{value}</code>;
}
