# Leadline application image. The app runs its TypeScript sources through tsx (bin/leadline.js
# registers it; `npm run build` compiles to dist/, which nothing runs), so the image holds
# the sources and the production dependencies, with no build step (but for the Mini App's
# bundle, made in the first stage). `start` migrates the
# database, then runs the roles in LEADLINE_ROLES (all by default); `migrate` only migrates.
# At run time it writes tsx's compile cache in /tmp and files under /app/data/files
# (FILE_STORAGE=disk): the root filesystem can be read-only with those two writable (the Helm
# chart mounts an emptyDir at /tmp and the `files` volume).
# The Mini App's front end (miniapp/, Preact) is bundled by Vite, a dev dependency: built in a
# stage of its own with the full install, and only its output (dist/miniapp) is copied over.
FROM node:20-bookworm-slim AS miniapp
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY scripts ./scripts
COPY miniapp ./miniapp
COPY core/i18n ./core/i18n
RUN node scripts/build-miniapp.mjs dist/miniapp

FROM node:20-bookworm-slim

# fonts for chart images (Latin and Cyrillic)
RUN apt-get update \
  && apt-get install -y --no-install-recommends fonts-dejavu-core ca-certificates \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
COPY --from=miniapp /build/dist/miniapp ./dist/miniapp
# FILE_STORAGE=disk writes here: owned by the run-time user, so a fresh volume mounted on it is too
RUN mkdir -p /app/data/files && chown 1000:1000 /app/data/files

# the image's `node` user, by number so that Kubernetes' runAsNonRoot can check it
USER 1000:1000
EXPOSE 3000
# for the web role (the default runs every role); processes without it answer on METRICS_PORT
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD node -e "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "bin/leadline.js", "start"]
