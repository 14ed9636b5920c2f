import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AddBanForm } from "@/components/bans/add-ban-form";
import { BanFilters } from "@/components/bans/ban-filters";
import { BanListsSection } from "@/components/bans/ban-lists-section";
import { BanTable } from "@/components/bans/ban-table";
import { NativeOnlySection } from "@/components/bans/native-only-section";
import { Notice } from "@/components/ui/notice";
import { can, limitedServerIds } from "@/lib/permissions";
import { listBansSchema } from "@/lib/schemas/bans";
import { requireDataContext } from "@/server/auth/next";
import { listBanLists } from "@/server/data/ban-lists";
import { banLimitFor, banSyncStates, listBanAuthors } from "@/server/data/ban-page";
import { listBans } from "@/server/data/bans";
import { listServers } from "@/server/data/servers";
import { listNativeOnlyForActor } from "@/server/data/server-bans";
import {
  bulkRevokeAction,
  createBanAction,
  revokeBanAction,
  saveBanListAction,
  setBanListServersAction,
  updateBanAction,
} from "./actions";
import { BanPager } from "./ban-pager";

export const metadata: Metadata = { title: "Bans" };

type SearchParams = Record<string, string | string[] | undefined>;
const KEYS = ["search", "state", "serverId", "banListId", "authorId", "after", "sort"] as const;

/** Known keys only, first value each, empty ones dropped; listBansSchema validates the rest. */
function query(params: SearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of KEYS) {
    const value = params[key];
    const first = Array.isArray(value) ? value[0] : value;
    if (first) out[key] = first;
  }
  return out;
}

// Thin: listBans checks players.view, narrows a server-limited user to its servers and leaves
// identifiers out for roles without players.identities; every action checks again.
export default async function BansPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await requireDataContext();
  if (!can(ctx.actor, "players.view")) notFound();
  const raw = query(await searchParams);
  const parsed = listBansSchema.safeParse(raw);
  const [servers, lists, authors, nativeOnly] = await Promise.all([
    listServers(ctx),
    listBanLists(ctx),
    listBanAuthors(ctx),
    listNativeOnlyForActor(ctx),
  ]);
  const page = parsed.success ? await listBans(ctx, parsed.data) : null;
  const syncs = page
    ? await banSyncStates(
        ctx,
        page.bans.map((b) => b.id),
      )
    : {};
  const serverRefs = servers.map((s) => ({ id: s.id, name: s.name }));
  const listRefs = lists.map((l) => ({ id: l.id, name: l.name }));
  const everywhere = can(ctx.actor, "bans.manage") && limitedServerIds(ctx.actor) === null;
  const permissions = {
    actorId: ctx.actor.id,
    ban: can(ctx.actor, "players.ban"),
    manage: can(ctx.actor, "bans.manage"),
    limit: await banLimitFor(ctx),
  };
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h1 className="text-2xl font-semibold">Bans</h1>
        {permissions.manage ? (
          <Link href="/bans/import" className="text-sm text-indigo-600 underline dark:text-indigo-400">
            Import and export
          </Link>
        ) : null}
      </div>
      {permissions.ban ? (
        <AddBanForm
          servers={serverRefs.filter((s) => can(ctx.actor, "players.ban", s.id))}
          lists={listRefs}
          everywhere={everywhere}
          limit={permissions.limit}
          action={createBanAction}
        />
      ) : null}
      <BanFilters values={raw} servers={serverRefs} lists={listRefs} authors={authors} />
      {page ? (
        <>
          <BanTable
            bans={page.bans}
            syncs={syncs}
            servers={serverRefs}
            lists={listRefs}
            showIdentifiers={can(ctx.actor, "players.identities")}
            permissions={permissions}
            actions={{ revoke: revokeBanAction, update: updateBanAction, bulkRevoke: bulkRevokeAction }}
          />
          <BanPager raw={raw} next={page.next} />
        </>
      ) : (
        <Notice tone="error">These filters are not valid. Correct them and filter again.</Notice>
      )}
      <NativeOnlySection rows={nativeOnly} />
      <BanListsSection
        lists={lists}
        servers={serverRefs}
        canManage={everywhere}
        actions={{ save: saveBanListAction, setServers: setBanListServersAction }}
      />
    </div>
  );
}
