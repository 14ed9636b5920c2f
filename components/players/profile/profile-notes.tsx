"use client";

/**
 * Staff notes: add (players.notes), edit where the server says so (the author, Admins), delete
 * (Owners), and every earlier text viewable. The watch flag lives here too: it is a note with
 * consequences (a notice on every join).
 */
import { useState } from "react";
import { formatDateTime } from "@/lib/utils";
import type { PlayerNoteView, PlayerProfile } from "@/server/data/players/types";
import { TimeAgo } from "@/components/players/time-ago";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Notice } from "@/components/ui/notice";
import { Section } from "./profile-history";
import type { ProfileActions } from "./types";
import { formData, useRecordAction } from "./use-record-action";

const TEXTAREA =
  "block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";

interface Props {
  profile: PlayerProfile;
  actions: ProfileActions | null;
  now: number;
  onChanged: () => void;
}

export function NotesSection({ profile, actions, now, onChanged }: Props) {
  return (
    <Section title="Notes" count={profile.notes.length}>
      {profile.notes.length === 0 ? <p className="text-sm text-zinc-500">No notes yet.</p> : null}
      <ul className="space-y-2">
        {profile.notes.map((note) => (
          <NoteItem key={note.id} note={note} actions={actions} now={now} onChanged={onChanged} />
        ))}
      </ul>
      {profile.can.note && actions ? (
        <AddNote playerId={profile.playerId} actions={actions} onChanged={onChanged} />
      ) : null}
    </Section>
  );
}

function AddNote({
  playerId,
  actions,
  onChanged,
}: {
  playerId: string;
  actions: ProfileActions;
  onChanged: () => void;
}) {
  const [text, setText] = useState("");
  const add = useRecordAction(actions.addNote, () => {
    setText("");
    onChanged();
  });
  return (
    <form onSubmit={add.onSubmit} className="space-y-2">
      {add.error ? <Notice tone="error">{add.error.message}</Notice> : null}
      <input type="hidden" name="playerId" value={playerId} />
      <label htmlFor={`new-note-${playerId}`} className="block text-sm font-medium">
        New note
      </label>
      <textarea
        id={`new-note-${playerId}`}
        name="text"
        rows={2}
        maxLength={2000}
        value={text}
        onChange={(e) => setText(e.target.value)}
        className={TEXTAREA}
      />
      {add.fieldErrors?.text ? (
        <p className="text-xs text-red-600 dark:text-red-400">{add.fieldErrors.text.join(" ")}</p>
      ) : null}
      <div className="flex justify-end">
        <Button type="submit" disabled={add.pending || text.trim() === ""}>
          {add.pending ? "Adding…" : "Add note"}
        </Button>
      </div>
    </form>
  );
}

function NoteItem({
  note,
  actions,
  now,
  onChanged,
}: {
  note: PlayerNoteView;
  actions: ProfileActions | null;
  now: number;
  onChanged: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  return (
    <li
      className="rounded-md border border-zinc-200 p-2 text-sm dark:border-zinc-800"
      aria-label={`Note by ${note.authorName ?? "a former member"}`}
    >
      {editing && actions ? (
        <EditNote note={note} actions={actions} onClose={() => setEditing(false)} onChanged={onChanged} />
      ) : (
        <p className="whitespace-pre-wrap break-words">{note.text}</p>
      )}
      <div className="mt-1 flex flex-wrap items-center justify-between gap-2 text-xs text-zinc-500">
        <span>
          {note.authorName ?? "a former member"} · <TimeAgo at={note.createdAt} now={now} />
          {note.editedAt ? <span title={formatDateTime(note.editedAt)}> · edited</span> : null}
        </span>
        {actions && !editing ? (
          <span className="flex gap-1">
            {note.canEdit ? (
              <Button variant="ghost" className="px-2 py-0.5 text-xs" onClick={() => setEditing(true)}>
                Edit
              </Button>
            ) : null}
            {note.canDelete ? (
              <Button
                variant="ghost"
                className="px-2 py-0.5 text-xs text-red-700 dark:text-red-400"
                onClick={() => setDeleting(true)}
              >
                Delete
              </Button>
            ) : null}
          </span>
        ) : null}
      </div>
      {note.revisions.length > 0 ? (
        <details className="mt-1 text-xs">
          <summary className="cursor-pointer text-indigo-700 dark:text-indigo-300">
            {note.revisions.length} earlier {note.revisions.length === 1 ? "version" : "versions"}
          </summary>
          <ol className="mt-1 space-y-1 border-l-2 border-zinc-200 pl-2 dark:border-zinc-700">
            {note.revisions.map((revision) => (
              <li key={revision.replacedAt}>
                <p className="whitespace-pre-wrap break-words text-zinc-700 dark:text-zinc-300">
                  {revision.text}
                </p>
                <p className="text-zinc-500">
                  replaced {formatDateTime(revision.replacedAt)}
                  {revision.editorName ? ` by ${revision.editorName}` : ""}
                </p>
              </li>
            ))}
          </ol>
        </details>
      ) : null}
      {actions ? (
        <DeleteNoteDialog
          open={deleting}
          noteId={note.id}
          actions={actions}
          onClose={() => setDeleting(false)}
          onChanged={onChanged}
        />
      ) : null}
    </li>
  );
}

function EditNote({
  note,
  actions,
  onClose,
  onChanged,
}: {
  note: PlayerNoteView;
  actions: ProfileActions;
  onClose: () => void;
  onChanged: () => void;
}) {
  const edit = useRecordAction(actions.editNote, () => {
    onClose();
    onChanged();
  });
  return (
    <form onSubmit={edit.onSubmit} className="space-y-2">
      {edit.error ? <Notice tone="error">{edit.error.message}</Notice> : null}
      <input type="hidden" name="noteId" value={note.id} />
      <label htmlFor={`edit-note-${note.id}`} className="sr-only">
        Note text
      </label>
      <textarea
        id={`edit-note-${note.id}`}
        name="text"
        rows={3}
        maxLength={2000}
        defaultValue={note.text}
        className={TEXTAREA}
      />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" className="px-2 py-1 text-xs" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" className="px-2 py-1 text-xs" disabled={edit.pending}>
          Save note
        </Button>
      </div>
    </form>
  );
}

function DeleteNoteDialog({
  open,
  noteId,
  actions,
  onClose,
  onChanged,
}: {
  open: boolean;
  noteId: string;
  actions: ProfileActions;
  onClose: () => void;
  onChanged: () => void;
}) {
  const remove = useRecordAction(actions.deleteNote, () => {
    onClose();
    onChanged();
  });
  return (
    <Dialog open={open} onClose={onClose} title="Delete note">
      {remove.error ? <Notice tone="error">{remove.error.message}</Notice> : null}
      <p className="text-sm">
        The note and its earlier versions are deleted. The audit log keeps that it happened.
      </p>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button variant="danger" disabled={remove.pending} onClick={() => remove.run(formData({ noteId }))}>
          Delete note
        </Button>
      </div>
    </Dialog>
  );
}

export function WatchSection({ profile, actions, now, onChanged }: Props) {
  const { watch } = profile;
  const set = useRecordAction(actions?.setWatch ?? noAction, onChanged);
  const clear = useRecordAction(actions?.clearWatch ?? noAction, onChanged);
  if (!watch && !(profile.can.watch && actions)) return null;
  return (
    <Section title="Watch list">
      {watch ? (
        <div className="flex flex-wrap items-start justify-between gap-2 rounded-md border-l-4 border-red-600 bg-red-50 px-3 py-2 text-sm dark:bg-red-950">
          <div>
            <p className="font-medium text-red-800 dark:text-red-200">On the watch list: {watch.reason}</p>
            <p className="text-xs text-red-700 dark:text-red-300">
              <TimeAgo at={watch.since} now={now} prefix="since " />
              {watch.byName ? ` · by ${watch.byName}` : ""}. Everyone watching a server sees a notice when
              this player joins.
            </p>
          </div>
          {profile.can.watch && actions ? (
            <Button
              variant="secondary"
              className="px-2 py-1 text-xs"
              disabled={clear.pending}
              onClick={() => clear.run(formData({ playerId: profile.playerId }))}
            >
              Remove from watch list
            </Button>
          ) : null}
        </div>
      ) : (
        <form onSubmit={set.onSubmit} className="flex flex-wrap items-end gap-2">
          <input type="hidden" name="playerId" value={profile.playerId} />
          <div className="min-w-48 flex-1 space-y-1">
            <label htmlFor={`watch-reason-${profile.playerId}`} className="block text-sm font-medium">
              Watch reason
            </label>
            <input
              id={`watch-reason-${profile.playerId}`}
              name="reason"
              maxLength={200}
              required
              className={TEXTAREA}
            />
          </div>
          <Button type="submit" disabled={set.pending}>
            Add to watch list
          </Button>
        </form>
      )}
      {set.error ? (
        <Notice tone="error">{set.fieldErrors?.reason?.join(" ") ?? set.error.message}</Notice>
      ) : null}
      {clear.error ? <Notice tone="error">{clear.error.message}</Notice> : null}
    </Section>
  );
}

const noAction = () =>
  Promise.resolve({ ok: false as const, error: { code: "FORBIDDEN" as const, message: "Not allowed." } });
