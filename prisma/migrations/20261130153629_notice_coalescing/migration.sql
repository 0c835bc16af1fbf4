-- AlterTable
ALTER TABLE "OutboundDelivery" ADD COLUMN     "coalescedInto" TEXT;
