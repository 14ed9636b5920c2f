"use client";

import { ActionForm } from "@/components/forms/action-form";
import { useActionState, useEffect, useState } from "react";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { Checkbox, SelectField, TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { PROTOCOL_LABELS, type GamePreset } from "@/lib/games";
import { isServerEncoding, SERVER_ENCODINGS } from "@/lib/schemas/server";
import type { ServerDto } from "@/server/data/servers";

interface Props {
  presets: readonly GamePreset[];
  server?: ServerDto;
  action: FormAction<ServerDto>;
  onDone: () => void;
}

/**
 * Add or edit a server. The RCON password is write-only: editing shows it blank, and blank keeps it
 * while the protocol, host and port stay the same (the data layer enforces this; the hint follows).
 */
export function ServerForm({ presets, server, action, onDone }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  const [game, setGame] = useState(server?.game ?? presets[0]?.id ?? "");
  const [port, setPort] = useState(String(server?.port ?? presets[0]?.defaultPort ?? ""));
  const [host, setHost] = useState(server?.host ?? "");
  const protocol = presets.find((p) => p.id === game)?.protocol;
  const moved =
    server !== undefined &&
    (host.trim().toLowerCase() !== (server.host ?? "").toLowerCase() ||
      port.trim() !== String(server.port) ||
      protocol !== server.protocol);
  const errors = state && !state.ok ? state.error.fieldErrors : undefined;
  useEffect(() => {
    if (state?.ok) onDone();
  }, [state, onDone]);

  function changeGame(id: string) {
    const before = presets.find((p) => p.id === game);
    const after = presets.find((p) => p.id === id);
    // Follow the preset's usual port unless the user typed their own.
    if (after && (port === "" || port === String(before?.defaultPort))) setPort(String(after.defaultPort));
    setGame(id);
  }

  return (
    <ActionForm action={formAction} className="space-y-4" noValidate>
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
      {server ? <input type="hidden" name="id" value={server.id} /> : null}
      <TextField label="Name" name="name" defaultValue={server?.name} required error={errors?.name} />
      <SelectField
        label="Game"
        name="game"
        value={game}
        onChange={(e) => changeGame(e.target.value)}
        error={errors?.game}
      >
        {(["battleye", "source", "webrcon", "quake3"] as const).map((protocol) => (
          <optgroup key={protocol} label={PROTOCOL_LABELS[protocol]}>
            {presets
              .filter((p) => p.protocol === protocol)
              .map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
          </optgroup>
        ))}
      </SelectField>
      <div className="grid grid-cols-3 gap-3">
        <div className="col-span-2">
          <TextField
            label="Host"
            name="host"
            value={host}
            onChange={(e) => setHost(e.target.value)}
            placeholder="203.0.113.10"
            required
            error={errors?.host}
          />
        </div>
        <TextField
          label="RCON port"
          name="port"
          inputMode="numeric"
          value={port}
          onChange={(e) => setPort(e.target.value)}
          required
          error={errors?.port}
        />
      </div>
      <TextField
        label="RCON password"
        name="password"
        type="password"
        autoComplete="new-password"
        error={errors?.password}
        required={!server || moved}
        hint={
          !server
            ? "Stored encrypted; never shown again."
            : moved
              ? "Enter the password again: the stored one is kept only while the protocol, host and port stay the same."
              : "Leave blank to keep the current password."
        }
      />
      <SelectField
        label="Text encoding"
        name="encoding"
        defaultValue={server?.encoding ?? ""}
        error={errors?.encoding}
      >
        <option value="">Game default</option>
        {server?.encoding && !isServerEncoding(server.encoding) ? (
          <option value={server.encoding}>{server.encoding} (not supported: choose another)</option>
        ) : null}
        {SERVER_ENCODINGS.map((e) => (
          <option key={e.id} value={e.id}>
            {e.label}
          </option>
        ))}
      </SelectField>
      <Checkbox label="Enabled" name="enabled" defaultChecked={server?.enabled ?? true} />
      <Checkbox
        label="Receive the game's log stream (live chat and joins; CS2, CS:GO, TF2, GMod, L4D2)"
        name="gameLogs"
        defaultChecked={server?.gameLogs ?? false}
      />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" disabled={pending}>
          {server ? "Save changes" : "Add server"}
        </Button>
      </div>
    </ActionForm>
  );
}

export function DeleteServerForm({
  server,
  action,
  onDone,
}: {
  server: ServerDto;
  action: FormAction<{ id: string }>;
  onDone: () => void;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  useEffect(() => {
    if (state?.ok) onDone();
  }, [state, onDone]);
  return (
    <ActionForm action={formAction} className="space-y-4">
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
      <input type="hidden" name="id" value={server.id} />
      <p className="text-sm">
        Remove <strong>{server.name}</strong>? RconDeck disconnects from it. The audit log keeps its entries.
      </p>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="danger" disabled={pending}>
          Remove server
        </Button>
      </div>
    </ActionForm>
  );
}
