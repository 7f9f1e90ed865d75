import { type Command, InvalidArgumentError } from "commander";
import { setMonthlyBudget, requireAccount } from "../accounts";
import { formatEuros } from "../billing/money";
import { formatMoney } from "../format";
import { monthStatement } from "../billing/statement";
import { env } from "../env";
import { setKeyLimits } from "../keys/manage";
import { adjustCredit } from "../billing/credit";
import { createTier, editTier } from "../limits/tiers";
import { json, list, table } from "./format";

type Out = { out: (s: string) => void };

/** "none" clears a limit; otherwise a positive integer. */
const limitOrNone = (v: string): number | "none" => {
  if (v === "none") return "none";
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("must be a positive integer or none");
  return n;
};

function tierOptions(c: Command) {
  return c
    .option("--description <text>", "shown to account admins")
    .option("--credit <euros>", "purchase credit that activates the tier (none: post-paid)")
    .option("--monthly-limit <euros>", "monthly spend cap (none: unlimited)")
    .option("--tokens-per-hour <n>", "output tokens per hour (none: unlimited)", limitOrNone)
    .option("--tokens-per-day <n>", "output tokens per day (none: unlimited)", limitOrNone)
    .option("--rpm <n>", "requests per minute", limitOrNone)
    .option("--postpaid", "invoiced monthly instead of prepaid")
    .option("--prepaid", "draws down prepaid credit");
}

/** An option's value: undefined when not given, null for "none". */
const opt = <T>(v: T | "none" | undefined) => (v === "none" ? null : v);

const tierInput = (o: Record<string, unknown>) => ({
  name: o.name as string,
  description: o.description as string | undefined,
  purchaseCredit: o.credit as string | undefined,
  monthlyLimit: o.monthlyLimit as string | undefined,
  outputTokensPerHour: opt(o.tokensPerHour as number | "none" | undefined),
  outputTokensPerDay: opt(o.tokensPerDay as number | "none" | undefined),
  requestsPerMinute: opt(o.rpm as number | "none" | undefined) ?? undefined,
  postpaid: o.postpaid ? true : o.prepaid ? false : undefined,
});

export function addBillingCommands(program: Command, io: Out) {
  const tier = program.commands.find((c) => c.name() === "tier")!;
  tierOptions(tier.command("create").description("Add a tier").requiredOption("--name <name>", "tier name")).action(async (o) => {
    const t = await createTier(tierInput(o));
    io.out(`created tier '${t.name}'\n`);
  });
  tierOptions(tier.command("update").description("Change a tier's limits (applies within seconds)").requiredOption("--name <name>", "tier name")).action(
    async (o) => {
      const t = await editTier(tierInput(o));
      io.out(`updated tier '${t.name}'\n`);
    },
  );

  const key = program.commands.find((c) => c.name() === "key")!;
  key
    .command("limits")
    .description("Set a key's own limits: models, monthly budget, output-token windows, expiry")
    .requiredOption("--id <id>", "key id")
    .option("--models <ids>", "comma-separated models, or all")
    .option("--monthly-budget <euros>", "this key's monthly budget, or none")
    .option("--tokens-per-hour <n>", "this key's output tokens per hour, or none", limitOrNone)
    .option("--tokens-per-day <n>", "this key's output tokens per day, or none", limitOrNone)
    .option("--expires <duration>", "lifetime from now such as 30d, or never")
    .action(async (o) => {
      await setKeyLimits({
        id: o.id,
        scope: "platform",
        models: o.models === undefined ? undefined : o.models === "all" ? null : (list(o.models) ?? null),
        monthlyBudget: o.monthlyBudget === undefined ? undefined : o.monthlyBudget === "none" ? null : o.monthlyBudget,
        outputTokensPerHour: opt(o.tokensPerHour as number | "none" | undefined),
        outputTokensPerDay: opt(o.tokensPerDay as number | "none" | undefined),
        expires: o.expires === undefined ? undefined : o.expires === "never" ? null : o.expires,
      });
      io.out(`updated limits of key ${o.id}\n`);
    });

  const credit = program.commands.find((c) => c.name() === "credit")!;
  credit
    .command("adjust")
    .description("Correct an account's balance (a refund, a correction, a goodwill credit): its own ledger entry, on the statement with its reason")
    .requiredOption("--account <name>", "account name")
    .requiredOption("--amount <euros>", "euros, negative to take away, e.g. -12.50")
    .requiredOption("--reason <text>", "why: shown on the statement")
    .action(async (o) => {
      const { balanceNanos } = await adjustCredit({ account: o.account, amount: o.amount, reason: o.reason });
      io.out(`adjusted '${o.account}' by ${o.amount} €; balance ${formatMoney(balanceNanos)}\n`);
    });

  const account = program.commands.find((c) => c.name() === "account")!;
  account
    .command("budget")
    .description("Set an account's own monthly budget, below its tier's cap")
    .requiredOption("--account <name>", "account name")
    .requiredOption("--monthly <euros>", "monthly budget in euros, or none")
    .action(async (o) => {
      await setMonthlyBudget({ account: o.account, monthly: o.monthly });
      io.out(`monthly budget of '${o.account}' is now ${o.monthly === "none" ? "the tier's cap" : `${o.monthly} €`}\n`);
    });

  program
    .command("ledger")
    .description("An account's ledger for a month: every credit and debit, and the totals")
    .requiredOption("--account <name>", "account name")
    .option("--month <yyyy-mm>", "month (default: this month)")
    .option("--json", "print JSON: the month's window, entries and totals in exact nano-euros")
    .action(async (o) => {
      const a = await requireAccount(o.account);
      if (o.month && !/^\d{4}-\d{2}$/.test(o.month)) throw new InvalidArgumentError("--month must look like 2026-11");
      const month = o.month ? new Date(`${o.month}-15T12:00:00Z`) : new Date();
      // The account's months, as its usage dashboard and budget count them.
      const s = await monthStatement({ accountId: a.id, month, timezone: a.timezone ?? env().LLMAAS_TIMEZONE });
      if (o.json) {
        io.out(json({ account: a.name, window: s.window, entries: s.entries, totals: s.totals }) + "\n");
        return;
      }
      const rows = s.entries.map((e) => ({
        time: e.createdAt,
        kind: e.kind,
        amount: formatEuros(e.amountNanos, 6),
        model: e.modelId,
        detail: e.kind === "usage" ? JSON.stringify((e.details as { quantities?: unknown }).quantities ?? {}) : e.note,
      }));
      io.out(table(rows, ["time", "kind", "amount", "model", "detail"]) + "\n");
      io.out(
        `credits ${formatMoney(s.totals.creditsNanos)}, usage ${formatMoney(s.totals.usageNanos)}, adjustments ${formatMoney(s.totals.adjustmentsNanos)}\n`,
      );
    });
}
