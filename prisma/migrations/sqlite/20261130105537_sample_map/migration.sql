-- AlterTable
ALTER TABLE "PlayerCountSample" ADD COLUMN "map" TEXT;


