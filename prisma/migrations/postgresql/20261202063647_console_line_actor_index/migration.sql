-- DropIndex
DROP INDEX "ConsoleLine_actorId_serverId_kind_idx";

-- CreateIndex
CREATE INDEX "ConsoleLine_actorId_serverId_kind_seq_idx" ON "ConsoleLine"("actorId", "serverId", "kind", "seq") WHERE ("actorId" IS NOT NULL);


