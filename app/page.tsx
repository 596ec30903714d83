export default function HomePage() {
  return (
    <main>
      <h1>Transfer Desk</h1>
      <p>The console is under construction.</p>
    </main>
  );
}
