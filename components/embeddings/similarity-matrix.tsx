/** Cosine similarity of two vectors. */
export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

const short = (s: string) => (s.length > 28 ? `${s.slice(0, 26)}…` : s);

/** Every text against every other, shaded by how close their embeddings are. */
export function SimilarityMatrix({ texts, vectors }: { texts: string[]; vectors: number[][] }) {
  return (
    <div className="overflow-x-auto">
      <table className="border-separate border-spacing-0.5 text-xs" data-testid="similarity-matrix">
        <caption className="sr-only">Cosine similarity between each pair of texts</caption>
        <thead>
          <tr>
            <th />
            {texts.map((t, j) => (
              <th key={j} scope="col" className="max-w-28 px-1 pb-1 text-left font-medium text-muted" title={t}>
                {j + 1}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {texts.map((t, i) => (
            <tr key={i}>
              <th scope="row" className="max-w-56 truncate pr-2 text-left font-medium" title={t}>
                <span className="text-muted">{i + 1}.</span> {short(t)}
              </th>
              {texts.map((_, j) => {
                const s = cosine(vectors[i]!, vectors[j]!);
                const alpha = Math.max(0, Math.min(1, s));
                return (
                  <td
                    key={j}
                    data-testid="similarity-cell"
                    className="size-12 rounded text-center font-medium tabular-nums"
                    style={{ backgroundColor: `color-mix(in oklab, var(--heat) ${Math.round(alpha * 70)}%, transparent)` }}
                    title={`${i + 1} vs ${j + 1}: ${s.toFixed(4)}`}
                  >
                    {s.toFixed(2)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
