-- AlterTable
ALTER TABLE "InboundEvent" ADD COLUMN     "pendingOutbox" JSONB;
