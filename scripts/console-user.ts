// `npm run console-user -- add <name> <admin|helpdesk>`, `reset <name>`, `role <name> <admin|helpdesk>`,
// `remove <name>`, `list`: local console accounts for the embedded default. A generated password is
// printed once; only its hash is kept. Reset, role change and removal end the account's sessions.
import { addLocalUser, consoleUsersFile, readLocalUsers, removeLocalUser, setLocalUserRole } from '../lib/auth/local-users';
import { isRole } from '../lib/auth/roles';
import { endSessionsOf } from '../lib/auth/session-records';
import { generatePassword } from '../lib/secret/password';

const [command, username, role] = process.argv.slice(2);
const file = consoleUsersFile();
const usage =
  'Usage: npm run console-user -- add <name> <admin|helpdesk>  |  reset <name>  |  role <name> <admin|helpdesk>  |  remove <name>  |  list';

async function main(): Promise<number> {
  if (command === 'list') {
    for (const user of await readLocalUsers(file)) console.log(`${user.username}\t${user.role}`);
    return 0;
  }
  if (!username || !/^[\w][\w@.-]{0,99}$/.test(username)) {
    console.error(usage);
    return 2;
  }
  const existing = (await readLocalUsers(file)).find((u) => u.username === username);
  if (command === 'add') {
    if (!isRole(role)) {
      console.error(`The role must be admin or helpdesk.\n${usage}`);
      return 2;
    }
    if (existing) {
      console.error(`${username} already exists; use reset to give it a new password.`);
      return 1;
    }
  } else if (command === 'reset' || command === 'role' || command === 'remove') {
    if (command === 'role' && !isRole(role)) {
      console.error(`The role must be admin or helpdesk.\n${usage}`);
      return 2;
    }
    if (!existing) {
      console.error(`There is no console user named ${username} in ${file}.`);
      return 1;
    }
    if (command === 'role' && isRole(role)) {
      await setLocalUserRole(file, username, role);
      const ended = await endSessionsOf(username);
      console.log(`${username} is now ${role}; ${ended} session(s) ended.`);
      return 0;
    }
    if (command === 'remove') {
      await removeLocalUser(file, username);
      const ended = await endSessionsOf(username);
      console.log(`${username} removed; ${ended} session(s) ended.`);
      return 0;
    }
  } else {
    console.error(usage);
    return 2;
  }
  const password = generatePassword();
  await addLocalUser(file, { username, role: existing?.role ?? (role as 'admin' | 'helpdesk'), password });
  if (existing) await endSessionsOf(username);
  // Shown once, here only: the file keeps the argon2id hash.
  console.log(`${username} (${existing?.role ?? role}) can sign in with password: ${password}`);
  return 0;
}

process.exitCode = await main();
