/** `npm run users:grant -- <email> <role>`: adds a role; tokens issued afterwards carry it. */
import { getAccountsStore, ROLES, type Role } from '../auth';
import { createKnex, loadConfig } from '../platform';
import { cliArgs, fail, runCli } from './context';

async function main() {
  const usage = `npm run users:grant -- <email> <${ROLES.join('|')}>`;
  const { positionals } = cliArgs({
    usage,
    help: 'Grants a role to the account with this email; tokens issued after that carry it.',
    positionals: { min: 2, max: 2 },
  });
  const [email, role] = positionals as [string, string];
  if (!ROLES.includes(role as Role)) fail(`no role ${role}\nusage: ${usage}`);
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
