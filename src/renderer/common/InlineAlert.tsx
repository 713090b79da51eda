/** Renderer process. An error shown next to the action that failed, read out when it appears. */
export function InlineAlert({ message, id }: { message: string | null; id?: string }) {
  // The live region stays mounted so that a new message is announced reliably.
  return (
    <div role="alert" id={id} className={message ? 'alert alert-error' : 'alert-empty'}>
      {message ? (
        <>
          <span className="alert-label">Error: </span>
          {message}
        </>
      ) : null}
    </div>
  );
}
