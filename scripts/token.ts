// `npm run token -- <create|list|revoke> ...`: manages editor tokens in the local D1, or with
// --remote in the deployed one. `create` prints only the token on stdout, so it can be captured:
//   TOKEN=$(npm run --silent token -- create --name alice --role editor)
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { generateToken, hashToken, RoleSchema, TokenNameSchema } from '../src/domain/token';
import { findTokenSql, insertTokenSql, LIST_TOKENS_SQL, liveTokenNamedSql, revokeTokenSql } from '../src/storage/tokens';
import { applyMigrations, d1Runner, d1TargetOf } from './lib/wrangler';

const USAGE = `Usage:
  npm run token -- create --name NAME --role contributor|editor|admin [--remote | --persist-to DIR]
  npm run token -- list [--remote | --persist-to DIR]
  npm run token -- revoke --id ID [--remote | --persist-to DIR]
--persist-to keeps the local database in DIR instead of .wrangler/state.`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/** Stops with a clear message when the command could not do what it was asked (not a usage error). */
function refuse(message: string): never {
  console.error(message);
  process.exit(1);
}

const { positionals, values } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        role: { type: 'string' },
        id: { type: 'string' },
        remote: { type: 'boolean', default: false },
        'persist-to': { type: 'string' },
      },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
})();

const target = d1TargetOf(values) ?? fail('--persist-to is for the local database; it cannot go with --remote.');
const where = values.remote ? 'remote' : 'local';
const run = d1Runner(target);

/**
 * Runs a write and then reads the token back, in one `wrangler d1 execute` (statements run in
 * order), and returns the token as the database then has it. Writes are checked by reading back,
 * never by the count of changed rows in wrangler's JSON: `--local --json` reports no `meta.changes`.
 */
async function writeAndReadBack(write: string, id: string): Promise<Record<string, string | number | null> | null> {
  const [row] = await run(`${write} ${findTokenSql(id)}`);
  return row ?? null;
}

/** The local database may not exist yet: migrate it first. The remote one is migrated by deploy steps. */
async function prepare(): Promise<void> {
  if (!values.remote) await applyMigrations(target);
}

function check<S extends v.GenericSchema>(schema: S, value: unknown, flag: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (!result.success) fail(`--${flag} ${result.issues[0]?.message ?? 'is invalid'}`);
  return result.output;
}

/** Runs one command; what it prints on stderr says what it did. */
async function main(command: string | undefined): Promise<void> {
  if (command === 'create') {
    const name = check(TokenNameSchema, values.name, 'name');
    const role = check(RoleSchema, values.role, 'role');
    await prepare();
    const [holder] = await run(liveTokenNamedSql(name));
    if (holder !== undefined) {
      refuse(
        `Live token ${String(holder.id)} (${String(holder.role)}) already has the name ${name}: a contributor's issues belong to its name. Revoke it first to replace it, or choose another name.`,
      );
    }
    const { id, token } = generateToken();
    const insert = insertTokenSql({ id, name, role, hash: await hashToken(token), created_at: new Date().toISOString(), revoked_at: null });
    if ((await writeAndReadBack(insert, id)) === null)
      refuse(`wrangler ran the INSERT, but the database has no token ${id}; nothing was created.`);
    console.error(`Created ${role} token ${id} for ${name} (${where}). It is shown once; store it now.`);
    console.log(token);
  } else if (command === 'list') {
    await prepare();
    console.table(await run(LIST_TOKENS_SQL));
  } else if (command === 'revoke') {
    const id = check(v.pipe(v.string('is required'), v.regex(/^[a-z0-9]{16}$/, 'must be a token id')), values.id, 'id');
    await prepare();
    const at = new Date().toISOString();
    const stored = await writeAndReadBack(revokeTokenSql(id, at), id);
    if (stored === null) refuse(`No token has the id ${id} (${where}); nothing was revoked. \`npm run token -- list\` shows the ids.`);
    if (stored.revoked_at === null) refuse(`Token ${id} is still live: the revocation did not take. Try again.`);
    if (stored.revoked_at !== at) refuse(`Token ${id} was already revoked at ${stored.revoked_at}; nothing changed.`);
    console.error(`Revoked token ${id} (${stored.name}, ${stored.role}).`);
  } else {
    fail(command === undefined ? 'Say what to do: create, list or revoke.' : `Unknown command "${command}".`);
  }
}

await main(positionals[0]).catch((error: unknown) => {
  // wrangler failed (its own output above says why), so whether a write landed is not known here.
  refuse(`${error instanceof Error ? error.message : String(error)}. \`npm run token -- list\` shows what the database now holds.`);
});
