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
    "gameLogs" BOOLEAN NOT NULL DEFAULT false,
    "consoleSeqReserved" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Server" ("consoleSeqReserved", "createdAt", "enabled", "encoding", "game", "host", "id", "isDemo", "name", "passwordEncrypted", "pollIntervalSeconds", "port", "protocol", "updatedAt") SELECT "consoleSeqReserved", "createdAt", "enabled", "encoding", "game", "host", "id", "isDemo", "name", "passwordEncrypted", "pollIntervalSeconds", "port", "protocol", "updatedAt" FROM "Server";
DROP TABLE "Server";
ALTER TABLE "new_Server" RENAME TO "Server";
CREATE INDEX "Server_name_idx" ON "Server"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


