// Prisma CLI configuration (Prisma 7). Leadline applies migrations itself with
// `npx leadline migrate` (offline, WebAssembly schema engine); this file lets the
// standard `prisma migrate deploy` work too wherever Prisma's native engine is available.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/leadline' },
});
