// The users of a Lambda-backed server: one Secrets Manager secret each, one file per job. Everything
// returned is a plain object without any password, hash or other secret value.
export { TAG_MANAGED, TAG_PENDING_DELETION, TAG_UID, USERS_PAGE_SIZE, requireManageableServer, type PublicKeyView } from './shared';
export {
  listPendingDeletion,
  listUsers,
  USER_SORTS,
  USER_STATUSES,
  type PendingDeletionRow,
  type UserList,
  type UserRow,
  type UserSort,
  type UserStatus,
} from './list';
export { getUserForEdit, type UserDetail } from './read';
export { createUser, type CreateResult } from './create';
export { updateUser, type UpdateResult } from './edit';
export { existingPasswords, resetPassword, RESETTABLE_PASSWORDS, slotLabel, type ExistingPassword, type PasswordSlot } from './passwords';
export { changeUserDisabled, deleteUser, restoreUser, setUserDisabled } from './access';
export { testLogin, type TestLoginResult } from './test-login';
export { reserveUid, uidUsage } from './uid-usage';
export { previewUser, type UserPreview } from './preview';
