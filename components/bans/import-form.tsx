"use client";

import { useState, type ChangeEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { SelectField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { IMPORT_FORMATS, IMPORT_FORMAT_LABELS } from "@/lib/bans/import/types";
import type { BanImportPreview, BanImportResult } from "@/server/data/ban-import";
import { ImportPreview } from "./import-preview";

interface Option {
  id: string;
  name: string;
}

type Target =
  { scope: "all" } | { scope: "servers"; serverIds: string[] } | { scope: "list"; banListId: string };

async function send(body: object): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const response = await fetch("/api/bans/import", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const value = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!response.ok)
    return { ok: false, message: value?.error?.message ?? `The server answered ${response.status}.` };
  return { ok: true, value };
}

/** Upload or paste, choose format and scope, preview (nothing written), then import. */
export function ImportBansForm({
  servers,
  lists,
  everyServer,
}: {
  servers: Option[];
  lists: Option[];
  everyServer: boolean;
}) {
  const [text, setText] = useState("");
  const [format, setFormat] = useState("auto");
  const [scope, setScope] = useState(everyServer ? "all" : `server:${servers[0]?.id ?? ""}`);
  const [preview, setPreview] = useState<BanImportPreview | null>(null);
  const [result, setResult] = useState<BanImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const target = (): Target =>
    scope === "all"
      ? { scope: "all" }
      : scope.startsWith("list:")
        ? { scope: "list", banListId: scope.slice(5) }
        : { scope: "servers", serverIds: [scope.slice(7)] };

  const reset = () => {
    setPreview(null);
    setResult(null);
    setError(null);
  };

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    reset();
    setText(await file.text());
  };

  const run = async (mode: "preview" | "commit") => {
    setBusy(true);
    setError(null);
    const answer = await send({ mode, text, format, target: target() }).catch(() => ({
      ok: false as const,
      message: "RconDeck could not be reached.",
    }));
    setBusy(false);
    if (!answer.ok) return setError(answer.message);
    if (mode === "preview") setPreview(answer.value as BanImportPreview);
    else {
      setResult(answer.value as BanImportResult);
      setPreview(null);
    }
  };

  return (
    <Card className="space-y-4 p-4">
      <div className="space-y-1">
        <label htmlFor="ban-file" className="block text-sm font-medium">
          Ban file
        </label>
        <input id="ban-file" type="file" onChange={(e) => void onFile(e)} className="text-sm" />
      </div>
      <div className="space-y-1">
        <label htmlFor="ban-text" className="block text-sm font-medium">
          Or paste the file
        </label>
        <textarea
          id="ban-text"
          value={text}
          onChange={(e) => {
            reset();
            setText(e.target.value);
          }}
          rows={8}
          spellCheck={false}
          className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900"
        />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          label="Format"
          value={format}
          onChange={(e) => {
            reset();
            setFormat(e.target.value);
          }}
        >
          <option value="auto">Detect automatically</option>
          {IMPORT_FORMATS.map((f) => (
            <option key={f} value={f}>
              {IMPORT_FORMAT_LABELS[f]}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Scope"
          value={scope}
          onChange={(e) => {
            reset();
            setScope(e.target.value);
          }}
        >
          {everyServer ? <option value="all">Every server</option> : null}
          {servers.map((s) => (
            <option key={s.id} value={`server:${s.id}`}>
              Server: {s.name}
            </option>
          ))}
          {lists.map((l) => (
            <option key={l.id} value={`list:${l.id}`}>
              Ban list: {l.name}
            </option>
          ))}
        </SelectField>
      </div>
      {error ? <Notice tone="error">{error}</Notice> : null}
      {result ? (
        <Notice tone="success">
          Imported {result.created} {result.created === 1 ? "ban" : "bans"}.
        </Notice>
      ) : null}
      <Button disabled={busy || text.trim() === ""} onClick={() => void run("preview")}>
        Preview
      </Button>
      {preview ? <ImportPreview preview={preview} busy={busy} onImport={() => void run("commit")} /> : null}
    </Card>
  );
}
