-- CreateTable
CREATE TABLE "UserSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "userAgent" TEXT,
    "ip" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "revokedAt" DATETIME,
    "revokedReason" TEXT,
    CONSTRAINT "UserSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ServerPurge" (
    "serverId" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AuditEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "actorId" TEXT,
    "actorEmail" TEXT,
    "action" TEXT NOT NULL,
    "targetType" TEXT,
    "targetId" TEXT,
    "serverId" TEXT,
    "input" TEXT,
    "outcome" TEXT NOT NULL,
    "detail" TEXT,
    "repeats" INTEGER NOT NULL DEFAULT 1,
    "lastAt" DATETIME,
    "sourceIp" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AuditEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "AuditEvent_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_AuditEvent" ("action", "actorEmail", "actorId", "createdAt", "detail", "id", "input", "outcome", "serverId", "sourceIp", "targetId", "targetType") SELECT "action", "actorEmail", "actorId", "createdAt", "detail", "id", "input", "outcome", "serverId", "sourceIp", "targetId", "targetType" FROM "AuditEvent";
DROP TABLE "AuditEvent";
ALTER TABLE "new_AuditEvent" RENAME TO "AuditEvent";
CREATE INDEX "AuditEvent_createdAt_idx" ON "AuditEvent"("createdAt");
CREATE INDEX "AuditEvent_actorId_createdAt_idx" ON "AuditEvent"("actorId", "createdAt");
CREATE INDEX "AuditEvent_serverId_createdAt_idx" ON "AuditEvent"("serverId", "createdAt");
CREATE INDEX "AuditEvent_action_createdAt_idx" ON "AuditEvent"("action", "createdAt");
CREATE TABLE "new_ConsoleLine" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "serverId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "actorId" TEXT,
    "actorName" TEXT,
    "replyTo" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_ConsoleLine" ("actorId", "actorName", "createdAt", "id", "kind", "replyTo", "seq", "serverId", "text") SELECT "actorId", "actorName", "createdAt", "id", "kind", "replyTo", "seq", "serverId", "text" FROM "ConsoleLine";
DROP TABLE "ConsoleLine";
ALTER TABLE "new_ConsoleLine" RENAME TO "ConsoleLine";
CREATE INDEX "ConsoleLine_serverId_createdAt_idx" ON "ConsoleLine"("serverId", "createdAt");
CREATE INDEX "ConsoleLine_actorId_serverId_kind_idx" ON "ConsoleLine"("actorId", "serverId", "kind");
CREATE UNIQUE INDEX "ConsoleLine_serverId_seq_key" ON "ConsoleLine"("serverId", "seq");
CREATE TABLE "new_OneTimeToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenHash" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "email" TEXT,
    "role" TEXT,
    "serverIds" TEXT,
    "allServers" BOOLEAN NOT NULL DEFAULT false,
    "invitedById" TEXT,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "OneTimeToken_invitedById_fkey" FOREIGN KEY ("invitedById") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_OneTimeToken" ("createdAt", "email", "expiresAt", "id", "invitedById", "purpose", "role", "serverIds", "tokenHash", "updatedAt", "usedAt") SELECT "createdAt", "email", "expiresAt", "id", "invitedById", "purpose", "role", "serverIds", "tokenHash", "updatedAt", "usedAt" FROM "OneTimeToken";
DROP TABLE "OneTimeToken";
ALTER TABLE "new_OneTimeToken" RENAME TO "OneTimeToken";
CREATE UNIQUE INDEX "OneTimeToken_tokenHash_key" ON "OneTimeToken"("tokenHash");
CREATE INDEX "OneTimeToken_purpose_expiresAt_idx" ON "OneTimeToken"("purpose", "expiresAt");
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
    "consoleSeqReserved" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Server" ("createdAt", "enabled", "encoding", "game", "host", "id", "isDemo", "name", "passwordEncrypted", "pollIntervalSeconds", "port", "protocol", "updatedAt") SELECT "createdAt", "enabled", "encoding", "game", "host", "id", "isDemo", "name", "passwordEncrypted", "pollIntervalSeconds", "port", "protocol", "updatedAt" FROM "Server";
DROP TABLE "Server";
ALTER TABLE "new_Server" RENAME TO "Server";
CREATE INDEX "Server_name_idx" ON "Server"("name");
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "allServers" BOOLEAN NOT NULL DEFAULT false,
    "sessionVersion" INTEGER NOT NULL DEFAULT 1,
    "lastLoginAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_User" ("createdAt", "disabled", "email", "id", "lastLoginAt", "name", "passwordHash", "role", "sessionVersion", "updatedAt") SELECT "createdAt", "disabled", "email", "id", "lastLoginAt", "name", "passwordHash", "role", "sessionVersion", "updatedAt" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "UserSession_userId_revokedAt_idx" ON "UserSession"("userId", "revokedAt");

-- CreateIndex
CREATE INDEX "UserSession_expiresAt_idx" ON "UserSession"("expiresAt");



-- Backfill (written by hand): "every server" was inferred from an empty ServerAccess set, now it is stored.
UPDATE "User" SET "allServers" = true
  WHERE "role" = 'OWNER' OR NOT EXISTS (SELECT 1 FROM "ServerAccess" a WHERE a."userId" = "User"."id");
UPDATE "OneTimeToken" SET "allServers" = true
  WHERE "purpose" = 'invite' AND ("serverIds" IS NULL OR "serverIds" = '[]');
-- Seqs already handed out count as reserved.
UPDATE "Server" SET "consoleSeqReserved" = COALESCE((SELECT MAX(c."seq") FROM "ConsoleLine" c WHERE c."serverId" = "Server"."id"), 0);
