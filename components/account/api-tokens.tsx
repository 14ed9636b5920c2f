"use client";

import { useActionState, useState } from "react";
import { ActionForm } from "@/components/forms/action-form";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import type { Permission } from "@/lib/permissions";
import { TOKEN_EXPIRY_DAYS } from "@/lib/schemas/api-tokens";
import { formatDateTime } from "@/lib/utils";
import type { ApiTokenDto } from "@/server/auth/api-token";

type Created = { token: string; id: string; name: string };

/**
 * The Account page's "API tokens" section: make a token (name, permissions among the user's own,
 * servers, expiry), see it once, and list and revoke the user's tokens.
 */
export function ApiTokens({
  tokens,
  permissions,
  servers,
  createAction,
  revokeAction,
}: {
  tokens: ApiTokenDto[];
  permissions: Permission[];
  servers: { id: string; name: string }[];
  createAction: FormAction<Created>;
  revokeAction: FormAction<{ tokenId: string }>;
}) {
  const [created, create, creating] = useActionState(createAction, null);
  const [revoked, revoke, revoking] = useActionState(revokeAction, null);
  const [scope, setScope] = useState<"all" | "chosen">("all");
  const errors = created && !created.ok ? created.error.fieldErrors : undefined;
  const serverName = (id: string) => servers.find((s) => s.id === id)?.name ?? "a deleted server";
  return (
    <div className="space-y-4">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Scripts and bots call the{" "}
        <a className="underline" href="/docs/api">
          REST API
        </a>{" "}
        with a token as <code className="font-mono text-xs">Authorization: Bearer …</code>. A token never does
        more than you can: its permissions are checked against yours on every call.
      </p>
      {created && !created.ok ? <Notice tone="error">{created.error.message}</Notice> : null}
      {revoked && !revoked.ok ? <Notice tone="error">{revoked.error.message}</Notice> : null}
      {created?.ok ? (
        <div className="space-y-2 rounded-md border border-emerald-300 bg-emerald-50 p-3 dark:border-emerald-800 dark:bg-emerald-950">
          <TextField
            label="New token"
            readOnly
            value={created.data.token}
            className="font-mono text-xs"
            onFocus={(e) => e.currentTarget.select()}
            hint="Copy it now: it is shown only once and stored only as a hash."
          />
        </div>
      ) : null}
      <ActionForm action={create} className="space-y-4" noValidate>
        <TextField
          label="Token name"
          name="name"
          required
          maxLength={80}
          error={errors?.name}
          placeholder="Discord bot"
        />
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">Permissions</legend>
          <div className="grid grid-cols-2 gap-1 text-sm">
            {permissions.map((p) => (
              <label key={p} className="flex items-center gap-2">
                <input type="checkbox" name="permissions" value={p} defaultChecked={p === "server.view"} />
                <span className="font-mono text-xs">{p}</span>
              </label>
            ))}
          </div>
          {errors?.permissions ? (
            <p className="text-xs text-red-600 dark:text-red-400">{errors.permissions.join(" ")}</p>
          ) : null}
        </fieldset>
        <fieldset className="space-y-1 text-sm">
          <legend className="font-medium">Servers</legend>
          <label className="flex items-center gap-2">
            <input
              type="radio"
              name="servers"
              value="all"
              checked={scope === "all"}
              onChange={() => setScope("all")}
            />
            Every server I can reach
          </label>
          <label className="flex items-center gap-2">
            <input
              type="radio"
              name="servers"
              value="chosen"
              checked={scope === "chosen"}
              onChange={() => setScope("chosen")}
            />
            Only these
          </label>
          {scope === "chosen" ? (
            <div className="ml-6 space-y-1">
              {servers.map((s) => (
                <label key={s.id} className="flex items-center gap-2">
                  <input type="checkbox" name="serverIds" value={s.id} />
                  {s.name}
                </label>
              ))}
            </div>
          ) : null}
          {errors?.serverIds ? (
            <p className="text-xs text-red-600 dark:text-red-400">{errors.serverIds.join(" ")}</p>
          ) : null}
        </fieldset>
        <SelectField
          label="Expires after"
          name="expiresInDays"
          defaultValue="30"
          error={errors?.expiresInDays}
        >
          {TOKEN_EXPIRY_DAYS.map((d) => (
            <option key={d} value={d}>
              {d} days
            </option>
          ))}
        </SelectField>
        <Button type="submit" disabled={creating}>
          Create token
        </Button>
      </ActionForm>
      <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="API tokens">
        {tokens.length === 0 ? <li className="py-2 text-sm text-zinc-500">No tokens yet.</li> : null}
        {tokens.map((token) => (
          <li key={token.id} className="flex items-center justify-between gap-4 py-2 text-sm">
            <div>
              <p className="font-medium">
                {token.name}
                {token.state !== "active" ? (
                  <span className="ml-2 text-xs text-zinc-500">({token.state})</span>
                ) : null}
              </p>
              <p className="text-xs text-zinc-500 dark:text-zinc-400">
                {token.permissions.join(", ")} ·{" "}
                {token.serverIds === null ? "every server" : token.serverIds.map(serverName).join(", ")} ·
                last used {token.lastUsedAt ? formatDateTime(token.lastUsedAt) : "never"} · expires{" "}
                {formatDateTime(token.expiresAt)}
              </p>
            </div>
            {token.state === "active" ? (
              <ActionForm action={revoke}>
                <input type="hidden" name="tokenId" value={token.id} />
                <Button
                  type="submit"
                  variant="secondary"
                  disabled={revoking}
                  aria-label={`Revoke ${token.name}`}
                >
                  Revoke
                </Button>
              </ActionForm>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
