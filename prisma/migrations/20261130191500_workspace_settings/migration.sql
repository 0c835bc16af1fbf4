-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "ackText" JSONB,
ADD COLUMN     "defaultCurrency" TEXT,
ADD COLUMN     "digestHour" INTEGER NOT NULL DEFAULT 9,
ADD COLUMN     "digestMinute" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "digestWeekday" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "holidays" JSONB NOT NULL DEFAULT '[]';
