import type { Metadata } from "next";
import { buildOpenApiDocument } from "@/server/api/openapi";

export const metadata: Metadata = { title: "REST API reference" };

type Parameter = { name: string; in: string; required: boolean; schema: unknown };
type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { content: { "application/json": { schema: unknown } } };
  responses: Record<string, { description: string }>;
};

/**
 * The REST API reference, rendered here from the OpenAPI document (no CDN, no script: it works on
 * an offline machine). Public, like /api/v1/openapi.json: it describes the API and holds no data.
 */
export default function ApiReferencePage() {
  const doc = buildOpenApiDocument() as {
    info: { title: string; description: string };
    paths: Record<string, Record<string, Operation>>;
  };
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );
  return (
    <main className="mx-auto max-w-3xl space-y-6 p-6">
      <header className="space-y-2">
        <h1 className="text-2xl font-semibold">{doc.info.title}</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">{doc.info.description}</p>
        <p className="text-sm">
          Base URL <code className="font-mono">/api/v1</code> · machine-readable:{" "}
          <a className="underline" href="/api/v1/openapi.json">
            openapi.json
          </a>
        </p>
        <pre className="overflow-x-auto rounded bg-zinc-100 p-3 text-xs dark:bg-zinc-900">
          {'curl -H "Authorization: Bearer $RCONDECK_TOKEN" https://rcondeck.example.com/api/v1/servers'}
        </pre>
      </header>
      <nav aria-label="Operations">
        <ul className="space-y-1 text-sm">
          {operations.map(({ path, method, op }) => (
            <li key={op.operationId}>
              <a className="font-mono underline" href={`#${op.operationId}`}>
                {method} {path}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {operations.map(({ path, method, op }) => (
        <section
          key={op.operationId}
          id={op.operationId}
          className="space-y-2 border-t border-zinc-200 pt-4 dark:border-zinc-800"
        >
          <h2 className="font-mono text-lg font-semibold">
            {method} {path}
          </h2>
          <p className="text-sm">{op.summary}</p>
          {op.description ? (
            <p className="text-xs text-zinc-500 dark:text-zinc-400">{op.description}</p>
          ) : null}
          {op.parameters?.length ? (
            <table className="w-full text-left text-xs">
              <thead>
                <tr>
                  <th className="py-1">Parameter</th>
                  <th>In</th>
                  <th>Schema</th>
                </tr>
              </thead>
              <tbody>
                {op.parameters.map((p) => (
                  <tr key={`${p.in}-${p.name}`} className="align-top">
                    <td className="py-1 font-mono">
                      {p.name}
                      {p.required ? " *" : ""}
                    </td>
                    <td>{p.in}</td>
                    <td className="font-mono">{JSON.stringify(p.schema)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {op.requestBody ? (
            <details>
              <summary className="cursor-pointer text-sm">JSON body</summary>
              <pre className="overflow-x-auto rounded bg-zinc-100 p-3 text-xs dark:bg-zinc-900">
                {JSON.stringify(op.requestBody.content["application/json"].schema, null, 2)}
              </pre>
            </details>
          ) : null}
          <ul className="text-xs">
            {Object.entries(op.responses).map(([status, response]) => (
              <li key={status}>
                <span className="font-mono">{status}</span> {response.description}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </main>
  );
}
