-- DropForeignKey
ALTER TABLE "ConsoleLine" DROP CONSTRAINT "ConsoleLine_serverId_fkey";

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "lastAt" TIMESTAMP(3),
ADD COLUMN     "repeats" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "OneTimeToken" ADD COLUMN     "allServers" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Server" ADD COLUMN     "consoleSeqReserved" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "allServers" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "UserSession" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "userAgent" TEXT,
    "ip" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "revokedReason" TEXT,

    CONSTRAINT "UserSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServerPurge" (
    "serverId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ServerPurge_pkey" PRIMARY KEY ("serverId")
);

-- CreateIndex
CREATE INDEX "UserSession_userId_revokedAt_idx" ON "UserSession"("userId", "revokedAt");

-- CreateIndex
CREATE INDEX "UserSession_expiresAt_idx" ON "UserSession"("expiresAt");

-- AddForeignKey
ALTER TABLE "UserSession" ADD CONSTRAINT "UserSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- Backfill (written by hand): "every server" was inferred from an empty ServerAccess set, now it is stored.
UPDATE "User" SET "allServers" = true
  WHERE "role" = 'OWNER' OR NOT EXISTS (SELECT 1 FROM "ServerAccess" a WHERE a."userId" = "User"."id");
UPDATE "OneTimeToken" SET "allServers" = true
  WHERE "purpose" = 'invite' AND ("serverIds" IS NULL OR "serverIds" = '[]');
-- Seqs already handed out count as reserved.
UPDATE "Server" SET "consoleSeqReserved" = COALESCE((SELECT MAX(c."seq") FROM "ConsoleLine" c WHERE c."serverId" = "Server"."id"), 0);
