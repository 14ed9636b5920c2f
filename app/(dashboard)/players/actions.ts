"use server";

/**
 * PLACEHOLDER written by H4 (UI) so the profile's forms compile before H3's actions land.
 * H3 owns this file: at merge, take H3's version whole. Fields the UI sends are listed per action.
 */
import { fail, type Result } from "@/lib/result";

type Action = (previous: Result<unknown> | null, formData: FormData) => Promise<Result<unknown>>;

const pending: Action = async () => Promise.resolve(fail("UNAVAILABLE", "Not built yet."));

/** playerId, text */
export const addNoteAction: Action = pending;
/** noteId, text */
export const editNoteAction: Action = pending;
/** noteId */
export const deleteNoteAction: Action = pending;
/** playerId, reason */
export const setWatchAction: Action = pending;
/** playerId */
export const clearWatchAction: Action = pending;
/** intoId (this profile), fromId (the suggested player) */
export const mergePlayerAction: Action = pending;
/** playerId (the merged player to split off) */
export const splitPlayerAction: Action = pending;
/** playerId, confirm ("ERASE") */
export const erasePlayerAction: Action = pending;
/** playerId, reason, duration, scope ("all" | "servers"), serverIds[], includeAddress (checkbox) */
export const banPlayerRecordAction: Action = pending;
