-- AlterTable
ALTER TABLE "Server" ADD COLUMN     "gameLogs" BOOLEAN NOT NULL DEFAULT false;


