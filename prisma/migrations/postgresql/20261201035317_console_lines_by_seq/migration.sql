-- DropIndex
DROP INDEX "ConsoleLine_serverId_createdAt_idx";


