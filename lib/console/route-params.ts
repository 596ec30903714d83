// Route segments as the console reads them: a segment that cannot be decoded, or names a server
// or user that cannot exist, is a missing page (404), never a failure.
import { SERVER_ID_PATTERN, USERNAME_PATTERN } from '../secret/contract';

export function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export function serverIdFromSegment(segment: string): string | null {
  const decoded = decodeSegment(segment);
  return decoded !== null && SERVER_ID_PATTERN.test(decoded) ? decoded : null;
}

export function usernameFromSegment(segment: string): string | null {
  const decoded = decodeSegment(segment);
  return decoded !== null && USERNAME_PATTERN.test(decoded) && !decoded.includes('..') ? decoded : null;
}
