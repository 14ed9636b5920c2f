-- CreateTable
CREATE TABLE "Ban" (
    "id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "note" TEXT,
    "playerNames" TEXT NOT NULL DEFAULT '[]',
    "searchText" TEXT NOT NULL DEFAULT '',
    "authorId" TEXT,
    "authorEmail" TEXT,
    "authorName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "revokedById" TEXT,
    "revokedByEmail" TEXT,
    "revokeReason" TEXT,
    "scope" TEXT NOT NULL,
    "banListId" TEXT,

    CONSTRAINT "Ban_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BanIdentifier" (
    "id" TEXT NOT NULL,
    "banId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "BanIdentifier_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BanServer" (
    "banId" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,

    CONSTRAINT "BanServer_pkey" PRIMARY KEY ("banId","serverId")
);

-- CreateTable
CREATE TABLE "BanList" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BanList_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BanListServer" (
    "banListId" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BanListServer_pkey" PRIMARY KEY ("banListId","serverId")
);

-- CreateTable
CREATE TABLE "BanSync" (
    "id" TEXT NOT NULL,
    "banId" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "error" TEXT,
    "nativeRef" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastVerifiedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BanSync_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Ban_createdAt_id_idx" ON "Ban"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Ban_expiresAt_idx" ON "Ban"("expiresAt");

-- CreateIndex
CREATE INDEX "Ban_revokedAt_idx" ON "Ban"("revokedAt");

-- CreateIndex
CREATE INDEX "Ban_authorId_createdAt_idx" ON "Ban"("authorId", "createdAt");

-- CreateIndex
CREATE INDEX "Ban_banListId_idx" ON "Ban"("banListId");

-- CreateIndex
CREATE INDEX "BanIdentifier_kind_value_idx" ON "BanIdentifier"("kind", "value");

-- CreateIndex
CREATE UNIQUE INDEX "BanIdentifier_banId_kind_value_key" ON "BanIdentifier"("banId", "kind", "value");

-- CreateIndex
CREATE INDEX "BanServer_serverId_idx" ON "BanServer"("serverId");

-- CreateIndex
CREATE UNIQUE INDEX "BanList_name_key" ON "BanList"("name");

-- CreateIndex
CREATE INDEX "BanListServer_serverId_idx" ON "BanListServer"("serverId");

-- CreateIndex
CREATE INDEX "BanSync_serverId_state_idx" ON "BanSync"("serverId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "BanSync_banId_serverId_key" ON "BanSync"("banId", "serverId");

-- AddForeignKey
ALTER TABLE "Ban" ADD CONSTRAINT "Ban_banListId_fkey" FOREIGN KEY ("banListId") REFERENCES "BanList"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BanIdentifier" ADD CONSTRAINT "BanIdentifier_banId_fkey" FOREIGN KEY ("banId") REFERENCES "Ban"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BanServer" ADD CONSTRAINT "BanServer_banId_fkey" FOREIGN KEY ("banId") REFERENCES "Ban"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BanServer" ADD CONSTRAINT "BanServer_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BanListServer" ADD CONSTRAINT "BanListServer_banListId_fkey" FOREIGN KEY ("banListId") REFERENCES "BanList"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BanListServer" ADD CONSTRAINT "BanListServer_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BanSync" ADD CONSTRAINT "BanSync_banId_fkey" FOREIGN KEY ("banId") REFERENCES "Ban"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BanSync" ADD CONSTRAINT "BanSync_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;


