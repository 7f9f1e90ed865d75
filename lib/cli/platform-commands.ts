import { type Command, InvalidArgumentError } from "commander";
import { ENGINES } from "../backends/backend-schema";
import { editBackend, setBackendEnabled } from "../backends/registry";
import { BackendRouter } from "../backends/router";
import { testBackend } from "../backends/test-call";
import { priceHistory, setPrice } from "../billing/price-admin";
import { PRICE_UNIT_INFO, PRICE_UNIT_LIST, perMeasure } from "../billing/price-units";
import { formatMoney } from "../format";
import { AppError } from "../errors";
import { CAPABILITIES } from "../models/capabilities";
import { addModelBackend, editModel, removeModelBackend } from "../models/manage";
import { json, list, table } from "./format";
import { type SecretInput, processInput, readSecretInput } from "./secrets";

type Out = { out: (s: string) => void; err: (s: string) => void; input?: SecretInput };

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("must be a positive integer");
  return n;
};

const sub = (program: Command, name: string) => program.commands.find((c) => c.name() === name)!;

/** Backends, models and prices: the operations the console's platform pages run, for scripts. */
export function addPlatformCommands(program: Command, io: Out) {
  const backend = sub(program, "backend");
  backend
    .command("update")
    .description("Change a backend: name, engine, URL, machine, timeout or API key (every instance follows within a second)")
    .requiredOption("--name <name>", "the backend's name now")
    .option("--rename <name>", "a new name")
    .option("--engine <engine>", ENGINES.join(" | "))
    .option("--url <url>", "base URL of the engine's API")
    .option("--machine <machine>", "machine name reported in the backend header")
    .option("--timeout <ms>", "per-request timeout in milliseconds", positiveInt)
    .option("--api-key <key>", "a new key the gateway sends to the backend (visible in `ps`; see below)")
    .option("--api-key-stdin", "read the new key from the first line of standard input")
    .option("--api-key-prompt", "ask for the new key without echoing it")
    .option("--clear-api-key", "send no key any more")
    .addHelpText("after", "\nThe key is replaced only when one of the --api-key options is given; it is stored encrypted and never printed.\n")
    .action(async (o) => {
      const wantsKey = o.apiKey !== undefined || o.apiKeyStdin || o.apiKeyPrompt;
      const apiKey = wantsKey
        ? await readSecretInput({ what: "the backend's API key", value: o.apiKey, fromStdin: o.apiKeyStdin, envName: "LLMAAS_BACKEND_API_KEY", prompt: Boolean(o.apiKeyPrompt) }, io.input ?? processInput)
        : undefined;
      const b = await editBackend({ name: o.name }, { name: o.rename, engine: o.engine, url: o.url, machine: o.machine, timeoutMs: o.timeout, apiKey: apiKey || undefined, clearApiKey: Boolean(o.clearApiKey) });
      io.out(`updated backend '${b.name}' (${b.engine} on ${b.machineName}, key ${b.apiKey ? "set" : "unset"})\n`);
    });
  for (const [name, enabled] of [
    ["disable", false],
    ["enable", true],
  ] as const) {
    backend
      .command(name)
      .description(enabled ? "Put a disabled backend back into routing" : "Take a backend out of routing (its models go to their other backends)")
      .requiredOption("--name <name>", "backend name")
      .action(async (o) => {
        await setBackendEnabled({ name: o.name }, enabled);
        io.out(`${enabled ? "enabled" : "disabled"} backend '${o.name}'\n`);
      });
  }
  backend
    .command("test")
    .description("Send the backend a real, small request (a short chat or an embedding) and show the answer and its time")
    .requiredOption("--name <name>", "backend name")
    .action(async (o) => {
      const r = await testBackend({ name: o.name }, new BackendRouter());
      if (!r.ok) throw new AppError(502, "server_error", `${r.error} (${r.ms} ms)`);
      io.out(`${r.kind}${r.model ? ` with ${r.model}` : ""} in ${r.ms} ms: ${r.answer}\n`);
    });

  const model = sub(program, "model");
  model
    .command("update")
    .description("Change a model's settings (every instance's catalogue and /v1/models follow within a second)")
    .requiredOption("--id <id>", "model id")
    .option("--aliases <list>", "comma-separated other names (empty: none)")
    .option("--capabilities <list>", `comma-separated: ${CAPABILITIES.join(",")}`)
    .option("--max-model-len <n>", "context length in tokens", positiveInt)
    .option("--description <text>", "shown in the catalogue")
    .option("--owned-by <name>", "who provides it, as /v1/models says")
    .option("--hide", "neither listed nor usable by any key")
    .option("--show", "listed and usable again")
    .action(async (o) => {
      const m = await editModel(o.id, {
        aliases: o.aliases === undefined ? undefined : (list(o.aliases) ?? []),
        capabilities: list(o.capabilities) as never,
        maxModelLen: o.maxModelLen,
        description: o.description,
        ownedBy: o.ownedBy,
        visible: o.hide ? false : o.show ? true : undefined,
      });
      io.out(`updated model '${m.id}'${m.enabled ? "" : " (hidden)"}\n`);
    });
  model
    .command("unlink")
    .description("Stop serving a model from one of its backends")
    .requiredOption("--id <id>", "model id")
    .requiredOption("--backend <name>", "backend name")
    .action(async (o) => {
      await removeModelBackend(o.id, { name: o.backend });
      io.out(`'${o.backend}' no longer serves '${o.id}'\n`);
    });
  model
    .command("link")
    .description("Serve a model from one more backend (or change the name a backend knows it by)")
    .requiredOption("--id <id>", "model id")
    .requiredOption("--backend <name>", "backend name")
    .option("--upstream-id <id>", "the name the backend knows it by (default: the id)")
    .action(async (o) => {
      await addModelBackend(o.id, { name: o.backend }, o.upstreamId);
      io.out(`'${o.backend}' serves '${o.id}'\n`);
    });

  const price = program.command("price").description("Prices per unit, for the platform or one model, with the time each takes effect");
  price
    .command("set")
    .description("Add a price from now (in force a second later, on every instance) or from a later time; past usage keeps its price")
    .requiredOption("--unit <unit>", PRICE_UNIT_LIST.join(" | "))
    .requiredOption("--price <euros>", "euros per million tokens or characters, per started audio minute, or per image")
    .option("--model <id>", "one model's own price (default: the platform's)")
    .option("--from <time>", "now, or an ISO 8601 time such as 2027-01-01T00:00:00Z", "now")
    .action(async (o) => {
      const row = await setPrice({ modelId: o.model ?? null, unit: o.unit, price: o.price, effectiveFrom: o.from });
      const info = PRICE_UNIT_INFO[row.unit];
      io.out(`${o.model ?? "platform"} ${row.unit}: ${formatMoney(perMeasure(row.unit, row.nanosPerUnit), { exact: true })} per ${info.per} from ${row.effectiveFrom.toISOString()}\n`);
    });
  price
    .command("list")
    .description("Every price, newest first, with whether it is scheduled, in force or superseded")
    .option("--model <id>", "only this model's own prices (platform: the defaults)")
    .option("--json", "print JSON (nano-euros per single unit)")
    .action(async (o) => {
      const rows = await priceHistory({ modelId: o.model === undefined ? undefined : o.model === "platform" ? null : o.model });
      if (o.json) return void io.out(json(rows) + "\n");
      const shown = rows.map((r) => ({
        model: r.modelId ?? "platform",
        unit: r.unit,
        price: `${formatMoney(perMeasure(r.unit, r.nanosPerUnit), { exact: true })} / ${PRICE_UNIT_INFO[r.unit].per}`,
        from: r.effectiveFrom,
        status: r.status,
      }));
      io.out(table(shown, ["model", "unit", "price", "from", "status"]) + "\n");
    });
}
