import { CodeBlock } from "@/components/ui/code-block";

const example = (baseUrl: string) => `from openai import OpenAI

client = OpenAI(base_url="${baseUrl}", api_key="YOUR_API_KEY")

# requests.jsonl: one request per line, e.g.
# {"custom_id": "q1", "method": "POST", "url": "/v1/chat/completions",
#  "body": {"model": "MODEL", "messages": [{"role": "user", "content": "Hello"}]}}
batch_input = client.files.create(file=open("requests.jsonl", "rb"), purpose="batch")
batch = client.batches.create(
    input_file_id=batch_input.id,
    endpoint="/v1/chat/completions",
    completion_window="24h",
)
print(batch.id, batch.status)`;

/** What the page shows before the account's first batch: what batches are for and how to start one. */
export function NoBatches({ baseUrl }: { baseUrl: string }) {
  return (
    <section data-testid="batches-empty" className="space-y-4 rounded-lg border border-dashed bg-surface p-6 sm:p-8">
      <div className="space-y-1">
        <h2 className="text-base font-semibold">No batches yet</h2>
        <p className="max-w-prose text-sm text-muted">
          Send many requests at once when you do not need the answers right away: they run in the background within 24 hours, at half the price of
          live requests, and do not count against your hourly and daily limits. Upload a JSONL file of requests, create a batch from it, and its
          progress and results appear here.
        </p>
      </div>
      <CodeBlock label="Python (openai)" code={example(baseUrl)} testId="batches-example" />
    </section>
  );
}
