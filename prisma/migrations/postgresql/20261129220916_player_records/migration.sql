-- AlterTable
ALTER TABLE "Ban" ADD COLUMN     "playerId" TEXT;

-- AlterTable
ALTER TABLE "PlayerSession" ADD COLUMN     "originPlayerId" TEXT,
ADD COLUMN     "playerId" TEXT;

-- CreateTable
CREATE TABLE "Player" (
    "id" TEXT NOT NULL,
    "lastName" TEXT NOT NULL,
    "lastNameKey" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "lastServerId" TEXT,
    "staysCount" INTEGER NOT NULL DEFAULT 0,
    "secondsPlayed" INTEGER NOT NULL DEFAULT 0,
    "watchReason" TEXT,
    "watchedAt" TIMESTAMP(3),
    "watchedById" TEXT,
    "watchedByName" TEXT,
    "mergedIntoId" TEXT,
    "mergedAt" TIMESTAMP(3),
    "erasedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Player_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlayerMerge" (
    "fromId" TEXT NOT NULL,
    "intoId" TEXT NOT NULL,
    "mergedAt" TIMESTAMP(3) NOT NULL,
    "undo" TEXT NOT NULL,

    CONSTRAINT "PlayerMerge_pkey" PRIMARY KEY ("fromId")
);

-- CreateTable
CREATE TABLE "PlayerIdentity" (
    "id" TEXT NOT NULL,
    "playerId" TEXT NOT NULL,
    "originPlayerId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "display" TEXT,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "timesSeen" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "PlayerIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlayerIdentityServer" (
    "identityId" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PlayerIdentityServer_pkey" PRIMARY KEY ("identityId","serverId")
);

-- CreateTable
CREATE TABLE "PlayerServer" (
    "playerId" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "staysCount" INTEGER NOT NULL DEFAULT 0,
    "secondsPlayed" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "PlayerServer_pkey" PRIMARY KEY ("playerId","serverId")
);

-- CreateTable
CREATE TABLE "PlayerNote" (
    "id" TEXT NOT NULL,
    "playerId" TEXT NOT NULL,
    "originPlayerId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "authorId" TEXT,
    "authorEmail" TEXT,
    "authorName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "editedAt" TIMESTAMP(3),

    CONSTRAINT "PlayerNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlayerNoteRevision" (
    "id" TEXT NOT NULL,
    "noteId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "editorId" TEXT,
    "editorEmail" TEXT,
    "editorName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PlayerNoteRevision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlayerSanction" (
    "id" TEXT NOT NULL,
    "playerId" TEXT NOT NULL,
    "originPlayerId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "serverId" TEXT,
    "reason" TEXT NOT NULL,
    "delivery" TEXT,
    "authorId" TEXT,
    "authorEmail" TEXT,
    "authorName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PlayerSanction_pkey" PRIMARY KEY ("id")
);

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

-- CreateIndex
CREATE INDEX "Ban_playerId_idx" ON "Ban"("playerId");

-- CreateIndex
CREATE INDEX "PlayerSession_playerId_joinedAt_idx" ON "PlayerSession"("playerId", "joinedAt");

-- AddForeignKey
ALTER TABLE "PlayerSession" ADD CONSTRAINT "PlayerSession_playerId_fkey" FOREIGN KEY ("playerId") REFERENCES "Player"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ban" ADD CONSTRAINT "Ban_playerId_fkey" FOREIGN KEY ("playerId") REFERENCES "Player"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Player" ADD CONSTRAINT "Player_mergedIntoId_fkey" FOREIGN KEY ("mergedIntoId") REFERENCES "Player"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlayerMerge" ADD CONSTRAINT "PlayerMerge_fromId_fkey" FOREIGN KEY ("fromId") REFERENCES "Player"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlayerIdentity" ADD CONSTRAINT "PlayerIdentity_playerId_fkey" FOREIGN KEY ("playerId") REFERENCES "Player"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlayerIdentityServer" ADD CONSTRAINT "PlayerIdentityServer_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "PlayerIdentity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlayerIdentityServer" ADD CONSTRAINT "PlayerIdentityServer_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlayerServer" ADD CONSTRAINT "PlayerServer_playerId_fkey" FOREIGN KEY ("playerId") REFERENCES "Player"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlayerServer" ADD CONSTRAINT "PlayerServer_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlayerNote" ADD CONSTRAINT "PlayerNote_playerId_fkey" FOREIGN KEY ("playerId") REFERENCES "Player"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlayerNoteRevision" ADD CONSTRAINT "PlayerNoteRevision_noteId_fkey" FOREIGN KEY ("noteId") REFERENCES "PlayerNote"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlayerSanction" ADD CONSTRAINT "PlayerSanction_playerId_fkey" FOREIGN KEY ("playerId") REFERENCES "Player"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlayerSanction" ADD CONSTRAINT "PlayerSanction_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE SET NULL ON UPDATE CASCADE;


