/** `npm run users:grant -- <email> <role>`: adds a role; tokens issued afterwards carry it. */
import { getAccountsStore, ROLES, type Role } from '../auth';
import { createKnex, loadConfig } from '../platform';
import { runCli } from './context';

async function main() {
  const [email, role] = process.argv.slice(2);
  if (!email || !role || !ROLES.includes(role as Role)) {
    console.error(`usage: npm run users:grant -- <email> <${ROLES.join('|')}>`);
    process.exit(2);
  }
  const knex = createKnex(loadConfig().databaseUrl, 1);
  try {
    const granted = await getAccountsStore(knex).grantRole(email, role as Role);
    if (!granted) {
      console.error(`no account with email ${email}`);
      process.exitCode = 1;
    } else {
      console.log(`granted ${role} to ${email}`);
    }
  } finally {
    await knex.destroy();
  }
}

runCli(main);
