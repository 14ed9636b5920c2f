-- CreateTable
CREATE TABLE "Player" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "lastName" TEXT NOT NULL,
    "lastNameKey" TEXT NOT NULL,
    "firstSeenAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "lastServerId" TEXT,
    "staysCount" INTEGER NOT NULL DEFAULT 0,
    "secondsPlayed" INTEGER NOT NULL DEFAULT 0,
    "watchReason" TEXT,
    "watchedAt" DATETIME,
    "watchedById" TEXT,
    "watchedByName" TEXT,
    "mergedIntoId" TEXT,
    "mergedAt" DATETIME,
    "erasedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Player_mergedIntoId_fkey" FOREIGN KEY ("mergedIntoId") REFERENCES "Player" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PlayerMerge" (
    "fromId" TEXT NOT NULL PRIMARY KEY,
    "intoId" TEXT NOT NULL,
    "mergedAt" DATETIME NOT NULL,
    "undo" TEXT NOT NULL,
    CONSTRAINT "PlayerMerge_fromId_fkey" FOREIGN KEY ("fromId") REFERENCES "Player" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PlayerIdentity" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "playerId" TEXT NOT NULL,
    "originPlayerId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "display" TEXT,
    "firstSeenAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "timesSeen" INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT "PlayerIdentity_playerId_fkey" FOREIGN KEY ("playerId") REFERENCES "Player" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PlayerIdentityServer" (
    "identityId" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "firstSeenAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,

    PRIMARY KEY ("identityId", "serverId"),
    CONSTRAINT "PlayerIdentityServer_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "PlayerIdentity" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PlayerIdentityServer_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PlayerServer" (
    "playerId" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "firstSeenAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "staysCount" INTEGER NOT NULL DEFAULT 0,
    "secondsPlayed" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("playerId", "serverId"),
    CONSTRAINT "PlayerServer_playerId_fkey" FOREIGN KEY ("playerId") REFERENCES "Player" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PlayerServer_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PlayerNote" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "playerId" TEXT NOT NULL,
    "originPlayerId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "authorId" TEXT,
    "authorEmail" TEXT,
    "authorName" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "editedAt" DATETIME,
    CONSTRAINT "PlayerNote_playerId_fkey" FOREIGN KEY ("playerId") REFERENCES "Player" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PlayerNoteRevision" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "noteId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "editorId" TEXT,
    "editorEmail" TEXT,
    "editorName" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PlayerNoteRevision_noteId_fkey" FOREIGN KEY ("noteId") REFERENCES "PlayerNote" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PlayerSanction" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "playerId" TEXT NOT NULL,
    "originPlayerId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "serverId" TEXT,
    "reason" TEXT NOT NULL,
    "delivery" TEXT,
    "authorId" TEXT,
    "authorEmail" TEXT,
    "authorName" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PlayerSanction_playerId_fkey" FOREIGN KEY ("playerId") REFERENCES "Player" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PlayerSanction_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Ban" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "reason" TEXT NOT NULL,
    "note" TEXT,
    "playerNames" TEXT NOT NULL DEFAULT '[]',
    "searchText" TEXT NOT NULL DEFAULT '',
    "authorId" TEXT,
    "authorEmail" TEXT,
    "authorName" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "expiresAt" DATETIME,
    "revokedAt" DATETIME,
    "revokedById" TEXT,
    "revokedByEmail" TEXT,
    "revokeReason" TEXT,
    "scope" TEXT NOT NULL,
    "banListId" TEXT,
    "playerId" TEXT,
    CONSTRAINT "Ban_banListId_fkey" FOREIGN KEY ("banListId") REFERENCES "BanList" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Ban_playerId_fkey" FOREIGN KEY ("playerId") REFERENCES "Player" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Ban" ("authorEmail", "authorId", "authorName", "banListId", "createdAt", "expiresAt", "id", "note", "playerNames", "reason", "revokeReason", "revokedAt", "revokedByEmail", "revokedById", "scope", "searchText", "updatedAt") SELECT "authorEmail", "authorId", "authorName", "banListId", "createdAt", "expiresAt", "id", "note", "playerNames", "reason", "revokeReason", "revokedAt", "revokedByEmail", "revokedById", "scope", "searchText", "updatedAt" FROM "Ban";
DROP TABLE "Ban";
ALTER TABLE "new_Ban" RENAME TO "Ban";
CREATE INDEX "Ban_createdAt_id_idx" ON "Ban"("createdAt", "id");
CREATE INDEX "Ban_expiresAt_idx" ON "Ban"("expiresAt");
CREATE INDEX "Ban_revokedAt_idx" ON "Ban"("revokedAt");
CREATE INDEX "Ban_authorId_createdAt_idx" ON "Ban"("authorId", "createdAt");
CREATE INDEX "Ban_banListId_idx" ON "Ban"("banListId");
CREATE INDEX "Ban_playerId_idx" ON "Ban"("playerId");
CREATE TABLE "new_PlayerSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "serverId" TEXT NOT NULL,
    "gameId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "plainName" TEXT NOT NULL,
    "guid" TEXT,
    "steamId" TEXT,
    "address" TEXT,
    "joinedAt" DATETIME NOT NULL,
    "leftAt" DATETIME,
    "playerId" TEXT,
    "originPlayerId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "PlayerSession_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PlayerSession_playerId_fkey" FOREIGN KEY ("playerId") REFERENCES "Player" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_PlayerSession" ("address", "createdAt", "gameId", "guid", "id", "joinedAt", "leftAt", "name", "plainName", "serverId", "steamId", "updatedAt") SELECT "address", "createdAt", "gameId", "guid", "id", "joinedAt", "leftAt", "name", "plainName", "serverId", "steamId", "updatedAt" FROM "PlayerSession";
DROP TABLE "PlayerSession";
ALTER TABLE "new_PlayerSession" RENAME TO "PlayerSession";
CREATE INDEX "PlayerSession_playerId_joinedAt_idx" ON "PlayerSession"("playerId", "joinedAt");
CREATE INDEX "PlayerSession_serverId_leftAt_idx" ON "PlayerSession"("serverId", "leftAt");
CREATE INDEX "PlayerSession_serverId_joinedAt_idx" ON "PlayerSession"("serverId", "joinedAt");
CREATE INDEX "PlayerSession_guid_idx" ON "PlayerSession"("guid");
CREATE INDEX "PlayerSession_steamId_idx" ON "PlayerSession"("steamId");
CREATE INDEX "PlayerSession_plainName_idx" ON "PlayerSession"("plainName");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Player_lastSeenAt_idx" ON "Player"("lastSeenAt");

-- CreateIndex
CREATE INDEX "Player_lastNameKey_idx" ON "Player"("lastNameKey");

-- CreateIndex
CREATE INDEX "Player_mergedIntoId_idx" ON "Player"("mergedIntoId");

-- CreateIndex
CREATE INDEX "PlayerMerge_intoId_idx" ON "PlayerMerge"("intoId");

-- CreateIndex
CREATE INDEX "PlayerIdentity_kind_value_idx" ON "PlayerIdentity"("kind", "value");

-- CreateIndex
CREATE INDEX "PlayerIdentity_originPlayerId_idx" ON "PlayerIdentity"("originPlayerId");

-- CreateIndex
CREATE UNIQUE INDEX "PlayerIdentity_playerId_kind_value_key" ON "PlayerIdentity"("playerId", "kind", "value");

-- CreateIndex
CREATE INDEX "PlayerIdentityServer_serverId_idx" ON "PlayerIdentityServer"("serverId");

-- CreateIndex
CREATE INDEX "PlayerServer_serverId_lastSeenAt_idx" ON "PlayerServer"("serverId", "lastSeenAt");

-- CreateIndex
CREATE INDEX "PlayerNote_playerId_createdAt_idx" ON "PlayerNote"("playerId", "createdAt");

-- CreateIndex
CREATE INDEX "PlayerNote_originPlayerId_idx" ON "PlayerNote"("originPlayerId");

-- CreateIndex
CREATE INDEX "PlayerNoteRevision_noteId_createdAt_idx" ON "PlayerNoteRevision"("noteId", "createdAt");

-- CreateIndex
CREATE INDEX "PlayerSanction_playerId_createdAt_idx" ON "PlayerSanction"("playerId", "createdAt");

-- CreateIndex
CREATE INDEX "PlayerSanction_originPlayerId_idx" ON "PlayerSanction"("originPlayerId");


