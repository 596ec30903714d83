// `npm run console-user -- add <name> <admin|helpdesk>` or `-- reset <name>`: local console
// accounts for the embedded default. The generated password is printed once; only its hash is kept.
import { addLocalUser, consoleUsersFile, readLocalUsers } from '../lib/auth/local-users';
import { isRole } from '../lib/auth/roles';
import { generatePassword } from '../lib/secret/password';

const [command, username, role] = process.argv.slice(2);
const file = consoleUsersFile();
const usage = 'Usage: npm run console-user -- add <name> <admin|helpdesk>   |   npm run console-user -- reset <name>   |   npm run console-user -- list';

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
  } else if (command === 'reset') {
    if (!existing) {
      console.error(`There is no console user named ${username} in ${file}.`);
      return 1;
    }
  } else {
    console.error(usage);
    return 2;
  }
  const password = generatePassword();
  await addLocalUser(file, { username, role: existing?.role ?? (role as 'admin' | 'helpdesk'), password });
  // Shown once, here only: the file keeps the argon2id hash.
  console.log(`${username} (${existing?.role ?? role}) can sign in with password: ${password}`);
  return 0;
}

process.exitCode = await main();
