/** The result of an action, announced to screen readers as it changes. */
export function FormMessage({ state }: { state: { status: string; message?: string } }) {
  return (
    <div aria-live="polite" role="status">
      {state.status === 'error' && state.message ? <p className="alert error">{state.message}</p> : null}
      {state.status === 'success' && state.message ? <p className="alert ok">{state.message}</p> : null}
    </div>
  );
}
