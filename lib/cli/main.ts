import { Command, CommanderError, InvalidArgumentError } from "commander";
import { asActor, cliActor } from "../audit/audit";
import { closeDatabase, getDatabase, openConfiguredDatabase, setDatabase } from "@/db/client";
import { listAccounts } from "@/db/queries/accounts";
import { listTiers } from "@/db/queries/tiers";
import { assignTier, createAccount, renameAccount, requireAccount, setAccountSuspension } from "../accounts";
import { createUser, listUsers, setPassword, setUserEnabled, setUserRole } from "../users";
import { ENGINES } from "../backends/backend-schema";
import { addBackend, listBackendsPublic, removeBackend, resealBackendKeys } from "../backends/registry";
import { CAPABILITIES } from "../models/capabilities";
import { addModel, listModels, removeModel } from "../models/manage";
import { accountBalance, addCredit } from "../billing/credit";
import { formatMoney } from "../format";
import { AppError } from "../errors";
import { EnvError } from "../env";
import { createKey, listKeysForOperator, resolveKeyRef, revokeKey, rotateKey } from "../keys/manage";
import { keyStatus } from "../keys/status";
import { addBillingCommands } from "./billing-commands";
import { explainFailure } from "./errors";
import { addModelPullCommand } from "./model-pull";
import { addPlatformCommands } from "./platform-commands";
import { addWorkerCommand } from "./worker-command";
import { json, list, table } from "./format";
import { PASSWORD_HELP, type SecretInput, passwordFrom, processInput, readSecretInput } from "./secrets";

type Out = { out: (s: string) => void; err: (s: string) => void; input?: SecretInput };

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("must be a positive integer");
  return n;
};

function build(io: Out): Command {
  const program = new Command("llmaas")
    .description("Administer an llmaas platform: accounts, users, API keys, backends, models, tiers and credit.")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  const account = program.command("account").description("Accounts (tenants: a company or team)");
  account
    .command("create")
    .description("Create an account")
    .requiredOption("--name <name>", "account name")
    .option("--tier <tier>", "tier name", "Tier 1")
    .action(async (o) => {
      const a = await createAccount({ name: o.name, tier: o.tier });
      io.out(`created account '${a.name}' (${a.id}) on ${o.tier}\n`);
    });
  account
    .command("list")
    .description("List accounts")
    .option("--json", "print JSON")
    .action(async (o) => {
      const rows = (await listAccounts()).map((a) => ({ ...a, status: a.suspendedAt ? "suspended" : "active" }));
      io.out((o.json ? json(rows) : table(rows, ["id", "name", "tier", "status", "createdAt"])) + "\n");
    });
  account
    .command("rename")
    .description("Rename an account")
    .requiredOption("--account <name>", "the account's current name")
    .requiredOption("--name <name>", "its new name")
    .action(async (o) => {
      const a = await requireAccount(o.account);
      await renameAccount({ accountId: a.id, name: o.name });
      io.out(`renamed account '${o.account}' to '${o.name.trim()}'\n`);
    });
  account
    .command("suspend")
    .description("Suspend an account: every key of it is refused (403 account_suspended) everywhere within a second; none is revoked")
    .requiredOption("--account <name>", "account name")
    .option("--reason <text>", "kept in the audit log")
    .action(async (o) => {
      const a = await requireAccount(o.account);
      const { changed } = await setAccountSuspension({ accountId: a.id, suspended: true, reason: o.reason });
      io.out(changed ? `suspended account '${a.name}': its keys are refused\n` : `account '${a.name}' was already suspended\n`);
    });
  account
    .command("unsuspend")
    .description("Unsuspend an account: the keys that were valid work again")
    .requiredOption("--account <name>", "account name")
    .option("--reason <text>", "kept in the audit log")
    .action(async (o) => {
      const a = await requireAccount(o.account);
      const { changed } = await setAccountSuspension({ accountId: a.id, suspended: false, reason: o.reason });
      io.out(changed ? `unsuspended account '${a.name}': its valid keys work again\n` : `account '${a.name}' was not suspended\n`);
    });

  const user = program.command("user").description("Users of the console");
  user
    .command("create")
    .description("Create a user in an account")
    .requiredOption("--email <email>", "sign-in email")
    .option("--password <password>", "password (at least 8 characters); see below for safer ways")
    .option("--password-stdin", "read the password from the first line of standard input")
    .requiredOption("--account <name>", "account the user belongs to")
    .option("--role <role>", "admin | member | finance", "member")
    .option("--name <name>", "display name")
    .option("--superadmin", "may administer the whole platform", false)
    .option("--temporary", "the password is temporary: the user must choose their own at first sign-in", false)
    .addHelpText("after", `\n${PASSWORD_HELP}\n`)
    .action(async (o) => {
      const u = await createUser({
        email: o.email,
        password: await passwordFrom(o, io.input ?? processInput),
        account: o.account,
        role: o.role,
        name: o.name,
        superadmin: o.superadmin,
        mustChangePassword: o.temporary,
      });
      io.out(`created user ${u.email} (${u.id}), ${u.role}${u.superadmin ? ", superadmin" : ""}${u.mustChangePassword ? "; must change the password at first sign-in" : ""}\n`);
    });
  user
    .command("password")
    .description("Set a user's password (their open console sessions end)")
    .requiredOption("--email <email>", "the user's email")
    .option("--password <password>", "new password (at least 8 characters); see below for safer ways")
    .option("--password-stdin", "read the password from the first line of standard input")
    .option("--temporary", "a reset: the user must choose their own at their next sign-in", false)
    .addHelpText("after", `\n${PASSWORD_HELP}\n`)
    .action(async (o) => {
      await setPassword({ email: o.email, password: await passwordFrom(o, io.input ?? processInput), temporary: o.temporary });
      io.out(`password ${o.temporary ? "reset" : "changed"} for ${o.email}${o.temporary ? "; they must choose their own at their next sign-in" : ""}\n`);
    });
  user
    .command("role")
    .description("Change a user's role (their open console sessions end, so it applies at once)")
    .requiredOption("--email <email>", "the user's email")
    .requiredOption("--role <role>", "admin | member | finance")
    .action(async (o) => {
      const u = await setUserRole({ email: o.email, role: o.role });
      io.out(`${u.email} is now ${u.role}\n`);
    });
  user
    .command("list")
    .description("List users")
    .option("--account <name>", "only this account's users")
    .option("--json", "print JSON")
    .action(async (o) => {
      const rows = (await listUsers({ account: o.account })).map((u) => ({ ...u, status: u.disabledAt ? "disabled" : u.mustChangePassword ? "must change password" : "active" }));
      io.out((o.json ? json(rows) : table(rows, ["id", "email", "account", "role", "superadmin", "status", "createdAt"])) + "\n");
    });
  user
    .command("disable")
    .description("Disable a user: no sign-in, their console session ends, every key they hold is revoked")
    .requiredOption("--email <email>", "the user's email")
    .action(async (o) => {
      const { user: u, revokedKeys } = await setUserEnabled({ email: o.email, enabled: false });
      io.out(`disabled ${u.email}; revoked ${revokedKeys} key${revokedKeys === 1 ? "" : "s"}\n`);
    });
  user
    .command("enable")
    .description("Enable a disabled user again (their revoked keys stay revoked)")
    .requiredOption("--email <email>", "the user's email")
    .action(async (o) => {
      const { user: u } = await setUserEnabled({ email: o.email, enabled: true });
      io.out(`enabled ${u.email}\n`);
    });

  const key = program.command("key").description("API keys");
  key
    .command("create")
    .description("Create an API key; the secret is printed once, alone on the last line")
    .requiredOption("--email <email>", "owner of the key")
    .requiredOption("--name <name>", "a name to recognise the key by")
    .option("--models <ids>", "comma-separated models the key may use (default: all)")
    .option("--expires <duration>", "lifetime such as 30d, 12h, 2w, 1y (default: never)")
    .action(async (o) => {
      const { key: k, secret } = await createKey({ email: o.email, name: o.name, models: list(o.models), expires: o.expires });
      io.out(`created key '${k.name}' (${k.id})${k.expiresAt ? `, expires ${k.expiresAt.toISOString()}` : ""}\n`);
      io.out(`store this secret now, it cannot be shown again:\n${secret}\n`);
    });
  key
    .command("list")
    .description("List API keys (never their secrets)")
    .option("--email <email>", "only this user's keys")
    .option("--json", "print JSON")
    .action(async (o) => {
      const rows = (await listKeysForOperator({ email: o.email })).map((k) => {
        const status = keyStatus(k);
        return {
          ...k,
          status,
          // While a rotation's grace runs, the replaced secret's prefix and when it stops working.
          oldSecret: status === "rotating" ? `${k.previousPrefix}… until ${k.previousExpiresAt!.toISOString()}` : "",
          models: k.allowedModels ?? ["*"],
        };
      });
      io.out(
        (o.json ? json(rows) : table(rows, ["id", "name", "prefix", "email", "status", "oldSecret", "models", "expiresAt", "lastUsedAt"])) + "\n",
      );
    });
  key
    .command("revoke")
    .description("Revoke an API key; it stops working everywhere within a second")
    .requiredOption("--id <id>", "key id (from key list)")
    .action(async (o) => {
      await revokeKey({ id: o.id, scope: "platform" });
      io.out(`revoked key ${o.id}\n`);
    });
  key
    .command("rotate")
    .description("Give a key a new secret (same id, name, limits and history); the new secret is printed once, alone on the last line")
    .requiredOption("--key <id or prefix>", "key id, or the start of its prefix as key list shows it")
    .option("--grace <duration>", "how long the old secret keeps working: now, 1h, 24h, 7d, or a date", "24h")
    .action(async (o) => {
      const target = await resolveKeyRef(o.key);
      const rotated = await rotateKey({ id: target.id, scope: "platform", grace: o.grace });
      io.out(`rotated key '${target.name}' (${rotated.id}); `);
      io.out(rotated.previousExpiresAt ? `the old secret ${target.prefix}… works until ${rotated.previousExpiresAt.toISOString()}\n` : "the old secret no longer works\n");
      if (target.previousExpiresAt && target.previousExpiresAt > new Date()) io.out(`the secret replaced before it (${target.previousPrefix}…) no longer works\n`);
      io.out(`store this secret now, it cannot be shown again:\n${rotated.secret}\n`);
    });

  const backend = program.command("backend").description("Inference backends");
  backend
    .command("add")
    .description("Register an inference backend")
    .requiredOption("--name <name>", "unique name")
    .requiredOption("--engine <engine>", ENGINES.join(" | "))
    .requiredOption("--url <url>", "base URL, e.g. http://gpu1:8000/v1 (OpenAI-compatible) or http://gpu2:11434 (Ollama)")
    .requiredOption("--machine <machine>", "machine name reported in the backend header")
    .option("--api-key <key>", "key the gateway sends to the backend (visible in `ps`; see below)")
    .option("--api-key-stdin", "read the backend's key from the first line of standard input")
    .option("--api-key-prompt", "ask for the backend's key without echoing it")
    .option("--timeout <ms>", "per-request timeout in milliseconds", positiveInt)
    .addHelpText(
      "after",
      "\nThe backend's key may also come from LLMAAS_BACKEND_API_KEY, --api-key-stdin or --api-key-prompt, which keep it out of `ps` and shell history.\nIt is stored encrypted with LLMAAS_SECRET_KEY.\n",
    )
    .action(async (o) => {
      const apiKey = await readSecretInput(
        { what: "the backend's API key", value: o.apiKey, fromStdin: o.apiKeyStdin, envName: "LLMAAS_BACKEND_API_KEY", prompt: Boolean(o.apiKeyPrompt) },
        io.input ?? processInput,
      );
      const b = await addBackend({ name: o.name, engine: o.engine, url: o.url, machine: o.machine, apiKey: apiKey || undefined, timeoutMs: o.timeout });
      io.out(`added backend '${b.name}' (${b.engine} on ${b.machineName})\n`);
    });
  backend
    .command("list")
    .description("List backends")
    .option("--json", "print JSON")
    .action(async (o) => {
      const rows = await listBackendsPublic();
      io.out((o.json ? json(rows) : table(rows, ["name", "engine", "baseUrl", "machineName", "enabled", "upstreamKey"])) + "\n");
    });
  backend
    .command("remove")
    .description("Remove a backend (its models stay, served by their other backends)")
    .requiredOption("--name <name>", "backend name")
    .action(async (o) => {
      await removeBackend({ name: o.name });
      io.out(`removed backend '${o.name}'\n`);
    });

  const model = program.command("model").description("Models of the catalogue");
  model
    .command("add")
    .description("Add a model served by a backend (again with another backend to add a replica)")
    .requiredOption("--id <id>", "public model id")
    .requiredOption("--backend <name>", "backend serving it")
    .option("--upstream-id <id>", "the name the backend knows it by (default: the id)")
    .option("--aliases <list>", "comma-separated other names")
    .option("--capabilities <list>", `comma-separated: ${CAPABILITIES.join(",")} (a new model: chat)`)
    .option("--max-model-len <n>", "context length in tokens (a new model: 8192)", positiveInt)
    .option("--description <text>", "shown in the catalogue")
    .addHelpText("after", "\nFor a model that exists, only the settings given change; the backend is added beside its others.\n")
    .action(async (o) => {
      const m = await addModel({
        id: o.id,
        backend: o.backend,
        upstreamId: o.upstreamId,
        aliases: list(o.aliases),
        capabilities: list(o.capabilities) as never,
        maxModelLen: o.maxModelLen,
        description: o.description,
      });
      io.out(`model '${m.id}' served by '${o.backend}'\n`);
    });
  model
    .command("list")
    .description("List models")
    .option("--json", "print JSON")
    .action(async (o) => {
      const rows = (await listModels()).map(({ enabled, ...m }) => ({ ...m, visible: enabled, backendNames: m.backends.map((b) => b.name) }));
      io.out(
        (o.json ? json(rows) : table(rows, ["id", "aliases", "capabilities", "maxModelLen", "backendNames", "visible"])) + "\n",
      );
    });
  model
    .command("remove")
    .description("Remove a model from the catalogue")
    .requiredOption("--id <id>", "model id")
    .action(async (o) => {
      await removeModel({ id: o.id });
      io.out(`removed model '${o.id}'\n`);
    });

  addModelPullCommand(model, io);

  const tier = program.command("tier").description("Tiers");
  tier
    .command("list")
    .description("List tiers")
    .option("--json", "print JSON")
    .action(async (o) => {
      const rows = (await listTiers()).map((t) => ({
        ...t,
        credit: t.purchaseCreditNanos === null ? "N/A" : formatMoney(t.purchaseCreditNanos),
        monthly: t.monthlyLimitNanos === null ? "unlimited" : formatMoney(t.monthlyLimitNanos),
        perHour: t.outputTokensPerHour ?? "high priority",
        perDay: t.outputTokensPerDay ?? "high priority",
      }));
      io.out((o.json ? json(rows) : table(rows, ["name", "credit", "monthly", "perHour", "perDay", "requestsPerMinute"])) + "\n");
    });
  tier
    .command("assign")
    .description("Put an account on a tier")
    .requiredOption("--account <name>", "account name")
    .requiredOption("--tier <tier>", 'tier name, e.g. "Tier 2"')
    .action(async (o) => {
      const { account: a, tier: t } = await assignTier({ account: o.account, tier: o.tier });
      io.out(`account '${a.name}' is now on ${t.name}\n`);
    });

  const credit = program.command("credit").description("Prepaid credit");
  credit
    .command("add")
    .description("Add prepaid credit to an account")
    .requiredOption("--account <name>", "account name")
    .requiredOption("--amount <euros>", "amount in euros, e.g. 200 or 49.90")
    .option("--note <text>", "shown in the ledger")
    .action(async (o) => {
      const { balanceNanos } = await addCredit({ account: o.account, amount: o.amount, note: o.note });
      io.out(`added ${o.amount} € to '${o.account}'; balance ${formatMoney(balanceNanos)}\n`);
    });
  credit
    .command("balance")
    .description("Show an account's prepaid balance")
    .requiredOption("--account <name>", "account name")
    .action(async (o) => {
      const a = await requireAccount(o.account);
      io.out(`${formatMoney(await accountBalance({ accountId: a.id }))}\n`);
    });

  program
    .command("migrate")
    .description("Apply pending database migrations and seal backends' keys with the current LLMAAS_SECRET_KEY (both also done at every start)")
    .action(async () => {
      const d = await getDatabase();
      const resealed = await resealBackendKeys();
      io.out(`database is up to date (${d.driver}: ${d.location})${resealed ? `; sealed ${resealed} backend key${resealed === 1 ? "" : "s"} with the current LLMAAS_SECRET_KEY` : ""}\n`);
    });

  addBillingCommands(program, io);
  addPlatformCommands(program, io);
  addWorkerCommand(program, io);

  for (const c of program.commands) {
    if (c.commands.length > 0) c.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err }).showHelpAfterError("(add --help for usage)");
    for (const sub of c.commands) sub.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  }
  return program;
}

/** Run the CLI; returns the exit code. `io` lets tests capture output. */
export async function main(
  argv: string[],
  io: Out = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) },
  options: { manageDatabase?: boolean } = {},
): Promise<number> {
  const manage = options.manageDatabase ?? true;
  const program = build(io);
  if (manage) {
    program.hook("preAction", () => {
      setDatabase(openConfiguredDatabase({ serveSocket: false }));
    });
  }
  try {
    // Everything a command changes is audited as done by "cli:<operating-system user>".
    await asActor(cliActor(), () => program.parseAsync(argv));
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" to commander; they are successes to the user.
      return err.exitCode === 0 || err.code === "commander.helpDisplayed" || err.code === "commander.help" ? 0 : err.exitCode || 1;
    }
    if (err instanceof AppError || err instanceof EnvError) {
      io.err(`error: ${err.message.split("\n").join(" ")}\n`);
      return 1;
    }
    io.err(`error: ${explainFailure(err)}\n`);
    return 1;
  } finally {
    // A database that failed to open has nothing to close.
    if (manage) await closeDatabase().catch(() => {});
  }
}
