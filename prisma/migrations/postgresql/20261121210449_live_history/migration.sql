-- AlterTable
ALTER TABLE "Server" ADD COLUMN     "pollIntervalSeconds" INTEGER NOT NULL DEFAULT 10;

-- CreateTable
CREATE TABLE "ConsoleLine" (
    "id" SERIAL NOT NULL,
    "serverId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "actorId" TEXT,
    "actorName" TEXT,
    "replyTo" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConsoleLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlayerSession" (
    "id" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "gameId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "plainName" TEXT NOT NULL,
    "guid" TEXT,
    "steamId" TEXT,
    "address" TEXT,
    "joinedAt" TIMESTAMP(3) NOT NULL,
    "leftAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PlayerSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlayerCountSample" (
    "id" SERIAL NOT NULL,
    "serverId" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PlayerCountSample_pkey" PRIMARY KEY ("id")
);

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

-- AddForeignKey
ALTER TABLE "ConsoleLine" ADD CONSTRAINT "ConsoleLine_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlayerSession" ADD CONSTRAINT "PlayerSession_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlayerCountSample" ADD CONSTRAINT "PlayerCountSample_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;


