'use client';

import { useSyncExternalStore } from 'react';

type Theme = 'light' | 'dark' | 'system';

function subscribe(onChange: () => void) {
  window.addEventListener('storage', onChange);
  window.addEventListener('themechange', onChange);
  return () => {
    window.removeEventListener('storage', onChange);
    window.removeEventListener('themechange', onChange);
  };
}

function savedTheme(): Theme {
  const saved = localStorage.getItem('theme');
  return saved === 'light' || saved === 'dark' ? saved : 'system';
}

export function ThemeToggle() {
  const theme = useSyncExternalStore(subscribe, savedTheme, () => 'system');
  function choose(next: Theme) {
    if (next === 'system') {
      localStorage.removeItem('theme');
      delete document.documentElement.dataset.theme;
    } else {
      localStorage.setItem('theme', next);
      document.documentElement.dataset.theme = next;
    }
    window.dispatchEvent(new Event('themechange'));
  }
  return (
    <div className="field" style={{ margin: 0 }}>
      <label htmlFor="theme">Theme</label>
      <select id="theme" value={theme} onChange={(e) => choose(e.target.value as Theme)}>
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </div>
  );
}
