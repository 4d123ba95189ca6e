// `npm run token -- <create|list|revoke> ...`: manages editor tokens in the local D1, or with
// --remote in the deployed one. `create` prints only the token on stdout, so it can be captured:
//   TOKEN=$(npm run --silent token -- create --name alice --role editor)
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { generateToken, hashToken, RoleSchema, TokenNameSchema } from '../src/domain/token';
import { insertTokenSql, LIST_TOKENS_SQL, revokeTokenSql } from '../src/storage/tokens';
import { applyMigrations, wrangler } from './lib/wrangler';

const USAGE = `Usage:
  npm run token -- create --name NAME --role contributor|editor|admin [--remote]
  npm run token -- list [--remote]
  npm run token -- revoke --id ID [--remote]`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

const { positionals, values } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { name: { type: 'string' }, role: { type: 'string' }, id: { type: 'string' }, remote: { type: 'boolean', default: false } },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
})();

const where = values.remote ? '--remote' : '--local';
const execute = (sql: string) => wrangler(['d1', 'execute', 'DB', where, '--json', '--command', sql], { capture: true });

/** The local database may not exist yet: migrate it first. The remote one is migrated by deploy steps. */
async function prepare(): Promise<void> {
  if (!values.remote) await applyMigrations('--local');
}

function check<S extends v.GenericSchema>(schema: S, value: unknown, flag: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (!result.success) fail(`--${flag} ${result.issues[0]?.message ?? 'is invalid'}`);
  return result.output;
}

const command = positionals[0];
if (command === 'create') {
  const name = check(TokenNameSchema, values.name, 'name');
  const role = check(RoleSchema, values.role, 'role');
  await prepare();
  const { id, token } = generateToken();
  await execute(insertTokenSql({ id, name, role, hash: await hashToken(token), created_at: new Date().toISOString(), revoked_at: null }));
  console.error(`Created ${role} token ${id} for ${name} (${where.slice(2)}). It is shown once; store it now.`);
  console.log(token);
} else if (command === 'list') {
  await prepare();
  const output = JSON.parse(await execute(LIST_TOKENS_SQL)) as { results: Record<string, unknown>[] }[];
  console.table(output[0]?.results ?? []);
} else if (command === 'revoke') {
  const id = check(v.pipe(v.string('is required'), v.regex(/^[a-z0-9]{16}$/, 'must be a token id')), values.id, 'id');
  await prepare();
  const output = JSON.parse(await execute(revokeTokenSql(id, new Date().toISOString()))) as { meta: { changes: number } }[];
  if (output[0]?.meta.changes !== 1) fail(`No live token has the id ${id}.`);
  console.error(`Revoked token ${id}.`);
} else {
  fail(command === undefined ? 'Say what to do: create, list or revoke.' : `Unknown command "${command}".`);
}
