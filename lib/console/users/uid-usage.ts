// Which UIDs a server's users hold, so a new user gets a free one and a shared one is flagged: served
// from the user index (see ../user-index.ts), reserved at save by ../user-index-uids.ts.
export { reserveUid, uidUsage } from '../user-index-uids';
