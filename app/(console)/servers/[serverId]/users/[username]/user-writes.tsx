'use client';

// The latest write this page made to the user (from the help-desk panel), so the edit form follows
// its own writes even when the page's re-load after them fails.
import { createContext, useContext, useState, type ReactNode } from 'react';

export type OwnWrite = { versionId: string; disabled?: boolean };

const UserWrites = createContext<{ last: OwnWrite | null; noteWrite: (write: OwnWrite) => void }>({ last: null, noteWrite: () => {} });

export function UserWritesProvider({ children }: { children: ReactNode }) {
  const [last, noteWrite] = useState<OwnWrite | null>(null);
  return <UserWrites.Provider value={{ last, noteWrite }}>{children}</UserWrites.Provider>;
}

export const useUserWrites = () => useContext(UserWrites);
