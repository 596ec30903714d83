/** Shown in place of data AWS did not return. */
export function LoadError({ message }: { message: string }) {
  return (
    <p className="alert error" role="alert">
      {message}
    </p>
  );
}
