"use client";

/**
 * Ban lists: a named set of bans applied to chosen servers. Everyone who sees bans sees the lists
 * and their counts; Admins of every server create, rename and choose servers (the server checks).
 */
import { useActionState } from "react";
import { ActionForm } from "@/components/forms/action-form";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import type { BanListRef, NamedRef } from "./types";

interface Actions {
  save: FormAction<{ id: string }>;
  setServers: FormAction<{ added: string[]; removed: string[] }>;
}

export function BanListsSection({
  lists,
  servers,
  canManage,
  actions,
}: {
  lists: BanListRef[];
  servers: NamedRef[];
  canManage: boolean;
  actions: Actions;
}) {
  return (
    <section aria-labelledby="ban-lists-heading" className="space-y-3">
      <h2 id="ban-lists-heading" className="text-lg font-semibold">
        Ban lists
      </h2>
      {lists.length === 0 ? <p className="text-sm text-zinc-500">No ban lists yet.</p> : null}
      <ul className="grid gap-3 md:grid-cols-2">
        {lists.map((list) => (
          <li key={list.id}>
            <Card aria-label={`Ban list ${list.name}`} className="space-y-2">
              <p className="font-medium">
                {list.name}{" "}
                <span className="text-sm font-normal text-zinc-500">
                  ({list.banCount} bans, {list.serverIds.length} servers)
                </span>
              </p>
              {list.description ? (
                <p className="text-sm text-zinc-600 dark:text-zinc-400">{list.description}</p>
              ) : null}
              {canManage ? (
                <>
                  <ListForm list={list} action={actions.save} />
                  <ServersForm list={list} servers={servers} action={actions.setServers} />
                </>
              ) : (
                <p className="text-xs text-zinc-500">
                  Servers:{" "}
                  {list.serverIds.map((id) => servers.find((s) => s.id === id)?.name ?? "?").join(", ") ||
                    "none"}
                </p>
              )}
            </Card>
          </li>
        ))}
      </ul>
      {canManage ? (
        <Card>
          <h3 className="mb-2 text-sm font-medium">New ban list</h3>
          <ListForm action={actions.save} />
        </Card>
      ) : null}
    </section>
  );
}

function ListForm({ list, action }: { list?: BanListRef; action: Actions["save"] }) {
  const [state, dispatch, pending] = useActionState(action, null);
  const errors = state && !state.ok ? state.error.fieldErrors : undefined;
  return (
    <ActionForm action={dispatch} className="space-y-2">
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
      {list ? <input type="hidden" name="id" value={list.id} /> : null}
      <TextField
        label={list ? "List name" : "Name"}
        name="name"
        defaultValue={list?.name ?? ""}
        maxLength={80}
        error={errors?.name}
      />
      <TextField
        label="Description"
        name="description"
        defaultValue={list?.description ?? ""}
        maxLength={500}
        error={errors?.description}
      />
      <Button type="submit" variant="secondary" disabled={pending}>
        {list ? "Rename" : "Create list"}
      </Button>
    </ActionForm>
  );
}

function ServersForm({
  list,
  servers,
  action,
}: {
  list: BanListRef;
  servers: NamedRef[];
  action: Actions["setServers"];
}) {
  const [state, dispatch, pending] = useActionState(action, null);
  return (
    <ActionForm action={dispatch} className="space-y-2">
      <input type="hidden" name="id" value={list.id} />
      <fieldset className="flex flex-wrap gap-3 text-sm">
        <legend className="mb-1 font-medium">Servers of {list.name}</legend>
        {servers.map((s) => (
          <label key={s.id} className="inline-flex items-center gap-1">
            <input
              type="checkbox"
              name="serverIds"
              value={s.id}
              defaultChecked={list.serverIds.includes(s.id)}
            />
            {s.name}
          </label>
        ))}
      </fieldset>
      {state && !state.ok ? <Notice tone="error">{state.error.message}</Notice> : null}
      {state?.ok ? <Notice tone="success">Servers saved.</Notice> : null}
      <Button type="submit" variant="secondary" disabled={pending}>
        Save servers
      </Button>
    </ActionForm>
  );
}
