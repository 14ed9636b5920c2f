-- CreateTable
CREATE TABLE "ConsoleLine" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "serverId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "actorId" TEXT,
    "actorName" TEXT,
    "replyTo" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ConsoleLine_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PlayerSession" (
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "PlayerSession_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PlayerCountSample" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "serverId" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PlayerCountSample_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Server" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "game" TEXT NOT NULL,
    "protocol" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "passwordEncrypted" TEXT NOT NULL,
    "encoding" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "isDemo" BOOLEAN NOT NULL DEFAULT false,
    "pollIntervalSeconds" INTEGER NOT NULL DEFAULT 10,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Server" ("createdAt", "enabled", "encoding", "game", "host", "id", "isDemo", "name", "passwordEncrypted", "port", "protocol", "updatedAt") SELECT "createdAt", "enabled", "encoding", "game", "host", "id", "isDemo", "name", "passwordEncrypted", "port", "protocol", "updatedAt" FROM "Server";
DROP TABLE "Server";
ALTER TABLE "new_Server" RENAME TO "Server";
CREATE INDEX "Server_name_idx" ON "Server"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ConsoleLine_serverId_createdAt_idx" ON "ConsoleLine"("serverId", "createdAt");

-- CreateIndex
CREATE INDEX "ConsoleLine_actorId_serverId_kind_idx" ON "ConsoleLine"("actorId", "serverId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "ConsoleLine_serverId_seq_key" ON "ConsoleLine"("serverId", "seq");

-- CreateIndex
CREATE INDEX "PlayerSession_serverId_leftAt_idx" ON "PlayerSession"("serverId", "leftAt");

-- CreateIndex
CREATE INDEX "PlayerSession_serverId_joinedAt_idx" ON "PlayerSession"("serverId", "joinedAt");

-- CreateIndex
CREATE INDEX "PlayerSession_guid_idx" ON "PlayerSession"("guid");

-- CreateIndex
CREATE INDEX "PlayerSession_steamId_idx" ON "PlayerSession"("steamId");

-- CreateIndex
CREATE INDEX "PlayerSession_plainName_idx" ON "PlayerSession"("plainName");

-- CreateIndex
CREATE INDEX "PlayerCountSample_serverId_createdAt_idx" ON "PlayerCountSample"("serverId", "createdAt");


