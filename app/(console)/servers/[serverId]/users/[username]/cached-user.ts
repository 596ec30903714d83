import 'server-only';
import { cache } from 'react';
import { getUserForEdit } from '@/lib/console/users';

/** One read of the user per request, shared by the layout (404 before streaming) and the page. */
export const cachedUser = cache((serverId: string, username: string) => getUserForEdit(serverId, username));
